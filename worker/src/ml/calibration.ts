// Probability calibration: a score of 0.7 should mean that 70 % of such sessions buy.
// A calibrator is fitted on out-of-fold predictions (never on the rows a model was trained on)
// and serialized with the model. Isotonic regression (pool adjacent violators) is interpolated
// linearly between its steps, so it keeps the model's ranking instead of flattening it into
// ties; Platt's sigmoid is the fallback for small data.
import { fitPlatt } from './svm';

export type Calibrator =
  | { kind: 'platt'; a: number; b: number }
  /** Increasing knots: x are raw probabilities, y calibrated ones. */
  | { kind: 'isotonic'; x: number[]; y: number[] };

const logit = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** Platt scaling on the logit of a probability. */
export function fitPlattCalibrator(scores: ArrayLike<number>, labels: ArrayLike<number>): Calibrator {
  const { a, b } = fitPlatt(Array.from(scores, logit), Array.from(labels));
  return { kind: 'platt', a, b };
}

/**
 * Isotonic regression by pool adjacent violators, summarized as at most `maxKnots` knots at
 * the blocks' mean scores. Blocks smaller than `minBlock` rows are pooled with a neighbour,
 * so no knot rests on a handful of sessions. No step is 0 or 1.
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, { minBlock = 20, maxKnots = 200 } = {}): Calibrator {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  // blocks: [sum of scores, sum of labels, rows]
  const blocks: [number, number, number][] = [];
  for (const i of order) {
    blocks.push([scores[i], labels[i] ? 1 : 0, 1]);
    // pool while the last block's rate is not above the previous one's
    while (blocks.length > 1) {
      const [s2, y2, n2] = blocks[blocks.length - 1];
      const [s1, y1, n1] = blocks[blocks.length - 2];
      if (y1 / n1 < y2 / n2) break;
      blocks.splice(blocks.length - 2, 2, [s1 + s2, y1 + y2, n1 + n2]);
    }
  }
  // pool small blocks (into the smaller-rate side keeps monotonicity: merging neighbours always does)
  const pooled: [number, number, number][] = [];
  for (const b of blocks) {
    const last = pooled[pooled.length - 1];
    if (last && last[2] < minBlock) (last[0] += b[0]), (last[1] += b[1]), (last[2] += b[2]);
    else pooled.push([...b]);
  }
  if (pooled.length > 1 && pooled[pooled.length - 1][2] < minBlock) {
    const [s, y, n] = pooled.pop()!;
    const last = pooled[pooled.length - 1];
    (last[0] += s), (last[1] += y), (last[2] += n);
  }
  while (pooled.length > maxKnots) {
    // merge the adjacent pair with the fewest rows
    let best = 0;
    for (let i = 1; i < pooled.length - 1; i++) if (pooled[i][2] + pooled[i + 1][2] < pooled[best][2] + pooled[best + 1][2]) best = i;
    const [s, y, n] = pooled[best + 1];
    (pooled[best][0] += s), (pooled[best][1] += y), (pooled[best][2] += n);
    pooled.splice(best + 1, 1);
  }
  const rates = pooled.map(([, y, n]) => y / n);
  // A block without a buyer (the first, by pooling) or of buyers only (the last) would claim a
  // certainty no sample can show: it takes its rate's Jeffreys estimate, (y + ½) / (n + 1), or,
  // where that would reach its neighbour's rate, half way to it: the steps still rise strictly, so
  // no scores are flattened into ties.
  const uncertain = (k: number) => (pooled[k][1] + 0.5) / (pooled[k][2] + 1);
  const last = rates.length - 1;
  if (last >= 0 && rates[0] === 0) {
    const next = last > 0 ? rates[1] : 1;
    rates[0] = uncertain(0) < next ? uncertain(0) : next / 2;
  }
  if (last >= 0 && rates[last] === 1) {
    const before = last > 0 ? rates[last - 1] : 0;
    rates[last] = uncertain(last) > before ? uncertain(last) : (1 + before) / 2;
  }
  return { kind: 'isotonic', x: pooled.map(([s, , n]) => s / n), y: rates };
}

/** The calibrated probability of a raw one. */
export function calibrate(c: Calibrator, p: number): number {
  if (c.kind === 'platt') return 1 / (1 + Math.exp(c.a * logit(p) + c.b));
  const { x, y } = c;
  if (!x.length) return p;
  if (p <= x[0]) return y[0];
  if (p >= x[x.length - 1]) return y[y.length - 1];
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  const t = x[hi] === x[lo] ? 0 : (p - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

/** A probability with `delta` added to its log-odds (exact at 0 and 1, which stay). */
export function shiftProbability(p: number, delta: number): number {
  const odds = p * Math.exp(delta);
  return odds / (odds + 1 - p);
}

/**
 * The calibrator with `delta` added to the log-odds of what it returns: how a calibrator fitted
 * on a sample whose classes were kept at different rates is moved to the whole population's
 * rate (delta = log(others' rate / positives' rate)). For isotonic regression this gives the
 * fit with each row weighted by its inverse sampling rate: every knot is a block's rate, and
 * weighting a block's rows by class multiplies its odds by e^delta, an increasing map, so PAV
 * pools the same blocks (only the knots' positions, the blocks' mean raw scores, stay unweighted).
 * Platt's sigmoid moves its intercept. Shifting the trees before calibrating would be undone by
 * the calibrator, which would learn the sample's rate again.
 */
export function shiftCalibrator(c: Calibrator, delta: number): Calibrator {
  if (!delta) return c;
  if (c.kind === 'platt') return { ...c, b: c.b - delta };
  return { ...c, y: c.y.map((p) => shiftProbability(p, delta)) };
}

export interface ReliabilityBin {
  /** Bin bounds on the predicted probability. */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Equal-width bins of the predicted probability, with the observed rate in each. */
export function reliability(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const out = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, meanPredicted: 0, observedRate: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const b = out[Math.min(bins - 1, Math.max(0, Math.floor(probabilities[i] * bins)))];
    b.count++;
    b.meanPredicted += probabilities[i];
    b.observedRate += labels[i] ? 1 : 0;
  }
  for (const b of out) if (b.count) (b.meanPredicted /= b.count), (b.observedRate /= b.count);
  return out;
}

/** Expected calibration error: the row-weighted mean |predicted − observed| over equal-width bins. */
export function expectedCalibrationError(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): number {
  let sum = 0;
  for (const b of reliability(labels, probabilities, bins)) sum += b.count * Math.abs(b.meanPredicted - b.observedRate);
  return sum / labels.length;
}
