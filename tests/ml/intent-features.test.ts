import { describe, expect, it } from 'vitest';
import { featureNames, INTENT_FEATURES, intentFeatures, intentRow } from '../../worker/src/scoring/intent-features';
import { ITEM_RATE_FEATURES, itemKey, itemRateFeatures, type ItemRates } from '../../worker/src/scoring/item-rates';
import { applyEvent, loadSession, newProfile, newSession, type SessionState } from '../../worker/src/scoring/session-state';
import type { EventRow } from '../../worker/src/visitor-shard';

const row = (name: string, ts: number, page: string): EventRow => ({
  event_id: `${name}-${ts}`, visitor_id: 'v', session_id: 's', page_id: page, seq: 0, name, client_ts: ts, ts, received_at: ts,
  url: '', referrer: null, title: null, utm: null, props: '{}', device: 'desktop', bot: 0,
});

/** A session replayed as the tracker reports it: each view a page, its engaged time reported when the next one opens. */
function replay(clicks: [item: string, atS: number][]): SessionState {
  const profile = newProfile('v', 0);
  let s: SessionState | null = null;
  const none = () => [];
  clicks.forEach(([item, at], j) => {
    const ts = at * 1000;
    if (j > 0) applyEvent(s!, profile, row('user_engagement', ts, `p${j - 1}`), { engaged_ms: ts - clicks[j - 1][1] * 1000 }, none);
    const view = row('page_view', ts, `p${j}`);
    s ??= newSession(view, profile);
    applyEvent(s, profile, view, {}, none);
    applyEvent(s, profile, row('view_item', ts, `p${j}`), { item_id: item }, none);
  });
  return s!;
}

const named = (s: SessionState) => Object.fromEntries(INTENT_FEATURES.map((name, i) => [name, intentFeatures(s, newProfile('v', 0))[i]]));

describe('intent features: dwell and revisits', () => {
  it('computes them from the session as the shard stores it', () => {
    // a (10 s), b (50 s), a again (the open page: no engaged time reported yet), in one minute
    const f = named(replay([['a', 0], ['b', 10], ['a', 60]]));
    expect(f.dwell_max_s).toBe(50);
    expect(f.dwell_last_s).toBe(50); // the last page that reported engaged time
    expect(f.views_per_item).toBe(1.5); // 3 views, 2 items
    expect(f.max_item_views).toBe(2);
    expect(f.revisited_share).toBe(0.5); // a of {a, b}
    expect(f.last_item_views).toBe(2); // the last view, a, is its second
    expect(f.views_per_minute).toBe(3); // 3 page views in 1 minute
    expect(f.duration_s).toBe(60);
  });

  it('counts a long session per minute and a short one as at least a minute', () => {
    const long = named(replay([['x', 0], ['y', 100], ['z', 200], ['y', 240]]));
    expect(long.views_per_minute).toBeCloseTo(4 / 4, 12);
    expect(long.dwell_max_s).toBe(100);
    expect(long.dwell_last_s).toBe(40);
    expect(long.last_item_views).toBe(2);
    const quick = named(replay([['x', 0], ['y', 5]]));
    expect(quick.views_per_minute).toBe(2);
    expect(quick.revisited_share).toBe(0);
  });

  it('takes item ids that are Object.prototype names as plain strings', () => {
    const f = named(replay([['__proto__', 0], ['constructor', 10], ['__proto__', 20]]));
    expect(f.max_item_views).toBe(2);
    expect(f.last_item_views).toBe(2);
    expect(f.views_per_item).toBe(1.5);
  });

  it('is all zeros before any product view, and one number per name', () => {
    const s = newSession(row('page_view', 0, 'p0'), newProfile('v', 0));
    const x = intentFeatures(s, newProfile('v', 0));
    expect(x).toHaveLength(INTENT_FEATURES.length);
    expect(x.slice(-7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('the row a model scores', () => {
  // a table where item a sold to 3 of 4 viewing sessions, b to none of 6, of 100 sessions with 10 buyers
  const table: ItemRates = { sessions: 100, buyers: 10, keys: [itemKey('a'), itemKey('b')], viewed: [4, 6], bought: [3, 0] };

  it('is the session features alone for a model without an item table (older models, the prior)', () => {
    const s = replay([['a', 0], ['b', 10]]);
    expect(intentRow(s, newProfile('v', 0), undefined)).toEqual(intentFeatures(s, newProfile('v', 0)));
    expect(featureNames(undefined)).toEqual(INTENT_FEATURES);
  });

  it('adds the buy rates of the items viewed before the first purchase, read from the model\'s table', () => {
    const profile = newProfile('v', 0);
    const s = replay([['a', 0], ['b', 10]]);
    applyEvent(s, profile, row('purchase', 20_000, 'p9'), { transaction_id: 't1', value: 10, items: [{ item_id: 'a' }] }, intentFeatures);
    // viewed after the purchase: the frozen row does not change
    applyEvent(s, profile, row('view_item', 30_000, 'p10'), { item_id: 'c' }, intentFeatures);
    const x = intentRow(s, profile, table);
    expect(featureNames(table)).toEqual([...INTENT_FEATURES, ...ITEM_RATE_FEATURES]);
    expect(x).toHaveLength(INTENT_FEATURES.length + ITEM_RATE_FEATURES.length);
    expect(x.slice(-3)).toEqual(itemRateFeatures([itemKey('a'), itemKey('b')], table));
    expect(x.slice(-1)[0]).toBeLessThan(1); // b, the last item before the purchase, sold worse than the shop
    // a session that bought before preBuyItems was kept: its views since the purchase are left out too
    const stored = loadSession(JSON.stringify({ ...s, preBuyItems: undefined }));
    expect(stored.views).toEqual(['a', 'b', 'c']);
    expect(intentRow(stored, profile, table)).toEqual(x);
  });

  it('pads a row frozen before the later features existed, so that the rates keep their columns', () => {
    const s = replay([['a', 0], ['b', 10]]);
    s.preBuy = intentFeatures(s, newProfile('v', 0)).slice(0, 19); // as frozen before dwell and revisits
    const x = intentRow(s, newProfile('v', 0), table);
    expect(x).toHaveLength(INTENT_FEATURES.length + ITEM_RATE_FEATURES.length);
    expect(x.slice(19, INTENT_FEATURES.length).every(Number.isNaN)).toBe(true);
    expect(x.slice(-3)).toEqual(itemRateFeatures([itemKey('a'), itemKey('b')], table));
  });
});

