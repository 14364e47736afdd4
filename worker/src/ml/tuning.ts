// Hyperparameter search on a validation set: coordinate search (each parameter in turn over
// its grid, keeping the best, a few passes), and the GBDT's own tuning with early stopping.
// Used by the benchmarks, which tune only on validation data (docs/evaluation.md).
import { GBDT_DEFAULTS, predictGbdt, trainGbdt, type GbdtOptions } from './gbdt';
import { averagePrecision, rocAuc } from './metrics';

/** Each parameter in turn over its grid, keeping the best found, for `passes` passes. */
export function coordinateSearch<T extends object>(start: T, grid: { [K in keyof T]?: T[K][] }, score: (candidate: T) => number, { passes = 2, onScore }: { passes?: number; onScore?: (candidate: T, score: number) => void } = {}): { best: T; score: number } {
  const seen = new Map<string, number>();
  const scoreOf = (o: T) => {
    const key = JSON.stringify(o);
    let s = seen.get(key);
    if (s === undefined) {
      seen.set(key, (s = score(o)));
      onScore?.(o, s);
    }
    return s;
  };
  let best = { ...start };
  let bestScore = scoreOf(best);
  for (let pass = 0; pass < passes; pass++) {
    let changed = false;
    for (const key of Object.keys(grid) as (keyof T)[]) {
      for (const value of grid[key] ?? []) {
        const candidate = { ...best, [key]: value };
        const s = scoreOf(candidate);
        if (s > bestScore + 1e-9) (best = candidate), (bestScore = s), (changed = true);
      }
    }
    if (!changed) break;
  }
  return { best, score: bestScore };
}

export interface Labelled {
  X: number[][];
  y: number[];
}

export const GBDT_GRID: { [K in keyof GbdtOptions]?: GbdtOptions[K][] } = {
  rate: [0.02, 0.05, 0.1, 0.2],
  depth: [2, 3, 4, 5, 6],
  minLeaf: [5, 10, 20, 50, 100],
  lambda: [0, 1, 5, 20],
  subsample: [0.6, 0.8, 1],
  colsample: [0.5, 0.8, 1],
};

/**
 * Tunes the trees on `fit`, scored by ROC AUC on `valid` (ties by AP), each candidate boosted
 * until `valid`'s log loss stops improving. Returns the options with the chosen rounds as `trees`.
 */
export function tuneGbdt(fit: Labelled, valid: Labelled, { start = { ...GBDT_DEFAULTS, trees: 1_000 }, grid = GBDT_GRID, patience = 50, passes = 1, onScore }: { start?: GbdtOptions; grid?: typeof GBDT_GRID; patience?: number; passes?: number; onScore?: (o: GbdtOptions, auc: number, rounds: number) => void } = {}): { options: GbdtOptions; auc: number } {
  const rounds = new Map<string, number>();
  const { best, score } = coordinateSearch(start, grid, (o) => {
    const model = trainGbdt(fit.X, fit.y, o, { X: valid.X, y: valid.y, patience });
    const p = valid.X.map((x) => predictGbdt(model, x));
    rounds.set(JSON.stringify(o), model.trees.length);
    const auc = rocAuc(valid.y, p);
    onScore?.(o, auc, model.trees.length);
    return auc + 1e-3 * averagePrecision(valid.y, p);
  }, { passes });
  return { options: { ...best, trees: rounds.get(JSON.stringify(best)) }, auc: score };
}
