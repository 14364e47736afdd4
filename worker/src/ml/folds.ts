import { seededRandom, shuffled } from './random';

/**
 * Stratified k-fold: each fold keeps the share of positives. Returns the test indices of each
 * fold. There are never more folds than rows, and never an empty one (k is reduced to fit).
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed = 7): number[][] {
  k = Math.max(1, Math.min(Math.floor(k) || 1, labels.length));
  const random = seededRandom(seed);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] ? positives : negatives).push(i);
  const folds: number[][] = Array.from({ length: k }, () => []);
  [...shuffled(positives, random), ...shuffled(negatives, random)].forEach((index, n) => folds[n % k].push(index));
  return folds;
}

/** The rows of a fold split: [train indices, test indices]. */
export function splitFold(n: number, test: number[]): [number[], number[]] {
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!inTest[i]) train.push(i);
  return [train, test];
}
