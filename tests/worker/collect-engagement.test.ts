// One stored engagement row per page view: its heartbeats update that row in place (engaged
// time only grows), so storage grows by page views, not by 15 s heartbeats. What the visitor's
// profile, the overview and the privacy routes say must be what one row per heartbeat said.
import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { migrateShard } from '../../worker/src/shard-schema';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, TEST_SITE, makeEvent, post, storedEvents } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const DAY = 86_400_000;
const get = async (path: string) => {
  const res = await exports.default.fetch(`${BASE}${path}${path.includes('?') ? '&' : '?'}site=${TEST_SITE.key}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return res.json<any>();
};
const shard = async (visitor: string) => shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, visitor);
const sent = async (events: unknown[]) => {
  const res = await post({ events });
  expect(res.status).toBe(202);
  return res.json<any>();
};

/** A page view at `t` with its heartbeats, `engaged` ms each, every 15 s. */
function pageView(visitor: string, page: string, t: number, engaged: number[]) {
  const base = { visitor_id: visitor, session_id: `${visitor}-s1`, page_id: page };
  const view = makeEvent({ ...base, name: 'page_view', ts: t });
  const beats = engaged.map((ms, i) => makeEvent({ ...base, name: 'user_engagement', ts: t + 15_000 * (i + 1), props: { engaged_ms: ms, scroll_depth: Math.min(100, 10 * (i + 1)), ...(i === engaged.length - 1 ? { final: true } : {}) } }));
  return { view, beats };
}

describe('one engagement row per page view', () => {
  it('keeps one row per page view with the largest report, in order or not, resent or not', async () => {
    const v = 'visitor-engagement-rows';
    const t = Date.now() - 10 * DAY; // a day of its own in the overview
    const day = new Date(t).toISOString().slice(0, 10);
    const a = pageView(v, 'page-aaaa', t, [9_000, 21_000, 33_000, 40_000, 41_000]);
    const b = pageView(v, 'page-bbbb', t + 120_000, [5_000, 12_000]);
    const before = await get(`/v1/reports/overview?from=${day}&to=${day}`);

    const first = await sent([a.view, a.beats[0], a.beats[1], b.view]);
    // the page's first report is superseded by the second in the same batch: nothing new to store
    expect(first).toEqual({ accepted: 3, duplicates: 1, rejected: [] });
    await runDurableObjectAlarm(await shard(v)); // applied
    // later reports, one of them before an earlier one, and an old one resent
    const answer = await sent([a.beats[3], a.beats[2], a.beats[0], b.beats[0], a.beats[4], b.beats[1]]);
    expect(answer.accepted + answer.duplicates).toBe(6);
    await sent([a.beats[1], a.beats[4]]); // a whole batch resent: nothing changes

    const { body } = await storedEvents(v);
    const engagement = body.events.filter((e: any) => e.name === 'user_engagement');
    expect(engagement.map((e: any) => [e.page_id, e.event_id, e.props.engaged_ms])).toEqual([
      ['page-aaaa', a.beats[4].event_id, 41_000],
      ['page-bbbb', b.beats[1].event_id, 12_000],
    ]);
    expect(engagement[0].props).toEqual({ engaged_ms: 41_000, scroll_depth: 50, final: true }); // the latest report, as sent
    expect(body.events).toHaveLength(4);
    expect(body.summary.events).toBe(4); // stored rows, however many reports

    // the profile counts each page view's largest report once
    const profile = await get(`/v1/visitors/${v}/profile`);
    expect(profile.lifetime).toMatchObject({ page_views: 2, engaged_ms: 41_000 + 12_000 });
    const after = await get(`/v1/reports/overview?from=${day}&to=${day}`);
    expect(after.totals.engaged_ms - before.totals.engaged_ms).toBe(41_000 + 12_000);
    expect(after.totals.sessions - before.totals.sessions).toBe(1);

    // exported as stored, and erased with the rest
    const exported = await get(`/v1/admin/visitors/${v}/export`);
    expect(exported.data.events.filter((e: any) => e.name === 'user_engagement').map((e: any) => e.event_id).sort()).toEqual(
      [a.beats[4].event_id, b.beats[1].event_id].sort());
    const erased = await exports.default.fetch(`${BASE}/v1/admin/visitors/${v}?site=${TEST_SITE.key}`, { method: 'DELETE', headers: ADMIN });
    expect(erased.status).toBe(200);
    expect((await storedEvents(v)).body.events ?? []).toEqual([]);
    expect(await runInDurableObject(await shard(v), (s: VisitorShard) => s.status().pending)).toBe(0);
  });

  it('keeps every report of an event without a page id, as before', async () => {
    const v = 'visitor-engagement-no-page';
    const beats = [1_000, 2_000].map((ms, i) => makeEvent({ visitor_id: v, page_id: undefined, name: 'user_engagement', ts: Date.now() - 5_000 + i, props: { engaged_ms: ms } }));
    expect((await sent(beats)).accepted).toBe(2);
    expect((await storedEvents(v)).body.events).toHaveLength(2);
  });

  it('folds existing state when the shard is upgraded: the largest report of each page view stays, counted once, pending or not as before', async () => {
    const v = 'visitor-engagement-upgrade';
    const t = Date.now() - 60_000;
    const a = pageView(v, 'page-upgrade', t, [10_000, 25_000]);
    const late = makeEvent({ visitor_id: v, session_id: `${v}-s1`, page_id: 'page-upgrade', name: 'user_engagement', ts: t + 45_000, props: { engaged_ms: 30_000 } });
    const other = makeEvent({ visitor_id: v, session_id: `${v}-s1`, page_id: 'page-upgrade', name: 'click', ts: t + 46_000, props: { label: 'buy' } });
    await sent([a.view]); // the site's shard exists
    const stub = await shard(v);
    const migrated = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      // the shard's tables as they were before these steps (step 4: one engagement row per page view; 5: events in arrival order)
      sql.exec('DROP TABLE events; DROP TABLE scoring_mark; DROP TABLE applied_early; DROP TABLE visitors; DROP TABLE sessions; DROP TABLE profiles; DROP TABLE quarantine; DROP TABLE dropped_reports; DROP TABLE brain_outbox; DROP TABLE meta; DELETE FROM schema_steps');
      migrateShard(sql, 4);
      const insert = (e: any, applied: boolean) => {
        sql.exec(`INSERT INTO events (event_id, visitor_id, session_id, page_id, seq, name, client_ts, ts, received_at, url, props, device, bot)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'desktop', 0)`, e.event_id, e.visitor_id, e.session_id, e.page_id, e.seq, e.name, e.ts, e.ts, e.ts, e.url, JSON.stringify(e.props ?? {}));
        if (applied) sql.exec('DELETE FROM pending WHERE event_id = ?', e.event_id);
      };
      // three reports stored for the page view, two of them applied (and counted), one not yet
      insert(a.view, true);
      insert(a.beats[0], true);
      insert(a.beats[1], true);
      insert(late, false);
      insert(other, false);
      sql.exec('INSERT INTO visitors (visitor_id, first_seen, last_seen, events) VALUES (?, ?, ?, 3)', v, t, t);
      migrateShard(sql);
      const mark = sql.exec<{ n: number }>('SELECT applied_through AS n FROM scoring_mark').one().n;
      return {
        rows: sql.exec<{ event_id: string }>('SELECT event_id FROM events WHERE visitor_id = ? ORDER BY n', v).toArray().map((r) => r.event_id),
        pending: sql.exec<{ event_id: string; fresh: number }>('SELECT event_id, fresh FROM events WHERE visitor_id = ? AND n > ? ORDER BY n', v, mark).toArray().map((r) => ({ ...r })),
        counted: sql.exec<{ n: number }>('SELECT events AS n FROM visitors WHERE visitor_id = ?', v).one().n,
      };
    });
    // the applied ones first, then the pending ones in their apply order
    expect(migrated.rows).toEqual([a.view.event_id, late.event_id, other.event_id]);
    expect(migrated.pending).toEqual([{ event_id: late.event_id, fresh: 1 }, { event_id: other.event_id, fresh: 1 }]);
    expect(migrated.counted).toBe(1); // the two applied reports folded away; the pending ones count when applied
  });
});
