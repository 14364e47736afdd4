import { describe, expect, it } from 'vitest';
import { PRE_PERIOD_MS, visitorOutcome, type OutcomeEvent } from '../../worker/src/reports/outcomes';
import { bucketOf, edgeOf, winsorizationCap, winsorizedSums, type HistogramRow } from '../../worker/src/reports/revenue-histogram';
import { seededRandom } from '../../worker/src/ml/random';

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

describe('winsorized revenue from the histogram', () => {
  it('equals winsorizing the raw values at the cap', () => {
    const random = seededRandom(3);
    const visitors = 2_000;
    const values = Array.from({ length: visitors }, () => (random() < 0.1 ? Math.round(500 + 20_000 * random() ** 4) : 0));
    values[0] = 5_000_000; // one whale
    const rows = new Map<string, HistogramRow>();
    values.forEach((v, i) => {
      if (!v) return;
      const variant = i % 2 ? 'a' : 'holdout';
      const key = `${variant}|${bucketOf(v)}`;
      const r = rows.get(key) ?? { variant, day: '2026-11-01', bucket: bucketOf(v), n: 0, sum: 0, sum2: 0 };
      r.n++, (r.sum += v), (r.sum2 += v * v);
      rows.set(key, r);
    });
    const cap = winsorizationCap([...rows.values()], visitors, 99);
    const sorted = [...values].sort((a, b) => a - b);
    // the cap is the histogram edge at or just below the 99th percentile value
    const p99 = sorted[Math.ceil(0.99 * visitors) - 1];
    expect(cap).toBeLessThanOrEqual(p99);
    expect(cap).toBeGreaterThan(p99 / 2 ** 0.25 - 1e-9);
    expect(Math.log2(cap) * 4).toBeCloseTo(Math.round(Math.log2(cap) * 4), 9); // an edge of the histogram
    for (const variant of ['a', 'holdout']) {
      const mine = values.filter((_, i) => (i % 2 ? 'a' : 'holdout') === variant).map((v) => Math.min(v, cap));
      const got = winsorizedSums([...rows.values()], variant, cap);
      expect(got.sum).toBeCloseTo(mine.reduce((a, b) => a + b, 0), 6);
      expect(got.sum2).toBeCloseTo(mine.reduce((a, b) => a + b * b, 0), 0);
    }
    expect(edgeOf(bucketOf(777))).toBeLessThanOrEqual(777);
    expect(edgeOf(bucketOf(777) + 1)).toBeGreaterThan(777);
  });
});
