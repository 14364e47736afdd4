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
