import { describe, expect, it } from 'vitest';
import { guardVerdict, type GuardInput } from '../../worker/src/reports/stats/guards';

const ready: GuardInput = {
  control: { visitors: 5000, conversions: 150 },
  treatment: { visitors: 5000, conversions: 190 },
  days: 14,
  srmFlagged: false,
  absolute: 0.008,
  pValue: 0.01,
};

describe('guards and verdict', () => {
  it('calls a significant, well-sampled, week-long result positive or negative by its sign', () => {
    expect(guardVerdict(ready)).toEqual({ verdict: 'positive', significant: true, warnings: [], min_days_remaining: 0 });
    expect(guardVerdict({ ...ready, absolute: -0.008 }).verdict).toBe('negative');
    expect(guardVerdict({ ...ready, pValue: 0.2 }).verdict).toBe('inconclusive');
    expect(guardVerdict({ ...ready, pValue: 0.03 }, { alpha: 0.01 }).verdict).toBe('inconclusive');
  });

  it('SRM blocks every verdict', () => {
    const r = guardVerdict({ ...ready, srmFlagged: true });
    expect(r.verdict).toBe('sample_ratio_mismatch');
    expect(r.warnings.map((w) => w.code)).toEqual(['srm']);
  });

  it('no verdict below 100 visitors or 25 conversions in either arm', () => {
    expect(guardVerdict({ ...ready, control: { visitors: 99, conversions: 30 } }).verdict).toBe('not_enough_data');
    const r = guardVerdict({ ...ready, treatment: { visitors: 5000, conversions: 24 } });
    expect(r.verdict).toBe('not_enough_data');
    expect(r.warnings.map((w) => w.code)).toEqual(['min_conversions']);
    expect(guardVerdict({ ...ready, treatment: { visitors: 5000, conversions: 25 } }).verdict).toBe('positive');
    expect(guardVerdict({ ...ready, control: { visitors: 60, conversions: 5 } }, { minVisitors: 50, minConversions: 5 }).verdict).toBe('positive');
  });

  it('no verdict before the minimum duration (7 days by default), and says how long is left', () => {
    const r = guardVerdict({ ...ready, days: 4.5 });
    expect(r.verdict).toBe('too_early');
    expect(r.significant).toBe(true);
    expect(r.min_days_remaining).toBe(3);
    expect(guardVerdict({ ...ready, days: 7 }).verdict).toBe('positive');
    expect(guardVerdict({ ...ready, days: 10 }, { minDays: 14 }).verdict).toBe('too_early');
  });

  it('lists every failed guard whatever the verdict, and copes with missing numbers', () => {
    const r = guardVerdict({ ...ready, srmFlagged: true, days: 1, control: { visitors: 10, conversions: 0 }, pValue: null });
    expect(r.verdict).toBe('sample_ratio_mismatch');
    expect(r.warnings.map((w) => w.code)).toEqual(['srm', 'min_visitors', 'min_conversions', 'min_duration', 'no_test']);
    expect(guardVerdict({ ...ready, absolute: null }).verdict).toBe('inconclusive');
    expect(guardVerdict({ ...ready, days: NaN }).verdict).toBe('too_early');
  });
});
