// The calibration benchmark's arithmetic. Expected values were computed independently with
// Python's math.erfc (no code shared with ours):
//   z = 0.04 / sqrt(0.1*0.9*(2/500)); p = erfc(z/sqrt(2))                      → 0.03501498101966251
//   se = sqrt(.12*.88/500 + .08*.92/500); 0.04 ∓ 1.959963984540054*se           → 0.0028950294254694933, 0.0771049705745305
//   Φ(z) = 0.5*erfc(-z/sqrt(2)) for z = -3, -1.5, 0.5, 2.5
// and with scipy 1.17: binomtest(k, n).proportion_ci(method='wilson') for 58/60, 3/40, 0/20.
import { describe, expect, it } from 'vitest';
import { byCampaign, covers, normalCdf, wilson, reportInterval, resultLine, sampleInterval, srmFlagged, summarize, twoProportion, type CalibrationRow } from '../../sim/calibration';
import type { CampaignSummary } from '../../sim/run';

describe('the textbook two-proportion interval', () => {
  it('matches independently computed values', () => {
    const r = twoProportion({ n: 500, c: 60 }, { n: 500, c: 40 });
    expect(r.absolute).toBeCloseTo(0.04, 12);
    expect(r.ci_low).toBeCloseTo(0.0028950294254694933, 9);
    expect(r.ci_high).toBeCloseTo(0.0771049705745305, 9);
    expect(r.p_value).toBeCloseTo(0.03501498101966251, 6);
  });

  it('has a normal CDF good to 1e-7', () => {
    const cases: [number, number][] = [[-3, 0.0013498980316300957], [-1.5, 0.06680720126885809], [0, 0.5], [0.5, 0.6914624612740131], [2.5, 0.9937903346742238]];
    for (const [z, p] of cases) expect(Math.abs(normalCdf(z) - p)).toBeLessThan(2e-7);
  });

  it('reads a run’s own counts: first variant against the holdout', () => {
    const c: CampaignSummary = {
      key: 'x', id: 'x', name: 'x', role: 'effect', effects: {}, dropped: 0,
      arms: [
        { variant: 'treatment', assigned: 900, exposed: 500, conversions: 60, revenueCents: 0 },
        { variant: 'holdout', assigned: 900, exposed: 500, conversions: 40, revenueCents: 0 },
      ],
    };
    expect(sampleInterval(c)!.ci_low).toBeCloseTo(0.0028950294254694933, 9);
    expect(sampleInterval({ ...c, arms: [c.arms[0]] })).toBeNull();
  });
});

describe('Wilson intervals of the benchmark rates', () => {
  it('match scipy', () => {
    const cases: [number, number, number, number][] = [[58, 60, 0.886362257256914, 0.9908106807438021], [3, 40, 0.025836025774588198, 0.19864233524310543], [0, 20, 0, 0.16112515805281935]];
    for (const [k, n, lo, hi] of cases) {
      expect(wilson(k, n)[0]).toBeCloseTo(lo, 12);
      expect(wilson(k, n)[1]).toBeCloseTo(hi, 12);
    }
  });
});

describe('summarize', () => {
  const iv = (lo: number, hi: number, p: number) => ({ absolute: (lo + hi) / 2, ci_low: lo, ci_high: hi, p_value: p });
  const rows: CalibrationRow[] = [
    { seed: 1, campaign: 'e', role: 'effect', truth: 0.02, interval: iv(0.01, 0.03, 0.2) }, // covered
    { seed: 1, campaign: 'f', role: 'effect', truth: 0.02, interval: iv(0.021, 0.05, 0.01) }, // missed (above)
    { seed: 2, campaign: 'e', role: 'effect', truth: 0.02, interval: iv(-0.01, 0.02, 0.5) }, // covered (edge)
    { seed: 2, campaign: 'f', role: 'effect', truth: 0.02, interval: null }, // no interval: not counted
    { seed: 1, campaign: 'a', role: 'aa', truth: 0, interval: iv(-0.02, 0.01, 0.049) }, // significant
    { seed: 2, campaign: 'a', role: 'aa', truth: 0, interval: iv(-0.02, 0.02, 0.05) }, // not (p = alpha)
    { seed: 3, campaign: 'a', role: 'aa', truth: 0, interval: iv(-0.02, 0.02, 0.9) },
    { seed: 3, campaign: 'a2', role: 'aa', truth: 0, interval: iv(-0.02, 0.02, 0.3) },
    { seed: 3, campaign: 'd', role: 'demo', truth: 0, interval: iv(1, 2, 0.0001) }, // ignored
  ];

  it('counts coverage over effect campaigns and significance over A/A campaigns', () => {
    const s = summarize(rows);
    expect(s).toMatchObject({ seeds: 3, covered: 2, intervals: 3, aaSignificant: 1, aaTests: 4, missing: 1 });
    expect(s.coverage).toBeCloseTo(2 / 3, 12);
    expect(s.aa_significant_rate).toBe(0.25);
    expect(covers(iv(0.01, 0.03, 1), 0.03)).toBe(true);
    expect(covers(iv(0.01, 0.03, 1), 0.0300001)).toBe(false);
  });

  it('prints the last line exactly as the issue asks', () => {
    expect(resultLine(summarize(rows), true)).toBe('{"seeds": 3, "coverage": 0.6667, "aa_significant_rate": 0.25, "srm_flagged": true}');
    expect(JSON.parse(resultLine(summarize([]), false))).toEqual({ seeds: 0, coverage: null, aa_significant_rate: null, srm_flagged: false });
  });
});

describe('per campaign', () => {
  // With z = 2, an interval's SE is a quarter of its width. Errors 0.01, −0.02, 0.04 (mean 0.01,
  // sd 0.03, se 0.03/√3); standardized 1, −4, 4 (sd √(49/3)).
  const iv = (x: number, lo: number, hi: number) => ({ absolute: x, ci_low: lo, ci_high: hi, p_value: 0.5 });
  const rows: CalibrationRow[] = [
    { seed: 1, campaign: 'e', role: 'effect', truth: 0.02, interval: iv(0.03, 0.01, 0.05) },
    { seed: 2, campaign: 'e', role: 'effect', truth: 0.02, interval: iv(0, -0.01, 0.01) },
    { seed: 3, campaign: 'e', role: 'effect', truth: 0.02, interval: iv(0.06, 0.04, 0.08) },
    { seed: 4, campaign: 'e', role: 'effect', truth: 0.02, interval: null },
    { seed: 1, campaign: 'a', role: 'aa', truth: 0, interval: iv(0.01, -0.01, 0.03) },
  ];

  it('tells misses below the truth from misses above it, with the mean error and the spread of standardized errors', () => {
    const [e, aa] = byCampaign(rows, 2);
    expect(e).toMatchObject({ campaign: 'e', role: 'effect', truth: 0.02, intervals: 3, covered: 1, below: 1, above: 1 });
    expect(e.bias).toBeCloseTo(0.01, 12);
    expect(e.biasSe).toBeCloseTo(0.03 / Math.sqrt(3), 12);
    expect(e.zSd).toBeCloseTo(Math.sqrt(49 / 3), 12);
    expect(aa).toMatchObject({ campaign: 'a', intervals: 1, covered: 1, below: 0, above: 0 });
    expect(aa.bias).toBeCloseTo(0.01, 12);
    expect(aa.zSd).toBeNaN();
  });
});

describe('reading reports', () => {
  it('takes an interval only when it is all finite numbers', () => {
    expect(reportInterval({ absolute: 0.01, ci_low: -0.01, ci_high: 0.03, p_value: 0.4 })).toEqual({ absolute: 0.01, ci_low: -0.01, ci_high: 0.03, p_value: 0.4 });
    expect(reportInterval({ absolute: 0.01, ci_low: null, ci_high: 0.03, p_value: 0.4 })).toBeNull();
    expect(reportInterval({ absolute: 0.01, ci_low: -0.01, ci_high: Infinity, p_value: 0.4 })).toBeNull();
    expect(reportInterval(null)).toBeNull();
  });

  it('finds an SRM flag in srm.flagged, or else in a warning', () => {
    expect(srmFlagged({ srm: { flagged: true } })).toBe(true);
    expect(srmFlagged({ srm: { flagged: false }, warnings: [{ code: 'srm' }] })).toBe(false);
    expect(srmFlagged({ warnings: [{ code: 'sample_ratio_mismatch' }] })).toBe(true);
    expect(srmFlagged({ warnings: [{ code: 'min_sample' }] })).toBe(false);
    expect(srmFlagged({})).toBe(false);
  });
});
