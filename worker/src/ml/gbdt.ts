// Gradient-boosted decision trees for binary labels (logistic loss, second-order splits on
// quantile histograms, as XGBoost and LightGBM do). Trees serialize to compact JSON and score
// in microseconds: a few comparisons per tree.
import { sigmoid } from './linalg';
import { seededRandom } from './random';

/** One tree as parallel node arrays; a node with feature −1 is a leaf holding `value`. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface GbdtModel {
  kind: 'gbdt';
  /** Log-odds before the first tree. */
  base: number;
  trees: Tree[];
}

export interface GbdtOptions {
  /** Boosting rounds (the most, with early stopping). */
  trees?: number;
  depth?: number;
  /**
   * Most leaves per tree. Leaves split best first (the open leaf whose split gains most), as
   * LightGBM's and scikit-learn's growers do; Infinity: every leaf that can split does, to `depth`.
   */
  leaves?: number;
  rate?: number;
  /** Fewest rows in a leaf. */
  minLeaf?: number;
  /** L2 penalty on leaf values. */
  lambda?: number;
  /** Share of rows each tree sees. */
  subsample?: number;
  /** Share of features each tree may split on. */
  colsample?: number;
  bins?: number;
  seed?: number;
}

export const GBDT_DEFAULTS: Required<GbdtOptions> = { trees: 300, depth: 3, leaves: Infinity, rate: 0.05, minLeaf: 20, lambda: 1, subsample: 0.8, colsample: 1, bins: 64, seed: 1 };

/** Rows held out to stop boosting when their log loss has not improved for `patience` rounds. */
export interface EarlyStopping {
  X: number[][];
  y: number[];
  patience?: number;
}

/** What the trees minimize: the raw score every row starts from, and each row's gradient and hessian at its raw score. */
export interface Objective {
  base: number;
  gradients(raw: Float64Array, g: Float64Array, h: Float64Array): void;
}

/**
 * The logistic loss of binary labels, each row's share scaled by its weight (every row counts
 * once without weights); the base is the rows' weighted rate.
 */
export function logisticObjective(y: ArrayLike<number>, weights?: ArrayLike<number>): Objective {
  if (weights && weights.length !== y.length) throw new Error(`${weights.length} weights for ${y.length} rows`);
  const w = (i: number) => (weights ? weights[i] : 1);
  let total = 0;
  let positive = 0;
  for (let i = 0; i < y.length; i++) {
    if (!(w(i) >= 0 && w(i) < Infinity)) throw new Error(`row ${i}'s weight is ${w(i)}: weights are finite and not negative`);
    (total += w(i)), (positive += w(i) * y[i]);
  }
  if (!(total > 0)) throw new Error('the weights add up to 0');
  const mean = Math.min(1 - 1e-6, Math.max(1e-6, positive / total));
  return {
    base: Math.log(mean / (1 - mean)),
    gradients(raw, g, h) {
      for (let i = 0; i < y.length; i++) {
        const p = sigmoid(raw[i]);
        g[i] = w(i) * (p - y[i]);
        h[i] = w(i) * Math.max(p * (1 - p), 1e-12);
      }
    },
  };
}

/**
 * The weights of `rows`, scaled to a mean of 1 over them (undefined without weights), so that
 * the trees' L2 penalty keeps its scale whatever the weights' own.
 */
export function rowWeightsOf(rows: readonly number[], weights?: ArrayLike<number>): number[] | undefined {
  if (!weights) return undefined;
  let sum = 0;
  for (const i of rows) sum += weights[i];
  return rows.map((i) => weights[i] / (sum / rows.length));
}

/** The log loss of raw scores (log-odds). */
function logLoss(y: ArrayLike<number>, raw: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const m = y[i] ? -raw[i] : raw[i]; // log(1 + e^m), without overflow
    loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }
  return loss;
}

interface Histogram {
  g: Float64Array;
  h: Float64Array;
  c: Float64Array;
}

/**
 * Cut points of one feature, at most `bins − 1`, as scikit-learn bins: midway between
 * consecutive distinct values when there are at most `bins`, else the (1/bins)th quantiles, each
 * midway between its two nearest values (numpy's "midpoint" percentiles). Models trained before
 * cut at the values themselves; both score alike ("x ≤ threshold").
 */
function cutPoints(values: number[], bins: number): number[] {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  if (distinct.length <= bins) return distinct.slice(1).map((v, i) => (v + distinct[i]) / 2);
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const at = (b / bins) * (sorted.length - 1);
    const v = (sorted[Math.floor(at)] + sorted[Math.ceil(at)]) / 2;
    if (v !== cuts[cuts.length - 1]) cuts.push(v);
  }
  return cuts;
}

/**
 * Trains the trees on the objective, the labels' log loss by default. With `early`, boosting
 * stops once the held-out rows' log loss has not improved for `patience` rounds, and the model
 * keeps the rounds up to its best.
 */
export function trainGbdt(X: number[][], y: number[], options: GbdtOptions = {}, early?: EarlyStopping, objective: Objective = logisticObjective(y)): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  const n = X.length;
  const d = X[0].length;
  const random = seededRandom(o.seed);
  const cuts = Array.from({ length: d }, (_, j) => cutPoints(X.map((r) => r[j]), o.bins));
  // bin(x) = number of cut points below x, so "bin ≤ k" is "x ≤ cuts[k]"; row-major, so one
  // row's bins are read together when a histogram is built
  const B = o.bins;
  const bins = new Uint8Array(n * d);
  for (let j = 0; j < d; j++) {
    const c = cuts[j];
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = c.length;
      const x = X[i][j];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      bins[i * d + j] = lo;
    }
  }
  const base = objective.base;
  const raw = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  const held = early && early.y.length > 0 && { raw: new Float64Array(early.y.length).fill(base), best: Infinity, bestTrees: 0, patience: early.patience ?? 50 };
  const features = Array.from({ length: d }, (_, j) => j);

  for (let t = 0; t < o.trees; t++) {
    objective.gradients(raw, g, h);
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (random() < o.subsample) sample.push(i);
    // features this tree may use: a random share, at least one
    const usable = o.colsample >= 1 ? features : features.filter(() => random() < o.colsample);
    if (!usable.length) usable.push(Math.floor(random() * d));
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    /** Gradient, hessian and row count per (feature, bin) of the rows, for the usable features. */
    const histogram = (rows: readonly number[]): Histogram => {
      const hist = { g: new Float64Array(d * B), h: new Float64Array(d * B), c: new Float64Array(d * B) };
      for (const i of rows) {
        const at = i * d;
        const gi = g[i];
        const hi = h[i];
        for (const j of usable) {
          const k = j * B + bins[at + j];
          hist.g[k] += gi;
          hist.h[k] += hi;
          hist.c[k]++;
        }
      }
      return hist;
    };
    /** A leaf that can split, with its best split. */
    interface Open { node: number; rows: number[]; depth: number; hist: Histogram; gain: number; feature: number; bin: number }
    const open: Open[] = [];
    /** A new leaf on these rows; it is opened to split when it may and some split gains. */
    const leaf = (rows: number[], depth: number, given?: Histogram): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      let G = 0;
      let H = 0;
      for (const i of rows) (G += g[i]), (H += h[i]);
      tree.value.push(leafValue((-G / (H + o.lambda)) * o.rate));
      if (depth >= o.depth || rows.length < 2 * o.minLeaf) return node;
      const hist = given ?? histogram(rows);
      let best = { gain: 1e-9, feature: -1, bin: -1 };
      const parent = (G * G) / (H + o.lambda);
      for (const j of usable) {
        const m = cuts[j].length + 1;
        let gl = 0, hl = 0, nl = 0;
        for (let b = 0; b < m - 1; b++) {
          const k = j * B + b;
          gl += hist.g[k];
          hl += hist.h[k];
          nl += hist.c[k];
          const nr = rows.length - nl;
          if (nl < o.minLeaf) continue;
          if (nr < o.minLeaf) break;
          const gain = (gl * gl) / (hl + o.lambda) + ((G - gl) * (G - gl)) / (H - hl + o.lambda) - parent;
          if (gain > best.gain) best = { gain, feature: j, bin: b };
        }
      }
      if (best.feature >= 0) open.push({ node, rows, depth, hist, ...best });
      return node;
    };
    leaf(sample, 0);
    for (let leaves = 1; open.length && leaves < o.leaves; leaves++) {
      // the open leaf whose split gains most (the first of equals)
      let at = 0;
      for (let k = 1; k < open.length; k++) if (open[k].gain > open[at].gain) at = k;
      const { node, rows, depth, hist, feature: f, bin } = open.splice(at, 1)[0];
      const leftRows = rows.filter((i) => bins[i * d + f] <= bin);
      const rightRows = rows.filter((i) => bins[i * d + f] > bin);
      tree.feature[node] = f;
      tree.threshold[node] = cuts[f][bin];
      tree.value[node] = 0; // a split node's value is never read: 0 keeps the stored model small
      // the children's histograms: the smaller child's built, the larger's the parent's minus it
      let leftHist: Histogram | undefined;
      let rightHist: Histogram | undefined;
      if (depth + 1 < o.depth) {
        const smallIsLeft = leftRows.length <= rightRows.length;
        const small = histogram(smallIsLeft ? leftRows : rightRows);
        for (let k = 0; k < hist.g.length; k++) (hist.g[k] -= small.g[k]), (hist.h[k] -= small.h[k]), (hist.c[k] -= small.c[k]);
        [leftHist, rightHist] = smallIsLeft ? [small, hist] : [hist, small];
      }
      tree.left[node] = leaf(leftRows, depth + 1, leftHist);
      tree.right[node] = leaf(rightRows, depth + 1, rightHist);
    }
    trees.push(tree);
    for (let i = 0; i < n; i++) raw[i] += treeValue(tree, X[i]);
    if (held) {
      for (let i = 0; i < early!.y.length; i++) held.raw[i] += treeValue(tree, early!.X[i]);
      const loss = logLoss(early!.y, held.raw);
      if (loss < held.best - 1e-9) (held.best = loss), (held.bestTrees = trees.length);
      else if (trees.length - held.bestTrees >= held.patience) break;
    }
  }
  if (held) trees.length = Math.max(1, held.bestTrees);
  return { kind: 'gbdt', base, trees };
}

/**
 * A leaf's value to 8 significant digits: a change of 1e-8 of its size, far below any score's
 * precision. With split nodes' values 0, a stored depth-3 tree is a third smaller (its 17-digit
 * values took most of its JSON), which is what lets an intent model hold 8 members (training/intent.ts).
 */
const leafValue = (v: number) => Number(v.toPrecision(8));

/** One tree's value for a row (a model's logit is its base plus every tree's). */
export function treeValue(tree: Tree, x: readonly number[]): number {
  let node = 0;
  while (tree.feature[node] >= 0) node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}

export function gbdtLogit(m: GbdtModel, x: readonly number[]): number {
  let z = m.base;
  for (const tree of m.trees) z += treeValue(tree, x);
  return z;
}

export function predictGbdt(m: GbdtModel, x: readonly number[]): number {
  return sigmoid(gbdtLogit(m, x));
}
