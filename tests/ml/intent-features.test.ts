import { describe, expect, it } from 'vitest';
import { INTENT_FEATURES, intentFeatures } from '../../worker/src/scoring/intent-features';
import { applyEvent, newProfile, newSession, type SessionState } from '../../worker/src/scoring/session-state';
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
