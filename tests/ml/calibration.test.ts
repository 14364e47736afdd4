// Calibration, ECE and the served intent model, checked against values computed by hand or
// by a second, naive implementation.
import { describe, expect, it } from 'vitest';
import { ensembleProbability, predictIntent, trainCalibratedIntent, SERVED_RECIPE } from '../../worker/src/ml/calibrated-intent';
import { calibrate, expectedCalibrationError, fitIsotonic, fitPlattCalibrator, reliability, shiftCalibrator, shiftProbability } from '../../worker/src/ml/calibration';
import { predictGbdt, trainGbdt } from '../../worker/src/ml/gbdt';
import { rocAuc } from '../../worker/src/ml/metrics';
import { seededRandom } from '../../worker/src/ml/random';

/** Naive isotonic regression: repeatedly pool the first adjacent violating pair. */
function naiveIsotonic(y: number[]): number[] {
  let blocks = y.map((v) => [v, 1]);
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i + 1 < blocks.length; i++) {
      if (blocks[i][0] / blocks[i][1] >= blocks[i + 1][0] / blocks[i + 1][1]) {
        blocks.splice(i, 2, [blocks[i][0] + blocks[i + 1][0], blocks[i][1] + blocks[i + 1][1]]);
        changed = true;
        break;
      }
    }
  }
  return blocks.flatMap(([s, n]) => Array(n).fill(s / n));
}

describe('isotonic calibration', () => {
  it('pools adjacent violators as a naive implementation does', () => {
    const r = seededRandom(4);
    const scores = Array.from({ length: 60 }, (_, i) => i / 60);
    const labels = scores.map((s) => (r() < s ? 1 : 0));
    const c = fitIsotonic(scores, labels, { minBlock: 1 });
    if (c.kind !== 'isotonic') throw new Error('isotonic expected');
    // each knot's y is its block's rate, but for the first block (no buyer) and the last (buyers
    // only): their Jeffreys estimates, or half way to the neighbouring block's rate where they
    // would reach it; at a block's mean score the calibrated value is that rate
    const expected = naiveIsotonic(labels);
    const distinct = [...new Set(expected)];
    const [first, last] = [expected.filter((v) => v === 0).length, expected.filter((v) => v === 1).length];
    expect([first, last].every((n) => n > 0)).toBe(true);
    const [lowJeffreys, highJeffreys] = [0.5 / (first + 1), (last + 0.5) / (last + 1)];
    const [second, beforeLast] = [distinct[1], distinct[distinct.length - 2]];
    const ends = [lowJeffreys < second ? lowJeffreys : second / 2, highJeffreys > beforeLast ? highJeffreys : (1 + beforeLast) / 2];
    expect(c.y).toEqual([ends[0], ...distinct.slice(1, -1), ends[1]].map((v) => expect.closeTo(v, 12)));
    for (let k = 0; k < c.x.length; k++) expect(calibrate(c, c.x[k])).toBeCloseTo(c.y[k], 12);
  });

  it('is monotone, interpolates between steps, and clamps outside them', () => {
    const c = fitIsotonic([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1], { minBlock: 1 });
    // blocks: {0.1: 0}, {0.2, 0.3: 1/2}, {0.4: 1} → knots (0.1, 0.25), (0.25, 0.5), (0.4, 0.75):
    // the end blocks, of one session each, claim no certainty (Jeffreys: (0 + ½) / 2, (1 + ½) / 2)
    expect(c).toEqual({ kind: 'isotonic', x: [0.1, expect.closeTo(0.25, 12), 0.4], y: [0.25, 0.5, 0.75] });
    expect(calibrate(c, 0.175)).toBeCloseTo(0.375, 12);
    expect(calibrate(c, 0)).toBe(0.25);
    expect(calibrate(c, 0.9)).toBe(0.75);
  });

  it('never calibrates to 0 or 1: a block without a buyer, or of buyers only, takes its Jeffreys estimate', () => {
    // the scores separate the classes: 300 sessions without a purchase below 0.5, 200 buyers above
    const scores = Array.from({ length: 500 }, (_, i) => i / 500);
    const c = fitIsotonic(scores, scores.map((s) => (s >= 0.6 ? 1 : 0)));
    expect(c).toEqual({ kind: 'isotonic', x: [expect.closeTo(0.299, 12), expect.closeTo(0.799, 12)], y: [expect.closeTo(0.5 / 301, 12), expect.closeTo(200.5 / 201, 12)] });
    expect(calibrate(c, 0)).toBeGreaterThan(0);
    expect(calibrate(c, 1)).toBeLessThan(1);
  });

  it('keeps the steps rising strictly where a Jeffreys estimate would reach its neighbour: no scores flattened into ties', () => {
    // 20 sessions without a purchase score lowest; the next 2,000 buy at 1 %, below 0.5 / 21
    const scores = Array.from({ length: 2_020 }, (_, i) => i / 2_020);
    const labels = scores.map((_, i) => (i >= 20 && (i - 20) % 100 === 0 ? 1 : 0));
    const c = fitIsotonic(scores, labels);
    if (c.kind !== 'isotonic') throw new Error('isotonic expected');
    expect(c.y[1]).toBeLessThan(0.5 / 21);
    expect(c.y[0]).toBeCloseTo(c.y[1] / 2, 12);
    for (let k = 1; k < c.y.length; k++) expect(c.y[k]).toBeGreaterThan(c.y[k - 1]);
    // two scores of the first block's span keep their order
    expect(calibrate(c, c.x[0] + (c.x[1] - c.x[0]) / 4)).toBeLessThan(calibrate(c, c.x[0] + (c.x[1] - c.x[0]) / 2));
  });

  it('keeps at least minBlock rows in every step', () => {
    const r = seededRandom(9);
    const scores = Array.from({ length: 500 }, () => r());
    const c = fitIsotonic(scores, scores.map((s) => (r() < s ? 1 : 0)), { minBlock: 50 });
    if (c.kind !== 'isotonic') throw new Error('isotonic expected');
    expect(c.x.length).toBeLessThanOrEqual(10);
  });
});

describe('Platt calibration', () => {
  it('maps logits through a fitted sigmoid that rises with the score', () => {
    const r = seededRandom(2);
    const scores = Array.from({ length: 400 }, () => r());
    // the true rate is the score squared: the raw score overstates it
    const labels = scores.map((s) => (r() < s * s ? 1 : 0));
    const c = fitPlattCalibrator(scores, labels);
    expect(calibrate(c, 0.9)).toBeGreaterThan(calibrate(c, 0.5));
    expect(calibrate(c, 0.5)).toBeLessThan(0.45);
  });
});

describe('expected calibration error', () => {
  it('weights each bin\'s gap by its rows', () => {
    // bin [0.1, 0.2): predicted 0.15 twice, one buys (0.5): gap 0.35; bin [0.9, 1]: 0.95, buys: gap 0.05
    expect(expectedCalibrationError([1, 0, 1], [0.15, 0.15, 0.95])).toBeCloseTo((2 * 0.35 + 0.05) / 3, 12);
    const bins = reliability([1, 0, 1], [0.15, 0.15, 0.95]);
    expect(bins[1]).toEqual({ from: 0.1, to: 0.2, count: 2, meanPredicted: 0.15, observedRate: 0.5 });
    expect(bins[9].count).toBe(1);
  });

  it('puts a probability of exactly 1 in the last bin', () => {
    expect(reliability([1], [1])[9].count).toBe(1);
  });
});

/** Sessions whose buy rate is sigmoid(3·x0 − 2), learned by over-confident trees. */
function sessions(n: number, seed: number) {
  const r = seededRandom(seed);
  const X = Array.from({ length: n }, () => [r() * 2 - 1, r(), r()]);
  const y = X.map(([a]) => (r() < 1 / (1 + Math.exp(-(3 * a - 2))) ? 1 : 0));
  return { X, y };
}

describe('the served intent model', () => {
  const train = sessions(1_500, 1);
  const test = sessions(10_000, 2);
  const recipe = { ...SERVED_RECIPE, gbdt: { ...SERVED_RECIPE.gbdt, trees: 150 }, folds: 3 };

  it('stops boosting early, is calibrated on out-of-fold predictions, and survives JSON', () => {
    const model = JSON.parse(JSON.stringify(trainCalibratedIntent(train.X, train.y, recipe)));
    expect(model.rounds).toBeLessThan(150);
    const p = test.X.map((x) => predictIntent(model, x));
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p)).toBeLessThanOrEqual(1);
    expect(rocAuc(test.y, p)).toBeGreaterThan(0.75);
    // deep trees with no shrinkage overfit and are over-confident; calibration repairs it
    const raw = trainGbdt(train.X, train.y, { trees: 60, depth: 6, rate: 0.5, minLeaf: 2, lambda: 0 });
    const rawP = test.X.map((x) => predictGbdt(raw, x));
    const fixed = trainCalibratedIntent(train.X, train.y, { ...recipe, gbdt: { trees: 60, depth: 6, rate: 0.5, minLeaf: 2, lambda: 0 } }, { rounds: 60 });
    const fixedP = test.X.map((x) => predictIntent(fixed, x));
    // the true probabilities' own ECE on this sample is the noise floor
    const floor = expectedCalibrationError(test.y, test.X.map(([a]) => 1 / (1 + Math.exp(-(3 * a - 2)))));
    expect(expectedCalibrationError(test.y, rawP)).toBeGreaterThan(floor + 0.05);
    expect(expectedCalibrationError(test.y, fixedP)).toBeLessThan(expectedCalibrationError(test.y, rawP) / 2);
    expect(expectedCalibrationError(test.y, p)).toBeLessThan(floor + 0.02);
    expect(expectedCalibrationError(test.y, p)).toBeLessThan(expectedCalibrationError(test.y, test.X.map((x) => ensembleProbability(model.members, model.weights, x))));
  }, 60_000);

  it('falls back to an identity calibration without both classes in every fold', () => {
    const model = trainCalibratedIntent([[0], [1], [2]], [0, 0, 1], recipe);
    expect(model.calibrator).toEqual({ kind: 'platt', a: -1, b: 0 });
  });
});

describe('moving a calibrator from a sample to the population', () => {
  // five groups of 100 sampled rows; the population had four times as many of each group's negatives
  const positives = [10, 20, 40, 60, 80];
  const scores = positives.flatMap((_, g) => Array(100).fill(0.1 * (g + 1)));
  const labels = positives.flatMap((k) => Array.from({ length: 100 }, (_, i) => (i < k ? 1 : 0)));
  const delta = Math.log(1 / 4); // negatives kept at 1/4, positives all: log(others' rate / positives' rate)

  it('gives isotonic regression the rates weighted by inverse sampling rate', () => {
    const shifted = shiftCalibrator(fitIsotonic(scores, labels), delta);
    positives.forEach((k, g) => {
      const weighted = k / (k + 4 * (100 - k)); // each negative stands for four
      expect(calibrate(shifted, 0.1 * (g + 1))).toBeCloseTo(weighted, 10);
    });
  });

  it('moves Platt\'s log-odds by exactly delta, keeps 0 and 1, and leaves delta 0 alone', () => {
    const platt = fitPlattCalibrator(scores, labels);
    const logit = (p: number) => Math.log(p / (1 - p));
    for (const p of [0.05, 0.3, 0.7]) expect(logit(calibrate(shiftCalibrator(platt, delta), p)) - logit(calibrate(platt, p))).toBeCloseTo(delta, 10);
    expect([shiftProbability(0, delta), shiftProbability(1, delta)]).toEqual([0, 1]);
    expect(shiftCalibrator(platt, 0)).toBe(platt);
  });
});
