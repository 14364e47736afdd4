// A session's stored state stays bounded whatever page ids a client sends: per-page times are
// kept for at most BOT_LIMITS.pagesPerSession pages, and a page past the bound counts no time;
// categories and affinities are kept for at most 50, and an order sent again counts once.
import { describe, expect, it } from 'vitest';
import { BOT_LIMITS } from '../../worker/src/bots/behaviour';
import { affinityAt, applyEvent, loadProfile, loadSession, newProfile, newSession } from '../../worker/src/scoring/session-state';
import type { EventRow } from '../../worker/src/visitor-shard';

const row = (name: string, ts: number, page: string): EventRow => ({
  event_id: `${name}-${page}-${ts}`, visitor_id: 'v', session_id: 's', page_id: page, seq: 0, name, client_ts: ts, ts, received_at: ts,
  url: '', referrer: null, title: null, utm: null, props: '{}', device: 'desktop', bot: 0,
});
const none = () => [];

describe('session state bounds', () => {
  it('keeps per-page times for at most pagesPerSession pages, and counts no time past them', () => {
    const profile = newProfile('v', 0);
    const first = row('user_engagement', 1_000, 'page-0');
    const s = newSession(first, profile);
    const pages = BOT_LIMITS.pagesPerSession + 500;
    for (let i = 0; i < pages; i++) applyEvent(s, profile, row('user_engagement', 1_000 + i, `page-${i}`), { engaged_ms: 1 }, none);
    expect(Object.keys(s.pageStart)).toHaveLength(BOT_LIMITS.pagesPerSession);
    expect(Object.keys(s.engaged)).toHaveLength(BOT_LIMITS.pagesPerSession);
    expect(profile.engagedMs).toBe(BOT_LIMITS.pagesPerSession); // 1 ms from each tracked page, none from the others
    expect(JSON.stringify(s).length).toBeLessThan(200_000);
    // a page already tracked still grows its time
    applyEvent(s, profile, row('user_engagement', 5_000, 'page-3'), { engaged_ms: 2_000 }, none);
    expect(s.engaged['page-3']).toBe(2_000);
    expect(profile.engagedMs).toBe(BOT_LIMITS.pagesPerSession + 1_999);
  });

  it('keeps at most 50 categories a session and the 50 strongest affinities a profile, however many a page sends', () => {
    const profile = newProfile('v', 0);
    const s = newSession(row('page_view', 1_000, 'p'), profile);
    const long = (i: number) => `${'c'.repeat(190)}-${i}`;
    // the first category is viewed often, so it must keep its affinity while thousands of others pass through
    for (let i = 0; i < 5_000; i++) {
      const items = [{ item_id: `i${i}`, item_category: long(i) }, { item_id: 'x', item_category: 'loved' }];
      applyEvent(s, profile, row('view_item', 2_000 + i, 'p'), { items }, none);
    }
    expect(s.categories).toHaveLength(50);
    expect(s.categories.slice(0, 2)).toEqual([long(0), 'loved']);
    expect(Object.keys(profile.affinity)).toHaveLength(50);
    expect(Object.keys(affinityAt(profile, 7_000)).includes('loved')).toBe(true);
    expect(Object.keys(profile.affinity)).toContain(long(4_999)); // the newest view weighs more than an old one
    expect(JSON.stringify(profile).length + JSON.stringify(s).length).toBeLessThan(40_000);
  });

  it('bounds a profile and a session stored before the bounds when they are loaded', () => {
    const affinity = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`c${i}`, [i, 1_000]]));
    const p = loadProfile(JSON.stringify({ ...newProfile('v', 0), affinity }));
    expect(Object.keys(p.affinity).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `c${250 + i}`).sort());
    const s = loadSession(JSON.stringify({ ...newSession(row('page_view', 0, 'p'), newProfile('v', 0)), categories: Array.from({ length: 300 }, (_, i) => `c${i}`) }));
    expect(s.categories).toHaveLength(50);
  });

  it('counts an order sent again under a new event id once in the session and the profile', () => {
    const profile = newProfile('v', 0);
    const s = newSession(row('page_view', 1_000, 'p'), profile);
    const order = { transaction_id: 't-1', value: 50, items: [{ item_id: 'a' }] };
    applyEvent(s, profile, row('purchase', 2_000, 'p'), order, none);
    applyEvent(s, profile, row('purchase', 3_000, 'p2'), order, none);
    expect([profile.purchases, profile.revenue, s.revenue]).toEqual([1, 50, 50]);
    applyEvent(s, profile, row('purchase', 4_000, 'p3'), { ...order, transaction_id: 't-2' }, none);
    expect([profile.purchases, profile.revenue, s.revenue]).toEqual([2, 100, 100]);
  });
});
