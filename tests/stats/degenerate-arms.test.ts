// Arms at the edge: a rate of 0 % or 100 %, an arm whose values are all alike. Reference values from
// fixtures/make_degenerate_fixtures.py (scipy on the raw counts and values).
import { describe, expect, it } from 'vitest';
import { campaignReport, type CampaignInfo } from '../../worker/src/reports/campaign-report';
import { zeroStats } from '../../worker/src/reports/outcomes';
import { compareArms } from '../../worker/src/reports/stats/compare';
import { proportionSums } from '../../worker/src/reports/stats/moments';
import fixtures from './fixtures/degenerate.json';
import { expectClose } from './helpers';

const DAY_MS = 86_400_000;

describe('the always-valid p-value of a conversion rate with an arm at 0 % or 100 %', () => {
  it('is never below the fixed-horizon p-value, and is below α only when its interval excludes 0', () => {
    for (const f of fixtures.proportions) {
      const label = `${f.control.conversions}/${f.control.visitors} vs ${f.treatment.conversions}/${f.treatment.visitors}`;
      const r = compareArms(proportionSums(f.control.visitors, f.control.conversions), proportionSums(f.treatment.visitors, f.treatment.conversions), { metric: 'cr', kind: 'proportion' });
      expectClose(r.p_value, f.p_value, 1e-9, 0, `${label} p`);
      expectClose(r.ci_low, f.ci_low, 1e-9, 1e-15, `${label} ci_low`);
      expectClose(r.ci_high, f.ci_high, 1e-9, 1e-15, `${label} ci_high`);
      expect(r.seq_p_value!, label).toBeGreaterThanOrEqual(r.p_value!);
      expect(r.seq_p_value! < 0.05, label).toBe(r.seq_ci_low! > 0 || r.seq_ci_high! < 0);
    }
    // away from the edge the sequence's own p-value stands (it is far above the fixed one)
    const regular = fixtures.proportions[2];
    const r = compareArms(proportionSums(regular.control.visitors, regular.control.conversions), proportionSums(regular.treatment.visitors, regular.treatment.conversions), { metric: 'cr', kind: 'proportion' });
    expectClose(r.seq_p_value, regular.wald_seq_p_value, 1e-9, 0, 'regular seq p');
  });

  it('does not make a campaign "losing" when the holdout converted 100/100 and the treatment 867/900 (Fisher p 0.068)', () => {
    const f = fixtures.proportions[1];
    expect(f.fisher_p_value).toBeGreaterThan(0.05);
    const start = Date.parse('2026-03-01');
    const campaign: CampaignInfo = { id: 'c', name: 'c', type: 'promotion', status: 'active', holdout: 0.1, variants: [{ name: 'a', weight: 1 }], start, end: null, window_days: 7 };
    const row = (variant: string, n: number, conv: number) => ({ variant, day: '2026-03-01', hour: -1, segment: '', device: '', source: '', ...zeroStats(), n, conv });
    const rows = [row('holdout', f.control.visitors, f.control.conversions), row('a', f.treatment.visitors, f.treatment.conversions)];
    const report = campaignReport(campaign, rows, [], [], { analysis: 'itt', breakdown: 'variant', now: start + 14 * DAY_MS });
    expect(report.warnings).toEqual([]);
    expect(report.verdict).toBe('inconclusive');
  });
});

describe('an arm whose values are all alike is not taken as exact', () => {
  const arms = fixtures.constant_arms;

  it('revenue per visitor against a holdout without a buyer: no test (Welch said p = 7e-5, a permutation test 0.23)', () => {
    expect(arms.revenue.permutation_p_value).toBeGreaterThan(0.05);
    const r = compareArms(arms.revenue.control, arms.revenue.treatment, { metric: 'rpv', kind: 'mean' });
    expect(r.p_value).toBeNull();
    expect(r.ci_low).toBeNull();
    expect(r.seq_p_value).toBeNull();
    expect(r.control_value).toBe(0);
    expect(r.reason).toMatch(/no variance within an arm/);
  });

  it('AOV against a holdout with a single order: no test (the delta method said p = 7e-26, permuting the orders 0.18)', () => {
    expect(arms.aov.permutation_p_value).toBeGreaterThan(0.05);
    const r = compareArms(arms.aov.control, arms.aov.treatment, { metric: 'aov', kind: 'ratio' });
    expect(r.p_value).toBeNull();
    expect(r.ci_low).toBeNull();
    expect(r.control_value).toBe(20);
    expect(r.reason).toMatch(/no variance within an arm/);
  });

  it('CUPED on conversion with no conversion in the holdout: no adjusted test (it said p = 9e-6, Fisher 0.25)', () => {
    expect(arms.cuped.fisher_p_value).toBeGreaterThan(0.05);
    const r = compareArms(arms.cuped.control, arms.cuped.treatment, { metric: 'cr', kind: 'proportion' });
    expect(r.p_value).toBeNull();
    expect(r.reason).toMatch(/no variance within an arm/);
  });

  it('a holdout where everyone converted: the absolute interval (Newcombe) stays, the relative one is not given', () => {
    const f = fixtures.proportions[1];
    // with p_C = 1 the relative lift equals the absolute one, whose interval holds 0; Katz's excluded it
    expect(f.ci_low < 0 && f.ci_high > 0).toBe(true);
    expect(arms.all_converted.katz_rel_ci_high).toBeLessThan(0);
    const r = compareArms(proportionSums(100, 100), proportionSums(900, 867), { metric: 'cr', kind: 'proportion' });
    expectClose(r.ci_low, f.ci_low, 1e-9, 1e-15, 'ci_low');
    expectClose(r.relative, -33 / 900, 1e-12, 0, 'relative');
    expect(r.rel_ci_low).toBeNull();
    expect(r.rel_seq_ci_low).toBeNull();
    expect(r.reason).toMatch(/no relative interval/);
  });

  it('the campaign report shows no revenue test while the holdout has no buyer', () => {
    const start = Date.parse('2026-03-01');
    const campaign: CampaignInfo = { id: 'c', name: 'c', type: 'promotion', status: 'active', holdout: 0.1, variants: [{ name: 'a', weight: 1 }], start, end: null, window_days: 7 };
    const { control, treatment } = arms.revenue;
    const cents = (x: number) => Math.round(x * 100);
    const row = (variant: string, n: number, rev: number, rev2: number) => ({ variant, day: '2026-03-01', hour: -1, segment: '', device: '', source: '', ...zeroStats(), n, conv: rev > 0 ? 20 : 0, rev, rev2 });
    const rows = [row('holdout', control.n, 0, 0), row('a', treatment.n, cents(treatment.sum), Math.round(treatment.sumSquares * 10_000))];
    // one histogram row holds the treated buyers' sums (fewer than 30 buyers: no cap, the raw sums count)
    const hist = [{ variant: 'a', day: '2026-03-01', bucket: 12, n: 20, sum: cents(treatment.sum), sum2: Math.round(treatment.sumSquares * 10_000) }];
    const report = campaignReport(campaign, rows, hist, [], { analysis: 'itt', breakdown: 'variant', now: start + 14 * DAY_MS });
    const revenue = report.uplift.find((u) => u.metric === 'revenue_per_visitor')!;
    expect(report.winsorized_at).toBeNull();
    expectClose(revenue.treatment_value, treatment.sum / treatment.n, 1e-9, 0, 'treatment value');
    expect(revenue.p_value).toBeNull();
    expect(revenue.ci_low).toBeNull();
  });
});
