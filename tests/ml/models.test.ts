import { describe, expect, it } from 'vitest';
import { predictGbdt, trainGbdt } from '../../worker/src/ml/gbdt';
import { DEFAULT_LIFECYCLE, lifecycleStage, rfmCuts, rfmFromCuts, rfmScores } from '../../worker/src/ml/lifecycle';
import { predictLogistic, trainLogistic } from '../../worker/src/ml/logistic';
import { atThreshold, averagePrecision, rocAuc } from '../../worker/src/ml/metrics';
import { seededRandom } from '../../worker/src/ml/random';

describe('metrics', () => {
  it('computes ROC AUC by hand', () => {
    // positives 0.9, 0.4; negatives 0.5, 0.1: pairs won 3 of 4
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1])).toBe(0.75);
    expect(rocAuc([1, 0], [0.5, 0.5])).toBe(0.5); // a tie counts half
  });

  it('computes average precision by hand', () => {
    // ranking: 1 (P=1), 0, 1 (P=2/3): AP = 0.5·1 + 0.5·2/3
    expect(averagePrecision([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1])).toBeCloseTo(0.5 + 1 / 3, 12);
  });

  it('computes accuracy and F1 at a threshold', () => {
    expect(atThreshold([1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1])).toEqual({ accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
  });
});

/** y = 1 when x0 + x1 > 1, with 5 % label noise. */
function dataset(n: number, seed = 2) {
  const r = seededRandom(seed);
  const X = Array.from({ length: n }, () => [r(), r(), r()]);
  const y = X.map(([a, b]) => ((a + b > 1 ? 1 : 0) ^ (r() < 0.05 ? 1 : 0)));
  return { X, y };
}

describe('gradient-boosted trees', () => {
  it('stop boosting when held-out rows stop improving, and keep the best rounds', () => {
    // pure noise: the held-out loss is best after very few rounds
    const r = seededRandom(3);
    const X = Array.from({ length: 600 }, () => [r(), r()]);
    const y = X.map(() => (r() < 0.3 ? 1 : 0));
    const held = { X: X.slice(400), y: y.slice(400), patience: 10 };
    const m = trainGbdt(X.slice(0, 400), y.slice(0, 400), { trees: 300, depth: 4, rate: 0.3, minLeaf: 5 }, held);
    expect(m.trees.length).toBeLessThan(30);
    // a learnable signal keeps boosting longer
    const s = dataset(800, 4);
    const learn = trainGbdt(s.X.slice(0, 600), s.y.slice(0, 600), { trees: 300, rate: 0.05 }, { X: s.X.slice(600), y: s.y.slice(600), patience: 20 });
    expect(learn.trees.length).toBeGreaterThan(m.trees.length);
  });

  it('with feature sampling, split only on the features each tree drew', () => {
    const s = dataset(400, 6);
    const m = trainGbdt(s.X, s.y, { trees: 40, colsample: 0.34, seed: 2 });
    const used = m.trees.map((t) => new Set(t.feature.filter((f) => f >= 0)));
    expect(used.some((u) => u.size === 1)).toBe(true); // one feature drawn: every split on it
    expect(new Set(used.flatMap((u) => [...u])).size).toBeGreaterThan(1);
  });
});

describe('intent models', () => {
  const train = dataset(600, 2);
  const test = dataset(300, 9);

  it('logistic regression learns a linear boundary with calibrated probabilities', () => {
    const m = trainLogistic(train.X, train.y);
    expect(m.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(m.weights[2])).toBeLessThan(0.3 * m.weights[0]); // the noise feature barely counts
    expect(rocAuc(test.y, test.X.map((x) => predictLogistic(m, x)))).toBeGreaterThan(0.9);
    expect(predictLogistic(m, [0.5, 0.5, 0.5])).toBeCloseTo(0.5, 1);
  });

  it('gradient-boosted trees learn a non-linear boundary and survive a JSON round trip', () => {
    // y = 1 inside a ring: no linear model can
    const r = seededRandom(5);
    const ring = (n: number) => {
      const X = Array.from({ length: n }, () => [r() * 2 - 1, r() * 2 - 1]);
      return { X, y: X.map(([a, b]) => (Math.hypot(a, b) < 0.6 ? 1 : 0)) };
    };
    const tr = ring(1_500);
    const te = ring(500);
    const m = JSON.parse(JSON.stringify(trainGbdt(tr.X, tr.y, { trees: 150, depth: 3 })));
    expect(rocAuc(te.y, te.X.map((x) => predictGbdt(m, x)))).toBeGreaterThan(0.95);
    const linear = trainLogistic(tr.X, tr.y); // once, not once per test row
    expect(rocAuc(te.y, te.X.map((x) => predictLogistic(linear, x)))).toBeLessThan(0.7);
  });

});

describe('lifecycle', () => {
  const base = { daysSinceLastVisit: 0, visits: 1, purchases: 0, engagedMs: 0, productViews: 0 };
  it('puts visitors in stages at the configured boundaries', () => {
    expect(lifecycleStage(base)).toBe('new');
    expect(lifecycleStage({ ...base, productViews: 2 })).toBe('new');
    expect(lifecycleStage({ ...base, productViews: 3 })).toBe('engaged');
    expect(lifecycleStage({ ...base, engagedMs: 60_000 })).toBe('engaged');
    expect(lifecycleStage({ ...base, visits: 2 })).toBe('returning');
    expect(lifecycleStage({ ...base, visits: 8 })).toBe('loyal');
    expect(lifecycleStage({ ...base, purchases: 2 })).toBe('loyal');
    expect(lifecycleStage({ ...base, visits: 9, daysSinceLastVisit: 29.9 })).toBe('loyal');
    expect(lifecycleStage({ ...base, visits: 9, daysSinceLastVisit: 30 })).toBe('lapsing');
    expect(lifecycleStage({ ...base, daysSinceLastVisit: 90 })).toBe('churned');
    expect(lifecycleStage({ ...base, daysSinceLastVisit: 10 }, { ...DEFAULT_LIFECYCLE, lapsingAfterDays: 7 })).toBe('lapsing');
  });

  it('scores buyers in RFM quintiles', () => {
    const buyers = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, daysSinceLastPurchase: i * 10, purchases: i + 1, revenue: (i + 1) * 100 }));
    const s = rfmScores(buyers);
    expect(s.get('b0')).toEqual({ r: 5, f: 1, m: 1 }); // most recent, fewest purchases
    expect(s.get('b9')).toEqual({ r: 1, f: 5, m: 5 });
    expect(s.get('b4')).toEqual({ r: 3, f: 3, m: 3 });
  });

  it('scores one buyer from stored cut points exactly as ranking it among all buyers does, ties included', () => {
    const r = seededRandom(12);
    for (const n of [1, 3, 7, 10, 23, 100]) {
      const buyers = Array.from({ length: n }, () => ({ days: Math.floor(r() * 10), purchases: 1 + Math.floor(r() * 4), revenue: Math.floor(r() * 5) * 50 }));
      const cuts = JSON.parse(JSON.stringify(rfmCuts(buyers)));
      // the definition: 1 + the quintile of the share of buyers strictly worse
      const quintile = (worse: number) => Math.min(5, Math.floor((worse / n) * 5) + 1);
      for (const b of buyers) {
        expect(rfmFromCuts(cuts, b)).toEqual({
          r: quintile(buyers.filter((o) => o.days > b.days).length),
          f: quintile(buyers.filter((o) => o.purchases < b.purchases).length),
          m: quintile(buyers.filter((o) => o.revenue < b.revenue).length),
        });
      }
    }
  });
});
