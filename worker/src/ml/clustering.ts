// Segments: k-means (k-means++ seeding) and fuzzy c-means, with k chosen by silhouette.
import { seededRandom } from './random';

const dist2 = (a: readonly number[], b: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
};

export interface KMeansResult {
  centroids: number[][];
  labels: number[];
  inertia: number;
}

/** Lloyd's k-means from k-means++ starts; the best of `restarts` by inertia. */
export function kMeans(X: number[][], k: number, { restarts = 5, iterations = 100, seed = 1 } = {}): KMeansResult {
  const random = seededRandom(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    // k-means++: each next centre far from the chosen ones, with probability ∝ squared distance
    const centroids = [X[Math.floor(random() * X.length)].slice()];
    while (centroids.length < k) {
      const d = X.map((x) => Math.min(...centroids.map((c) => dist2(x, c))));
      const total = d.reduce((s, v) => s + v, 0);
      let pick = random() * total;
      let i = 0;
      while (i < X.length - 1 && (pick -= d[i]) > 0) i++;
      centroids.push(X[i].slice());
    }
    const labels = new Array(X.length).fill(-1);
    for (let it = 0; it < iterations; it++) {
      let moved = false;
      X.forEach((x, i) => {
        let nearest = 0;
        for (let c = 1; c < k; c++) if (dist2(x, centroids[c]) < dist2(x, centroids[nearest])) nearest = c;
        if (labels[i] !== nearest) (labels[i] = nearest), (moved = true);
      });
      for (let c = 0; c < k; c++) {
        const members = X.filter((_, i) => labels[i] === c);
        if (members.length) centroids[c] = centroids[c].map((_, j) => members.reduce((s, m) => s + m[j], 0) / members.length);
      }
      if (!moved) break;
    }
    const inertia = X.reduce((s, x, i) => s + dist2(x, centroids[labels[i]]), 0);
    if (!best || inertia < best.inertia) best = { centroids, labels, inertia };
  }
  return best!;
}

/** Mean silhouette coefficient (−1 … 1): how much closer each point is to its own cluster than to the next. */
export function silhouette(X: number[][], labels: number[]): number {
  const k = Math.max(...labels) + 1;
  let total = 0;
  X.forEach((x, i) => {
    const sums = new Array(k).fill(0);
    const counts = new Array(k).fill(0);
    X.forEach((y, j) => {
      if (i === j) return;
      sums[labels[j]] += Math.sqrt(dist2(x, y));
      counts[labels[j]]++;
    });
    const own = labels[i];
    if (!counts[own]) return; // a singleton scores 0
    const a = sums[own] / counts[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]) b = Math.min(b, sums[c] / counts[c]);
    total += b === Infinity ? 0 : (b - a) / Math.max(a, b);
  });
  return total / X.length;
}

/** k-means for each k in the range; the k with the best silhouette wins. */
export function kMeansBySilhouette(X: number[][], { min = 3, max = 8, seed = 1 } = {}) {
  let best: (KMeansResult & { k: number; silhouette: number }) | undefined;
  for (let k = min; k <= Math.min(max, X.length - 1); k++) {
    const result = kMeans(X, k, { seed });
    const s = silhouette(X, result.labels);
    if (!best || s > best.silhouette) best = { ...result, k, silhouette: s };
  }
  return best;
}

export interface FuzzyResult {
  centroids: number[][];
  /** memberships[i][c]: how much point i belongs to cluster c; each row sums to 1. */
  memberships: number[][];
  iterations: number;
}

/** Fuzzy c-means (Bezdek) with fuzzifier m, from random memberships. */
export function fuzzyCMeans(X: number[][], c: number, { m = 2, seed = 1, tolerance = 1e-9, iterations = 1_000 } = {}): FuzzyResult {
  const random = seededRandom(seed);
  let u = X.map(() => {
    const row = Array.from({ length: c }, () => random() + 1e-3);
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
  let centroids: number[][] = [];
  let it = 0;
  for (; it < iterations; it++) {
    centroids = Array.from({ length: c }, (_, k) => {
      const w = u.map((row) => row[k] ** m);
      const total = w.reduce((a, b) => a + b, 0);
      return X[0].map((_, j) => X.reduce((s, x, i) => s + w[i] * x[j], 0) / total);
    });
    let change = 0;
    const next = X.map((x) => {
      const d = centroids.map((ctr) => Math.sqrt(dist2(x, ctr)));
      const zero = d.findIndex((v) => v < 1e-12);
      if (zero >= 0) return d.map((_, k) => (k === zero ? 1 : 0));
      return d.map((dk) => 1 / d.reduce((s, dj) => s + (dk / dj) ** (2 / (m - 1)), 0));
    });
    next.forEach((row, i) => row.forEach((v, k) => (change = Math.max(change, Math.abs(v - u[i][k])))));
    u = next;
    if (change < tolerance) break;
  }
  return { centroids, memberships: u, iterations: it };
}

/** The cluster a point belongs to most. */
export const hardLabels = (memberships: number[][]) => memberships.map((row) => row.indexOf(Math.max(...row)));
