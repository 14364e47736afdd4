import { describe, expect, it } from 'vitest';
import { bootstrapInterval, classificationIntervals, ratioInterval, weightedAucAp } from '../../worker/src/ml/bootstrap';
import { averagePrecision, rocAuc } from '../../worker/src/ml/metrics';
import { seededRandom } from '../../worker/src/ml/random';

describe('bootstrap intervals', () => {
  it('are reproducible from the seed and cover the statistic', () => {
    const r = seededRandom(1);
    const hits: number[] = Array.from({ length: 400 }, () => (r() < 0.3 ? 1 : 0));
    const ones = hits.map(() => 1);
    const a = ratioInterval(hits, ones, { reps: 300, seed: 3 });
    expect(ratioInterval(hits, ones, { reps: 300, seed: 3 })).toEqual(a);
    const rate = hits.reduce((s, v) => s + v, 0) / hits.length;
    expect(a.low).toBeLessThan(rate);
    expect(a.high).toBeGreaterThan(rate);
    // a proportion's standard error is √(p(1−p)/n): the interval spans about ±1.96 of them
    const se = Math.sqrt((rate * (1 - rate)) / hits.length);
    expect(a.high - a.low).toBeGreaterThan(2.8 * se);
    expect(a.high - a.low).toBeLessThan(5 * se);
  });

  it('give a constant statistic a zero-width interval', () => {
    expect(bootstrapInterval(10, () => 7, { reps: 50 })).toEqual({ low: 7, high: 7 });
  });
});

describe('weighted AUC and AP', () => {
  const r = seededRandom(8);
  const labels = Array.from({ length: 200 }, () => (r() < 0.3 ? 1 : 0));
  const scores = labels.map((y) => Math.round((r() + y * 0.4) * 20) / 20); // with ties

  it('equal the unweighted metrics with unit weights', () => {
    const sorted = classificationIntervals(labels, [scores], { reps: 1 }); // exercises sorting
    expect(sorted.each.length).toBe(1);
    const w = labels.map(() => 1);
    const { auc, ap } = weightedAucAp(labels, sortScoresForTest(scores), w);
    expect(auc).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(ap).toBeCloseTo(averagePrecision(labels, scores), 12);
  });

  it('equal the metrics of the rows repeated as often as their weight', () => {
    const w = labels.map(() => Math.floor(r() * 3));
    const rl: number[] = [];
    const rs: number[] = [];
    labels.forEach((y, i) => {
      for (let k = 0; k < w[i]; k++) rl.push(y), rs.push(scores[i]);
    });
    const { auc, ap } = weightedAucAp(labels, sortScoresForTest(scores), w);
    expect(auc).toBeCloseTo(rocAuc(rl, rs), 12);
    expect(ap).toBeCloseTo(averagePrecision(rl, rs), 12);
  });

  it('give a model minus itself a zero difference', () => {
    const { minusFirst } = classificationIntervals(labels, [scores, scores], { reps: 100 });
    expect(minusFirst[1].auc).toEqual({ low: 0, high: 0 });
  });
});

/** The best-first order with tie groups, as classificationIntervals builds it. */
function sortScoresForTest(scores: number[]) {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const groups: number[] = [];
  for (let k = 0; k < order.length; k++) if (!k || scores[order[k]] !== scores[order[k - 1]]) groups.push(k);
  groups.push(order.length);
  return { order, groups };
}
