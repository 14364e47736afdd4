import { describe, expect, it } from 'vitest';
import { chanceToWin } from '../../worker/src/reports/stats/bayesian';
import { type ArmSums, compareArms, type Comparison, type MetricKind } from '../../worker/src/reports/stats/compare';
import type { MeanSums, RatioSums } from '../../worker/src/reports/stats/moments';
import { proportionSums } from '../../worker/src/reports/stats/moments';
import { seededRandom } from '../../worker/src/ml/random';
import { allFinite, expectClose } from './helpers';

const REQUIRED = ['metric', 'control_value', 'treatment_value', 'absolute', 'relative', 'ci_low', 'ci_high', 'rel_ci_low', 'rel_ci_high', 'p_value', 'seq_ci_low', 'seq_ci_high'];

function meanSums(values: number[]): MeanSums {
  return { n: values.length, sum: values.reduce((a, b) => a + b, 0), sumSquares: values.reduce((a, b) => a + b * b, 0) };
}

/** Random per-visitor data for a kind, reduced to the sums a rollup keeps. */
function randomArm(kind: MetricKind | 'cuped', random: () => number, n: number, lift: number): ArmSums {
  if (kind === 'proportion') {
    let c = 0;
    for (let i = 0; i < n; i++) if (random() < 0.05 * (1 + lift)) c++;
    return proportionSums(n, c);
  }
  if (kind === 'ratio') {
    const s: RatioSums = { n, sumM: 0, sumD: 0, sumM2: 0, sumD2: 0, sumMD: 0 };
    for (let i = 0; i < n; i++) {
      const d = random() < 0.3 ? 1 + Math.floor(random() * 3) : 0;
      let m = 0;
      for (let k = 0; k < d; k++) m += 20 + 80 * random() * (1 + lift);
      s.sumM += m;
      s.sumD += d;
      s.sumM2 += m * m;
      s.sumD2 += d * d;
      s.sumMD += m * d;
    }
    return s;
  }
  const ys: number[] = [];
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = random() < 0.2 ? 50 * random() : 0;
    xs.push(x);
    ys.push(random() < 0.1 ? 0.5 * x + 40 * random() * (1 + lift) : 0.3 * x);
  }
  const sums = meanSums(ys);
  if (kind !== 'cuped') return sums;
  return { ...sums, covariate: { sum: xs.reduce((a, b) => a + b, 0), sumSquares: xs.reduce((a, b) => a + b * b, 0), sumProducts: xs.reduce((a, x, i) => a + x * ys[i], 0) } };
}

function expectNoStats(c: Comparison) {
  for (const k of ['absolute', 'relative', 'ci_low', 'ci_high', 'rel_ci_low', 'rel_ci_high', 'p_value', 'seq_ci_low', 'seq_ci_high', 'seq_p_value', 'chance_to_win'] as const)
    expect(c[k], k).toBeNull();
  expect(typeof c.reason).toBe('string');
}

describe('compareArms properties on random arms', () => {
  const random = seededRandom(2024);
  const cases: { kind: MetricKind | 'cuped'; c: ArmSums; t: ArmSums; alpha: number }[] = [];
  for (const kind of ['proportion', 'mean', 'ratio', 'cuped'] as const)
    for (let i = 0; i < 60; i++) {
      const lift = [0, 0.1, 0.3, -0.2][i % 4];
      cases.push({ kind, c: randomArm(kind, random, 50 + Math.floor(random() * 3000), 0), t: randomArm(kind, random, 50 + Math.floor(random() * 3000), lift), alpha: [0.05, 0.1, 0.01][i % 3] });
    }

  it('returns every required field, all finite, and survives a JSON round trip', () => {
    for (const { kind, c, t, alpha } of cases) {
      const r = compareArms(c, t, { metric: kind, kind: kind === 'cuped' ? 'mean' : kind, alpha });
      for (const k of REQUIRED) expect(r, k).toHaveProperty(k);
      expect(allFinite(r)).toBe(true);
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
  });

  it('every interval contains its point estimate, and the always-valid one contains the fixed one', () => {
    for (const { kind, c, t, alpha } of cases) {
      const r = compareArms(c, t, { metric: kind, kind: kind === 'cuped' ? 'mean' : kind, alpha });
      if (r.absolute === null) continue;
      expect(r.ci_low!).toBeLessThanOrEqual(r.absolute);
      expect(r.ci_high!).toBeGreaterThanOrEqual(r.absolute);
      expect(r.seq_ci_low!).toBeLessThanOrEqual(r.ci_low!);
      expect(r.seq_ci_high!).toBeGreaterThanOrEqual(r.ci_high!);
      if (r.relative !== null && r.rel_ci_low !== null) {
        expect(r.rel_ci_low).toBeLessThanOrEqual(r.relative);
        expect(r.rel_ci_high!).toBeGreaterThanOrEqual(r.relative);
        expect(r.rel_seq_ci_low!).toBeLessThanOrEqual(r.rel_ci_low);
      }
      expectClose(r.absolute, r.treatment_value! - r.control_value!, 1e-12, 1e-15, 'absolute = treatment − control');
      expect(r.chance_to_win! > 0.5).toBe(r.absolute > 0);
    }
  });

  it('p < α exactly when the CI excludes 0 for the Welch, delta-method and CUPED tests (same SE and reference)', () => {
    let significant = 0;
    for (const { kind, c, t, alpha } of cases) {
      if (kind === 'proportion') continue; // pooled p-value vs unpooled CI: they may disagree at the boundary
      const r = compareArms(c, t, { metric: kind, kind: kind === 'cuped' ? 'mean' : kind, alpha });
      if (r.p_value === null) continue;
      const excludes = r.ci_low! > 0 || r.ci_high! < 0;
      expect(r.p_value < alpha, `${kind} p=${r.p_value} ci=[${r.ci_low}, ${r.ci_high}]`).toBe(excludes);
      expect(r.seq_p_value! < alpha).toBe(r.seq_ci_low! > 0 || r.seq_ci_high! < 0);
      if (excludes) significant++;
    }
    expect(significant).toBeGreaterThan(10); // the property was exercised on both sides
  });

  it('for proportions with equal arms, a pooled p < α implies the unpooled CI excludes 0 (the pooled SE is the larger)', () => {
    const random = seededRandom(99);
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const n = 100 + Math.floor(random() * 5000);
      const c = randomArm('proportion', random, n, 0);
      const t = randomArm('proportion', random, n, [0, 0.2, 0.4][i % 3]);
      const r = compareArms(c, t, { metric: 'cr', kind: 'proportion' });
      if (r.p_value === null || r.p_value >= 0.05) continue;
      checked++;
      expect(r.ci_low! > 0 || r.ci_high! < 0, `p=${r.p_value} ci=[${r.ci_low}, ${r.ci_high}]`).toBe(true);
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('compareArms on degenerate input: nulls and a reason, never NaN, never a throw', () => {
  const ok = meanSums([0, 0, 12, 0, 30, 0, 0, 7]);

  it('no visitors, or one', () => {
    const none = compareArms({ n: 0, sum: 0, sumSquares: 0 }, ok, { metric: 'rpv', kind: 'mean' });
    expectNoStats(none);
    expect(none.control_value).toBeNull();
    expect(none.reason).toBe('fewer than 2 visitors in an arm');
    const one = compareArms({ n: 1, sum: 25, sumSquares: 625 }, ok, { metric: 'rpv', kind: 'mean' });
    expectNoStats(one);
    expect(one.control_value).toBe(25);
    expect(one.treatment_value).toBe(49 / 8);
  });

  it('zero variance in both arms', () => {
    const flat = compareArms(meanSums([0, 0, 0]), meanSums([0, 0, 0, 0]), { metric: 'rpv', kind: 'mean' });
    expectNoStats(flat);
    expect(flat.reason).toMatch(/no variance/);
    const noConversions = compareArms(proportionSums(500, 0), proportionSums(480, 0), { metric: 'cr', kind: 'proportion' });
    expectNoStats(noConversions);
    expect(noConversions.control_value).toBe(0);
  });

  it('control mean 0: absolute effect and p-value, but no relative lift', () => {
    const r = compareArms(proportionSums(500, 0), proportionSums(500, 12), { metric: 'cr', kind: 'proportion' });
    expect(r.absolute).toBe(0.024);
    expect(r.p_value).toBeLessThan(0.01);
    expect(r.relative).toBeNull();
    expect(r.rel_ci_low).toBeNull();
    expect(r.reason).toMatch(/control value is 0/);
  });

  it('a ratio without denominator', () => {
    const empty: RatioSums = { n: 300, sumM: 0, sumD: 0, sumM2: 0, sumD2: 0, sumMD: 0 };
    const some: RatioSums = { n: 300, sumM: 900, sumD: 12, sumM2: 90000, sumD2: 14, sumMD: 1000 };
    const r = compareArms(empty, some, { metric: 'aov', kind: 'ratio' });
    expectNoStats(r);
    expect(r.reason).toMatch(/denominator is 0/);
    expect(r.control_value).toBeNull();
    expect(r.treatment_value).toBe(75);
    const single = compareArms({ n: 1, sumM: 90, sumD: 2, sumM2: 8100, sumD2: 4, sumMD: 180 }, some, { metric: 'aov', kind: 'ratio' });
    expect(single.control_value).toBe(45);
    expect(single.reason).toBe('fewer than 2 visitors in an arm');
  });

  it('invalid sums, options and kinds', () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ n: -1, sum: 0, sumSquares: 0 }, ok, { metric: 'm', kind: 'mean' }],
      [{ n: 2.5, sum: 0, sumSquares: 0 }, ok, { metric: 'm', kind: 'mean' }],
      [{ n: 10, sum: NaN, sumSquares: 0 }, ok, { metric: 'm', kind: 'mean' }],
      [{ n: 10, sum: Infinity, sumSquares: 0 }, ok, { metric: 'm', kind: 'mean' }],
      [{ n: 10, sum: '3', sumSquares: 9 }, ok, { metric: 'm', kind: 'mean' }],
      [null, ok, { metric: 'm', kind: 'mean' }],
      [proportionSums(10, 11), proportionSums(10, 1), { metric: 'm', kind: 'proportion' }],
      [ok, ok, { metric: 'm', kind: 'median' }],
      [ok, ok, { metric: 'm', kind: 'mean', alpha: 0 }],
      [ok, ok, { metric: 'm', kind: 'mean', alpha: NaN }],
      [ok, ok, { metric: 'm', kind: 'mean', plannedSize: -5 }],
      [ok, ok, undefined],
      [ok, ok, null],
      [{ ...ok, covariate: { sum: 1, sumSquares: 1, sumProducts: 0 } }, { ...ok, covariate: { sum: 1, sumSquares: NaN, sumProducts: 0 } }, { metric: 'm', kind: 'mean' }],
      [ok, ok, { metric: 'm', kind: 'ratio' }],
    ];
    for (const [c, t, o] of cases) {
      const r = compareArms(c as ArmSums, t as ArmSums, o as never);
      expectNoStats(r);
      expect(allFinite(r)).toBe(true);
      expect(r.reason).not.toMatch(/internal error/);
    }
  });

  it('numbers beyond double range give nulls, not Infinity', () => {
    const r = compareArms({ n: 10, sum: 1e200, sumSquares: 1e300 }, { n: 10, sum: 1e200, sumSquares: 1.7e308 }, { metric: 'm', kind: 'mean' });
    expect(allFinite(r)).toBe(true);
    expectNoStats(r);
    expect(r.reason).toBe('the sums are out of numeric range');
  });
});

describe('chance to win', () => {
  it('is Φ(m/√V) under a flat prior', () => {
    expectClose(chanceToWin({ estimate: 1, variance: 1 }), 0.8413447460685429, 1e-13, 0, 'Φ(1)');
    expect(chanceToWin({ estimate: 0, variance: 4 })).toBe(0.5);
    expect(chanceToWin({ estimate: 1, variance: 0 })).toBeNull();
  });
});
