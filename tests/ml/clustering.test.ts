import { describe, expect, it } from 'vitest';
import { fuzzyCMeans, hardLabels, kMeans, kMeansBySilhouette, silhouette } from '../../worker/src/ml/clustering';
import { seededRandom } from '../../worker/src/ml/random';
import { ZHANG_CUSTOMERS } from './zhang';

/** Three well separated blobs around known centres. */
function blobs(seed = 3) {
  const random = seededRandom(seed);
  const centres = [[0, 0], [10, 10], [0, 10]];
  const X: number[][] = [];
  const truth: number[] = [];
  centres.forEach(([cx, cy], c) => {
    for (let i = 0; i < 30; i++) {
      X.push([cx + random() - 0.5, cy + random() - 0.5]);
      truth.push(c);
    }
  });
  return { X, truth, centres };
}

describe('k-means', () => {
  it('recovers separated blobs and their centres', () => {
    const { X, truth, centres } = blobs();
    const { labels, centroids } = kMeans(X, 3);
    // same partition as the truth, whatever the cluster numbering
    for (let i = 0; i < X.length; i++) for (let j = 0; j < X.length; j++) expect(labels[i] === labels[j]).toBe(truth[i] === truth[j]);
    for (const c of centres) expect(Math.min(...centroids.map((k) => Math.hypot(k[0] - c[0], k[1] - c[1])))).toBeLessThan(0.3);
  });

  it('chooses k by silhouette', () => {
    const { X } = blobs();
    const best = kMeansBySilhouette(X, { min: 2, max: 6 })!;
    expect(best.k).toBe(3);
    expect(best.silhouette).toBeGreaterThan(0.9);
  });

  it('scores a silhouette by hand', () => {
    // two tight pairs far apart: a = 1, b ≈ 10 for every point
    const X = [[0], [1], [10], [11]];
    // a = 1 for every point; b = mean distance to the other pair: 10.5, 9.5, 9.5, 10.5
    expect(silhouette(X, [0, 0, 1, 1])).toBeCloseTo((9.5 / 10.5 + 8.5 / 9.5 + 8.5 / 9.5 + 9.5 / 10.5) / 4, 10);
  });
});

describe('fuzzy c-means', () => {
  it('gives memberships that sum to 1', () => {
    const { X } = blobs();
    const { memberships } = fuzzyCMeans(X, 3);
    for (const row of memberships) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('partitions the Zhang et al. customers the same way from any start', () => {
    const expected = [[1, 2, 6, 7, 9, 10, 11, 12, 14], [3, 4, 5, 8, 13, 15]];
    for (const seed of [1, 2, 3, 4, 5, 42, 1234]) {
      const labels = hardLabels(fuzzyCMeans(ZHANG_CUSTOMERS.X, 2, { m: 2, seed }).memberships);
      const groups = [0, 1].map((c) => labels.map((l, i) => (l === c ? i + 1 : -1)).filter((i) => i > 0));
      groups.sort((a, b) => a[0] - b[0]);
      expect(groups).toEqual(expected);
    }
  });
});
