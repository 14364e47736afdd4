import { describe, expect, it } from 'vitest';
import { PRE_PERIOD_MS, visitorOutcome, type OutcomeEvent } from '../../worker/src/reports/outcomes';

const DAY = 86_400_000;
const T = Date.UTC(2026, 10, 1);
const ev = (name: string, ts: number, props: Record<string, unknown> = {}): OutcomeEvent => ({ name, ts, props });

describe('a visitor’s campaign outcome', () => {
  const events = [
    ev('purchase', T - 10 * DAY, { value: 20, transaction_id: 'old' }), // before entry: covariate
    ev('purchase', T - 40 * DAY, { value: 99, transaction_id: 'older' }), // before the pre-period
    ev('view_promotion', T, { campaign_id: 'c1' }),
    ev('view_promotion', T + 1000, { campaign_id: 'other' }),
    ev('select_promotion', T + 2000, { campaign_id: 'c1' }),
    ev('view_item', T + 3000),
    ev('add_to_cart', T + 4000),
    ev('purchase', T + 5000, { value: 12.34, transaction_id: 'a' }),
    ev('purchase', T + 6000, { value: 12.34, transaction_id: 'a' }), // the same order resent under a new event id
    ev('purchase', T + 2 * DAY, { value: 0.1 + 0.2, transaction_id: 'b' }),
    ev('purchase', T + 8 * DAY, { value: 50, transaction_id: 'late' }), // after the 7-day window
  ];

  it('counts only the window after entry, orders once, money in exact cents', () => {
    const s = visitorOutcome(events, 'c1', T, 7 * DAY);
    expect(s).toMatchObject({ n: 1, conv: 1, orders: 2, rev: 1234 + 30, impressions: 1, clicks: 1, viewed: 1, carted: 1, checkout: 0, xrev: 2000, xconv: 1 });
    expect(s.rev2).toBe(1264 ** 2);
    expect(s.rev_orders).toBe(1264 * 2);
    expect(s.xrev_rev).toBe(2000 * 1264);
    expect(s.xconv_conv).toBe(1);
    expect(PRE_PERIOD_MS).toBe(28 * DAY);
  });

  it('gives the same outcome whatever order the events come in', () => {
    const shuffled = [...events].reverse();
    expect(visitorOutcome(shuffled, 'c1', T, 7 * DAY)).toEqual(visitorOutcome(events, 'c1', T, 7 * DAY));
  });

  it('a visitor who did nothing after entry counts as a zero', () => {
    expect(visitorOutcome([], 'c1', T, 7 * DAY)).toMatchObject({ n: 1, conv: 0, rev: 0, orders: 0 });
  });
});
