import { describe, expect, it } from 'vitest';
import { funnelRates } from '../../worker/src/reports/stats/funnel';

describe('funnel step rates', () => {
  const steps = [
    { step: 'view_item', visitors: 800 },
    { step: 'add_to_cart', visitors: 200 },
    { step: 'begin_checkout', visitors: 80 },
    { step: 'purchase', visitors: 60 },
  ];

  it('gives the share of exposed visitors and of the previous step', () => {
    const r = funnelRates(steps, 1000);
    expect(r.map((s) => s.rate_from_start)).toEqual([0.8, 0.2, 0.08, 0.06]);
    expect(r.map((s) => s.rate_from_previous)).toEqual([0.8, 0.25, 0.4, 0.75]);
  });

  it('uses the first step as the base when the exposed count is not given', () => {
    expect(funnelRates(steps)[3].rate_from_start).toBe(0.075);
  });

  it('answers null, not NaN or Infinity, when a step has no visitors', () => {
    const r = funnelRates([{ step: 'view_item', visitors: 0 }, { step: 'add_to_cart', visitors: 0 }], 0);
    expect(r.every((s) => s.rate_from_start === null && s.rate_from_previous === null)).toBe(true);
    expect(funnelRates([])).toEqual([]);
  });
});
