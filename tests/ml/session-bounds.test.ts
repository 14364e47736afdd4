// A session's stored state stays bounded whatever page ids a client sends: per-page times are
// kept for at most BOT_LIMITS.pagesPerSession pages, and a page past the bound counts no time.
import { describe, expect, it } from 'vitest';
import { BOT_LIMITS } from '../../worker/src/bots/behaviour';
import { applyEvent, newProfile, newSession } from '../../worker/src/scoring/session-state';
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
});
