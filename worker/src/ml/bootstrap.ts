// Percentile bootstrap confidence intervals, resampling whole units (sessions) with
// replacement, from a fixed seed: the same data gives the same interval every run.
import { seededRandom } from './random';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** Resamples. */
  reps?: number;
  seed?: number;
  /** Coverage of the interval. */
  level?: number;
}

/** The `level` percentile interval of `statistic` over `reps` resamples of the n units (indices). */
export function bootstrapInterval(n: number, statistic: (sample: Uint32Array) => number, { reps = 1_000, seed = 11, level = 0.95 }: BootstrapOptions = {}): Interval {
  const random = seededRandom(seed);
  const values: number[] = [];
  const sample = new Uint32Array(n);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) sample[i] = Math.floor(random() * n);
    const v = statistic(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  if (!values.length) return { low: NaN, high: NaN };
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))];
  return { low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

/** Interval of Σ numerator / Σ denominator over resampled units (a rate, such as HR@20 over sessions). */
export function ratioInterval(numerator: ArrayLike<number>, denominator: ArrayLike<number>, options?: BootstrapOptions): Interval {
  return bootstrapInterval(numerator.length, (s) => {
    let a = 0;
    let b = 0;
    for (const i of s) (a += numerator[i]), (b += denominator[i]);
    return a / b;
  }, options);
}

/** Multiplicities of a resample: how often each of the n units was drawn. */
function resampleCounts(n: number, random: () => number, out: Float64Array): Float64Array {
  out.fill(0);
  for (let i = 0; i < n; i++) out[Math.floor(random() * n)]++;
  return out;
}

/** A score vector sorted once (best first), so each resample's AUC and AP take one pass. */
interface Sorted {
  order: Uint32Array;
  /** Start of each tie group in `order`, and the end. */
  groups: number[];
}

function sortScores(scores: ArrayLike<number>): Sorted {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const groups: number[] = [];
  for (let k = 0; k < order.length; k++) if (!k || scores[order[k]] !== scores[order[k - 1]]) groups.push(k);
  groups.push(order.length);
  return { order, groups };
}

/** ROC AUC (ties count half) and average precision with row weights, as rocAuc and averagePrecision compute them unweighted. */
export function weightedAucAp(labels: ArrayLike<number>, sorted: Sorted, w: ArrayLike<number>): { auc: number; ap: number } {
  let P = 0;
  let N = 0;
  for (let i = 0; i < labels.length; i++) labels[i] ? (P += w[i]) : (N += w[i]);
  if (!P || !N) return { auc: NaN, ap: NaN };
  let tp = 0, fp = 0, auc = 0, ap = 0;
  const { order, groups } = sorted;
  for (let g = 0; g + 1 < groups.length; g++) {
    let wp = 0, wn = 0;
    for (let k = groups[g]; k < groups[g + 1]; k++) {
      const i = order[k];
      labels[i] ? (wp += w[i]) : (wn += w[i]);
    }
    // positives of this group beat the negatives not yet seen (ranked below), tie with their own
    auc += wp * (N - fp - wn) + 0.5 * wp * wn;
    tp += wp;
    fp += wn;
    if (wp) ap += (wp / P) * (tp / (tp + fp));
  }
  return { auc: auc / (P * N), ap };
}

export interface ClassificationIntervals {
  auc: Interval;
  ap: Interval;
}

/**
 * 95 % intervals of ROC AUC and AP for each score vector, and of the differences of each from
 * the first (paired: the same resampled rows for all), resampling rows (sessions).
 */
export function classificationIntervals(labels: ArrayLike<number>, scores: ArrayLike<number>[], { reps = 1_000, seed = 11, level = 0.95 }: BootstrapOptions = {}): { each: ClassificationIntervals[]; minusFirst: ClassificationIntervals[] } {
  const n = labels.length;
  const random = seededRandom(seed);
  const sorted = scores.map(sortScores);
  const w = new Float64Array(n);
  const values = scores.map(() => ({ auc: [] as number[], ap: [] as number[], dAuc: [] as number[], dAp: [] as number[] }));
  for (let r = 0; r < reps; r++) {
    resampleCounts(n, random, w);
    const m = sorted.map((s) => weightedAucAp(labels, s, w));
    m.forEach((v, k) => {
      values[k].auc.push(v.auc);
      values[k].ap.push(v.ap);
      values[k].dAuc.push(v.auc - m[0].auc);
      values[k].dAp.push(v.ap - m[0].ap);
    });
  }
  const interval = (xs: number[]): Interval => {
    const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
    const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.floor(q * v.length)))];
    return v.length ? { low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) } : { low: NaN, high: NaN };
  };
  return {
    each: values.map((v) => ({ auc: interval(v.auc), ap: interval(v.ap) })),
    minusFirst: values.map((v) => ({ auc: interval(v.dAuc), ap: interval(v.dAp) })),
  };
}
