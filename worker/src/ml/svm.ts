// Linear support vector machines. `solveSvm` solves the dual exactly by SMO (maximal violating
// pair) with an unregularized bias, as in the CRM literature; `trainSvm` uses dual coordinate
// descent, which scales to a shop's sessions. Platt scaling turns decision values into probabilities.
import { dot, sigmoid } from './linalg';
import { seededRandom } from './random';
import { fitScaler, scale, type Scaler } from './scaler';

export interface SvmModel {
  kind: 'svm';
  scaler: Scaler | null;
  weights: number[];
  bias: number;
  /** Platt's sigmoid: P(y = 1 | f) = 1 / (1 + exp(A f + B)). */
  platt: { a: number; b: number };
}

export interface SvmSolution {
  weights: number[];
  bias: number;
  alphas: number[];
  /** Indices of the support vectors (α > 0). */
  support: number[];
  iterations: number;
  /** The largest KKT violation left (below the tolerance when it converged). */
  violation: number;
}

/**
 * Solves the soft-margin dual (C = Infinity: hard margin) for labels in {0, 1} or {-1, 1}.
 * Stops when the largest KKT violation is below `tolerance`.
 */
export function solveSvm(X: number[][], labels: number[], { C = 1, tolerance = 1e-9, maxIterations = 200_000 } = {}): SvmSolution {
  const n = X.length;
  const y = labels.map((v) => (v > 0 ? 1 : -1));
  const alpha = new Array(n).fill(0);
  const w = new Array(X[0].length).fill(0);
  const f = new Array(n).fill(0); // w · x_t
  const kernel = (a: number, b: number) => dot(X[a], X[b]);
  const up = (t: number) => (y[t] > 0 ? alpha[t] < C : alpha[t] > 0);
  const low = (t: number) => (y[t] > 0 ? alpha[t] > 0 : alpha[t] < C);
  let it = 0;
  let violation = Infinity;
  for (; it < maxIterations; it++) {
    // −y_t ∇_t = y_t − w·x_t: pick the pair that violates the KKT conditions most.
    let i = -1;
    let j = -1;
    for (let t = 0; t < n; t++) {
      const v = y[t] - f[t];
      if (up(t) && (i < 0 || v > y[i] - f[i])) i = t;
      if (low(t) && (j < 0 || v < y[j] - f[j])) j = t;
    }
    violation = i < 0 || j < 0 ? 0 : y[i] - f[i] - (y[j] - f[j]);
    if (violation < tolerance) break;
    const eta = Math.max(kernel(i, i) + kernel(j, j) - 2 * kernel(i, j), 1e-12);
    const [lo, hi] =
      y[i] !== y[j]
        ? [Math.max(0, alpha[j] - alpha[i]), Math.min(C, C + alpha[j] - alpha[i])]
        : [Math.max(0, alpha[i] + alpha[j] - C), Math.min(C, alpha[i] + alpha[j])];
    const errI = f[i] - y[i];
    const errJ = f[j] - y[j];
    // Snapped to the bounds: a multiplier left at 1e-16 instead of 0 would stall the pair selection.
    const snap = (a: number) => (a < 1e-10 ? 0 : a > C - 1e-10 ? C : a);
    const aj = snap(Math.min(hi, Math.max(lo, alpha[j] + (y[j] * (errI - errJ)) / eta)));
    const ai = snap(alpha[i] + y[i] * y[j] * (alpha[j] - aj));
    const di = (ai - alpha[i]) * y[i];
    const dj = (aj - alpha[j]) * y[j];
    alpha[i] = ai;
    alpha[j] = aj;
    for (let k = 0; k < w.length; k++) w[k] += di * X[i][k] + dj * X[j][k];
    for (let t = 0; t < n; t++) f[t] += di * kernel(t, i) + dj * kernel(t, j);
  }
  // The bias: from the free support vectors, or the middle of the feasible interval.
  const free = alpha.map((a, t) => (a > 1e-9 && a < C - 1e-9 ? t : -1)).filter((t) => t >= 0);
  let bias: number;
  if (free.length) bias = free.reduce((s, t) => s + y[t] - f[t], 0) / free.length;
  else {
    const ups = [...Array(n).keys()].filter(up).map((t) => y[t] - f[t]);
    const lows = [...Array(n).keys()].filter(low).map((t) => y[t] - f[t]);
    bias = (Math.max(...ups) + Math.min(...lows)) / 2;
  }
  return { weights: w, bias, alphas: alpha, support: alpha.map((a, t) => (a > 1e-9 ? t : -1)).filter((t) => t >= 0), iterations: it, violation };
}

/** Platt scaling (with Lin, Lin & Weng's Newton method and target smoothing). */
export function fitPlatt(decisions: number[], labels: number[]): { a: number; b: number } {
  const pos = labels.filter((v) => v > 0).length;
  const neg = labels.length - pos;
  const hiT = (pos + 1) / (pos + 2);
  const loT = 1 / (neg + 2);
  const t = labels.map((v) => (v > 0 ? hiT : loT));
  let a = 0;
  let b = Math.log((neg + 1) / (pos + 1));
  const loss = (a: number, b: number) =>
    decisions.reduce((s, f, i) => {
      const z = f * a + b;
      return s + (z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z)));
    }, 0);
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
    decisions.forEach((f, i) => {
      const p = sigmoid(-(f * a + b)); // P(y=1)
      const d2 = p * (1 - p);
      h11 += f * f * d2;
      h22 += d2;
      h21 += f * d2;
      const d1 = t[i] - p;
      g1 += f * d1;
      g2 += d1;
    });
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    let step = 1;
    while (step >= 1e-10) {
      const next = loss(a + step * da, b + step * db);
      if (next < current + 1e-4 * step * (g1 * da + g2 * db)) {
        a += step * da;
        b += step * db;
        current = next;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { a, b };
}

/**
 * A Platt-scaled linear SVM, trained by dual coordinate descent (Hsieh et al. 2008, as
 * LIBLINEAR does): linear time per pass, so it scales to a shop's sessions. Features are
 * standardized unless `standardize` is false. The bias is learned as the weight of a constant
 * feature of value `biasScale` (LIBLINEAR's -B): the larger it is, the less the bias is
 * regularized, and the closer the solution comes to the exact SVM with a free bias.
 */
export function trainSvm(X: number[][], y: number[], { C = 1, epochs = 200, tolerance = 1e-3, seed = 1, standardize = true, biasScale = 1 } = {}): SvmModel {
  const scaler = standardize ? fitScaler(X) : null;
  const Z = X.map((r) => [...(scaler ? scale(scaler, r) : r), biasScale]);
  const labels = y.map((v) => (v > 0 ? 1 : -1));
  const n = Z.length;
  const w = new Array(Z[0].length).fill(0);
  const alpha = new Float64Array(n);
  const q = Z.map((z) => dot(z, z));
  const order = [...Array(n).keys()];
  const random = seededRandom(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const i of order) {
      const g = labels[i] * dot(w, Z[i]) - 1;
      const pg = alpha[i] === 0 ? Math.min(g, 0) : alpha[i] === C ? Math.max(g, 0) : g;
      maxPg = Math.max(maxPg, pg);
      minPg = Math.min(minPg, pg);
      if (pg === 0) continue;
      const old = alpha[i];
      alpha[i] = Math.min(Math.max(old - g / q[i], 0), C);
      const delta = (alpha[i] - old) * labels[i];
      for (let k = 0; k < w.length; k++) w[k] += delta * Z[i][k];
    }
    if (maxPg - minPg < tolerance) break;
  }
  const bias = w.pop()! * biasScale;
  const decisions = Z.map((z) => dot(w, z) + bias);
  return { kind: 'svm', scaler, weights: w, bias, platt: fitPlatt(decisions, labels) };
}

export function svmDecision(m: SvmModel, x: readonly number[]): number {
  return dot(m.weights, m.scaler ? scale(m.scaler, x) : x) + m.bias;
}

export function predictSvm(m: SvmModel, x: readonly number[]): number {
  return sigmoid(-(m.platt.a * svmDecision(m, x) + m.platt.b));
}
