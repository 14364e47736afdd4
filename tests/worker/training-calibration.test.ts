// A trained shop serves calibrated scores: on a shop whose purchase probability is known for
// every kind of session, trained from a sample that keeps every buyer and a quarter of the
// others (as the shards' bounded samples do), a served score of p means about p of such
// sessions buy, in every decile of the score.
import { describe, expect, it } from 'vitest';
import { predictIntent } from '../../worker/src/ml/calibrated-intent';
import { expectedCalibrationError } from '../../worker/src/ml/calibration';
import { seededRandom } from '../../worker/src/ml/random';
import { clipRow } from '../../worker/src/ml/robust';
import { ROW_ROUNDS, shopRecipe, trainIntent } from '../../worker/src/training';
import { INTENT_ROWS, stratifiedSubset } from '../../worker/src/training/sample';

/** Sessions bucketed by product views (0–8) and cart adds (0/1), each bucket with a known purchase probability. */
function shop(n: number, seed: number) {
  const r = seededRandom(seed);
  const x: number[][] = [];
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 19 }, () => Math.round(r() * 3));
    row[1] = Math.floor(r() * 9);
    row[8] = r() < 0.3 ? 1 : 0;
    const prob = 1 / (1 + Math.exp(-(-4.5 + 0.4 * row[1] + 1.6 * row[8])));
    x.push(row);
    p.push(prob);
    y.push(r() < prob ? 1 : 0);
  }
  return { x, p, y };
}

/** Rows ordered by score, cut into ten equal parts: each part's mean score, observed rate and true probability. */
function deciles(scores: number[], y: number[], p: number[]) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  return Array.from({ length: 10 }, (_, d) => {
    const part = order.slice(Math.floor((d * order.length) / 10), Math.floor(((d + 1) * order.length) / 10));
    const mean = (v: number[]) => part.reduce((s, i) => s + v[i], 0) / part.length;
    return { score: mean(scores), observed: mean(y), truth: mean(p) };
  });
}

describe('a trained shop serves calibrated scores', () => {
  it('scores fresh sessions at their real purchase rate, decile by decile', () => {
    const all = shop(24_000, 31);
    const keep = all.y.map((_, i) => i).filter((i) => all.y[i] === 1 || i % 4 === 0);
    const sample = { x: keep.map((i) => all.x[i]), y: keep.map((i) => all.y[i]) };
    const purchases = all.y.filter((v) => v === 1).length;
    const trained = trainIntent(sample, { purchases, others: all.y.length - purchases });
    const naive = trainIntent(sample); // the sample's own rate, as if it were the shop's
    if ('skipped' in trained || 'skipped' in naive) throw new Error('expected models');
    expect(trained.model.kind).toBe('calibrated');
    expect(trained.rows).toBe(Math.min(INTENT_ROWS, keep.length)); // the shift undoes the sample's rates (and a stratified part's, when it is larger)
    expect(trained.priorShift).toBeCloseTo(Math.log(1 / 4), 1);

    const fresh = shop(40_000, 32);
    const served = fresh.x.map((row) => predictIntent(trained.model, clipRow(trained.clip, row)));
    const rate = fresh.y.reduce((a, b) => a + b, 0) / fresh.y.length;
    expect(rate).toBeGreaterThan(0.05);
    expect(rate).toBeLessThan(0.2);
    expect(Math.abs(served.reduce((a, b) => a + b, 0) / served.length - rate)).toBeLessThan(0.01);
    const parts = deciles(served, fresh.y, fresh.p);
    for (const d of parts) {
      // within 0.02 plus a tenth of the rate (isotonic regression runs high at its top block,
      // by about 0.03 here); 4,000 sessions a decile: the observed rate's standard error is under 0.01
      expect(Math.abs(d.score - d.truth)).toBeLessThan(0.02 + 0.1 * d.truth);
      expect(Math.abs(d.score - d.observed)).toBeLessThan(0.03 + 0.1 * d.observed);
    }
    // the score separates: the top decile buys far more often than the bottom one
    expect(parts[9].observed).toBeGreaterThan(5 * parts[0].observed);
    expect(expectedCalibrationError(fresh.y, served)).toBeLessThan(0.02);
    // without undoing the sample's rates, the same trees are far off
    const unshifted = fresh.x.map((row) => predictIntent(naive.model, clipRow(naive.clip, row)));
    expect(expectedCalibrationError(fresh.y, unshifted)).toBeGreaterThan(0.05);
  }, 120_000);
});

describe('one training stays bounded', () => {
  it('keeps rows × rounds within ROW_ROUNDS, with the rate raised as the rounds are cut', () => {
    for (const rows of [100, 1_000, 2_000, 8_000, 10_000, 16_000, INTENT_ROWS]) {
      const { gbdt, folds } = shopRecipe(rows);
      expect(rows * gbdt.trees!).toBeLessThanOrEqual(Math.max(ROW_ROUNDS, rows * 400));
      expect(gbdt.trees).toBeLessThanOrEqual(400);
      expect(gbdt.rate! * gbdt.trees!).toBeCloseTo(20, 6); // the most boosting the recipe allows stays the same
      expect(folds).toBe(rows <= 10_000 ? 3 : 2); // a large sample's calibrator: 2 folds, one ensemble fewer
    }
    // a shop of up to 10,000 rows trains as before: 400 rounds at 0.05
    expect(shopRecipe(7_891).gbdt).toMatchObject({ trees: 400, rate: 0.05, minLeaf: 50 });
    expect(shopRecipe(INTENT_ROWS).gbdt).toMatchObject({ trees: ROW_ROUNDS / INTENT_ROWS, minLeaf: 50 });
    expect(shopRecipe(400).gbdt.minLeaf).toBe(10); // a small shop's leaves: a 40th of its rows
  });

  it('draws at most INTENT_ROWS rows, each class in proportion', () => {
    const r = seededRandom(3);
    const y = Array.from({ length: 50_000 }, () => (r() < 0.2 ? 1 : 0));
    const rows = stratifiedSubset(y, INTENT_ROWS, seededRandom(11));
    expect(rows.length).toBe(INTENT_ROWS);
    expect(new Set(rows).size).toBe(INTENT_ROWS);
    const positives = rows.filter((i) => y[i] === 1).length;
    const share = y.filter((v) => v === 1).length / y.length;
    expect(Math.abs(positives - share * INTENT_ROWS)).toBeLessThanOrEqual(1);
    expect(stratifiedSubset(y.slice(0, 1_000), INTENT_ROWS, seededRandom(11))).toHaveLength(1_000);
  });
});
