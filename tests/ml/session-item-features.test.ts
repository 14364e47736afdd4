import { describe, expect, it } from 'vitest';
import { buildItemTable, SESSION_ITEM_FEATURES, sessionItemFeatures } from '../../worker/src/scoring/session-item-features';
import { newProfile, newSession, type SessionState } from '../../worker/src/scoring/session-state';
import type { EventRow } from '../../worker/src/visitor-shard';

const row = { event_id: 'e', visitor_id: 'v', session_id: 's', page_id: 'p', seq: 0, name: 'page_view', client_ts: 0, ts: 0, received_at: 0, url: '', referrer: null, title: null, utm: null, props: '{}', device: 'desktop', bot: 0 } as EventRow;

function session(views: string[], engaged: Record<string, number> = {}, productPages: string[] = []): SessionState {
  return { ...newSession(row, newProfile('v', 0)), views, engaged, productPages };
}

describe('session item features', () => {
  // 10 training sessions, 2 buy: a is viewed by 4 (2 buy), b by 2 (none), c by 1
  const training = [
    { views: ['a', 'b'], bought: true },
    { views: ['a', 'a'], bought: true },
    { views: ['a', 'c'], bought: false },
    { views: ['a', 'b'], bought: false },
    ...Array.from({ length: 6 }, () => ({ views: ['z'], bought: false })),
  ];
  const table = JSON.parse(JSON.stringify(buildItemTable(training, new Map([['a', 10], ['b', 30]]))));
  const f = (s: SessionState) => Object.fromEntries(SESSION_ITEM_FEATURES.map((name, i) => [name, sessionItemFeatures(s, table)[i]]));

  it('counts each item once per session and keeps the most viewed items', () => {
    expect(table.ids).toEqual(['z', 'a', 'b', 'c']);
    expect(table.viewed).toEqual([6, 4, 2, 1]);
    expect(table.bought).toEqual([0, 2, 1, 0]);
    expect(buildItemTable(training, new Map(), 2).ids).toEqual(['z', 'a']);
  });

  it('computes buy rates shrunk to the shop rate, prices, page value, dwell and revisits', () => {
    const prior = 2 / 10;
    const rate = (bought: number, viewed: number) => (bought + 20 * prior) / (viewed + 20);
    const ra = rate(2, 4);
    const rb = rate(1, 2);
    const s = session(['a', 'b', 'a', 'unknown'], { p1: 4_000, p2: 0, p3: 9_000 }, ['p1', 'p2', 'p3', 'p4']);
    expect(f(s)).toEqual({
      item_buy_rate_mean: expect.closeTo((ra + rb + prior) / 3, 12),
      item_buy_rate_max: expect.closeTo(ra, 12),
      item_buy_rate_last: expect.closeTo(prior, 12), // an item outside the table gets the shop's rate
      item_popularity_mean: expect.closeTo((Math.log1p(4) + Math.log1p(2) + 0) / 3, 12),
      item_price_mean: 20,
      item_price_max: 30,
      page_value_mean: expect.closeTo((ra * 10 + rb * 30 + 0) / 3, 12),
      dwell_max_s: 9,
      dwell_last_s: 9,
      views_per_item: 4 / 3,
      max_item_views: 2,
      revisited_share: 1 / 3,
      last_is_revisit: 0,
    });
    expect(f(session(['b', 'a', 'b'])).last_is_revisit).toBe(1);
  });

  it('gives an empty session the shop\'s rate and zeros', () => {
    const empty = f(session([]));
    expect(empty.item_buy_rate_mean).toBeCloseTo(0.2, 12);
    expect(empty.views_per_item).toBe(0);
  });

  it('ignores engagement keys that only an object\'s prototype has', () => {
    expect(f(session(['a'], {}, ['constructor', '__proto__'])).dwell_max_s).toBe(0);
  });
});
