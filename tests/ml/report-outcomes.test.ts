import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '../../sdk/schema/limits';
import { MAX_VISITOR_CENTS, PRE_PERIOD_MS, addStats, visitorOutcome, zeroStats, type OutcomeEvent } from '../../worker/src/reports/outcomes';

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

  it('counts a visitor\'s revenue up to a bound, so one huge order cannot swamp the others\' sums', () => {
    const whale = visitorOutcome([ev('purchase', T - DAY, { value: MAX_AMOUNT, transaction_id: 'x' }), ev('purchase', T + 1, { value: MAX_AMOUNT, transaction_id: 'y' })], 'c1', T, 7 * DAY);
    expect([whale.rev, whale.xrev]).toEqual([MAX_VISITOR_CENTS, MAX_VISITOR_CENTS]);
    expect(whale.rev2).toBe(MAX_VISITOR_CENTS ** 2);
    // a rollup row holding a buyer of 12.34 and the whale, the whale then taken back (its session
    // found to be a bot's): the buyer's sums come back exactly (unbounded: 2,097,152 for 1,522,756)
    const buyer = visitorOutcome([ev('purchase', T + 1, { value: 12.34, transaction_id: 'b' })], 'c1', T, 7 * DAY);
    let row = zeroStats();
    for (const v of [buyer, whale, whale, buyer]) row = addStats(row, v);
    row = addStats(addStats(row, whale, -1), whale, -1);
    expect(row).toEqual(addStats(buyer, buyer));
    expect(row.rev2).toBe(2 * 1234 ** 2);
  });
});
