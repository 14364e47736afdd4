// Trees grown best first (`leaves`) are scikit-learn's: the same bins, splits and thresholds, the same raw scores.
import { describe, expect, it } from 'vitest';
import { gbdtLogit, trainGbdt } from '../../worker/src/ml/gbdt';
import fixture from './fixtures/gbdt-best-first.json';

const leafCount = (tree: { feature: number[] }) => tree.feature.filter((f) => f < 0).length;

describe('trainGbdt, leaves grown best first', () => {
  // sklearn sums gradients in float32: its scores agree to about 1e-8
  it('gives the raw scores of sklearn\'s HistGradientBoostingClassifier with max_leaf_nodes (make_gbdt_fixture.py)', () => {
    for (const c of fixture.cases) {
      const model = trainGbdt(fixture.X, fixture.y, { trees: c.rounds, leaves: c.leaves, depth: 20, rate: c.rate, minLeaf: c.minLeaf, lambda: c.lambda, subsample: 1, colsample: 1, bins: 255 });
      expect(model.trees).toHaveLength(c.rounds);
      for (const tree of model.trees) expect(leafCount(tree)).toBeLessThanOrEqual(c.leaves);
      fixture.X.forEach((x, i) => expect(gbdtLogit(model, x)).toBeCloseTo(c.raw[i], 5));
      fixture.probe.forEach((x, i) => expect(gbdtLogit(model, x)).toBeCloseTo(c.probeRaw[i], 5));
    }
  });

  it('without a leaf limit grows the same trees as before: every leaf splits to the depth', () => {
    const options = { trees: 5, depth: 3, rate: 0.3, minLeaf: 10, lambda: 1, subsample: 1, bins: 255 };
    const unlimited = trainGbdt(fixture.X, fixture.y, options);
    const many = trainGbdt(fixture.X, fixture.y, { ...options, leaves: 1_000 });
    fixture.X.forEach((x) => expect(gbdtLogit(many, x)).toBe(gbdtLogit(unlimited, x)));
    expect(unlimited.trees.some((t) => leafCount(t) === 8)).toBe(true);
  });
});
