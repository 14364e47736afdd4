// Row weights in the GBDT (the intent run's recency weights): a row of weight 2 must count as
// that row twice, and weights of 1 as no weights at all.
import { describe, expect, it } from 'vitest';
import { gbdtLogit, logisticObjective, trainGbdt } from '../../worker/src/ml/gbdt';
import { seededRandom } from '../../worker/src/ml/random';

function rows(n: number, seed: number) {
  const r = seededRandom(seed);
  const X = Array.from({ length: n }, () => [Math.floor(r() * 20), Math.floor(r() * 5), r() < 0.5 ? 1 : 0]);
  const y = X.map((x) => (r() < 1 / (1 + Math.exp(-(-2 + 0.15 * x[0] + 0.8 * x[2]))) ? 1 : 0));
  return { X, y };
}

// every row in every tree, leaves down to one row, a bin for each distinct value: nothing but
// the weights can tell the two trainings apart
const OPTIONS = { trees: 30, depth: 3, rate: 0.1, minLeaf: 1, lambda: 1, subsample: 1, bins: 255 };

describe('trainGbdt with row weights', () => {
  it('counts a row of weight 2 as that row twice', () => {
    const { X, y } = rows(400, 1);
    const weights = X.map((_, i) => (i % 3 === 0 ? 2 : 1));
    const weighted = trainGbdt(X, y, OPTIONS, undefined, logisticObjective(y, weights));
    const duplicated = trainGbdt(X.flatMap((x, i) => Array(weights[i]).fill(x)), y.flatMap((v, i) => Array(weights[i]).fill(v)), OPTIONS);
    const plain = trainGbdt(X, y, OPTIONS);
    expect(weighted.base).toBeCloseTo(duplicated.base, 12);
    expect(weighted.trees.map((t) => t.feature)).toEqual(duplicated.trees.map((t) => t.feature));
    X.forEach((x) => expect(gbdtLogit(weighted, x)).toBeCloseTo(gbdtLogit(duplicated, x), 9));
    // and the weights did change the model
    expect(Math.max(...X.map((x) => Math.abs(gbdtLogit(weighted, x) - gbdtLogit(plain, x))))).toBeGreaterThan(0.01);
  });

  it('starts from the rows\' weighted rate, and refuses weights it cannot use', () => {
    // weighted rate (2·1 + 0 + 0) / 4 = 0.5: log-odds 0; unweighted 1/3
    expect(logisticObjective([1, 0, 0], [2, 1, 1]).base).toBeCloseTo(0, 12);
    expect(logisticObjective([1, 0, 0]).base).toBeCloseTo(Math.log(0.5), 12);
    expect(() => logisticObjective([1, 0], [1])).toThrow(/1 weights for 2 rows/);
    expect(() => logisticObjective([1, 0], [1, NaN])).toThrow(/row 1's weight is NaN/);
    expect(() => logisticObjective([1, 0], [1, -1])).toThrow(/row 1's weight is -1/);
    expect(() => logisticObjective([1, 0], [0, 0])).toThrow(/add up to 0/);
  });

  it('with every weight 1 trains the model it trains without weights', () => {
    const { X, y } = rows(300, 2);
    const options = { ...OPTIONS, subsample: 0.8, minLeaf: 10, bins: 8 };
    expect(trainGbdt(X, y, options, undefined, logisticObjective(y, X.map(() => 1)))).toEqual(trainGbdt(X, y, options));
  });
});
