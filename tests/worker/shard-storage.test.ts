// How a shard lays out what it writes most: every stored event writes the events table and its
// indexes, and every apply rewrites its visitors' session and profile states.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { migrateShard, STATE_TABLES_COPIED_UP_TO } from '../../worker/src/shard-schema';
import { migrateSiteRollups } from '../../worker/src/reports/site-rollups';
import { VISITOR_EVENTS_SINCE } from '../../worker/src/reports/campaign-rollups';
import { archiveKey, EVENTS_ON_DAY, migrateArchive, withLateLines } from '../../worker/src/privacy/archive';
import { utcDay } from '../../worker/src/privacy/ip-hash';
import { shardIndex, shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { importEvents, makeEvent, TEST_SITE } from './helpers';

const shard = async (visitor: string) => shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, visitor);
/** The session and profile tables as they were before they became rowid tables (no rows). */
function tablesBeforeTheStep(sql: SqlStorage) {
  sql.exec(`DROP TABLE sessions; DROP TABLE profiles;
    CREATE TABLE sessions (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, last INTEGER NOT NULL, purchased INTEGER NOT NULL, bot INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (visitor_id, session_id)) WITHOUT ROWID;
    CREATE INDEX sessions_by_visitor ON sessions (visitor_id, last);
    CREATE INDEX sessions_by_last ON sessions (last);
    CREATE TABLE profiles (visitor_id TEXT PRIMARY KEY, state TEXT NOT NULL, segment TEXT, memberships TEXT, intent REAL,
      last_seen INTEGER, visits INTEGER, purchases INTEGER, engaged_ms INTEGER, product_views INTEGER) WITHOUT ROWID;`);
}
const DAY = 86_400_000;
/** The visitors of an archived day's file, a line each. */
async function archivedLines(visitor: string, day: string): Promise<string[]> {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const object = await env.ARCHIVE.get(archiveKey(site.key, day, String(shardIndex(site, visitor))));
  return object ? (await object.text()).trim().split('\n').map((l) => JSON.parse(l).event_id) : [];
}
const tableSql = (sql: SqlStorage, name: string) => sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", name).one().sql;

describe("a shard's storage", () => {
  it('indexes events by visitor and page view report only, and reads a visitor’s events for outcomes by visitor', async () => {
    const got = await runInDurableObject(await shard('storage-indexes'), (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      const indexes = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name").toArray().map((r) => r.name);
      const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${VISITOR_EVENTS_SINCE}`, 'v', 0).toArray().map((r) => r.detail).join(' ');
      return { indexes, plan };
    });
    expect(got.indexes).toEqual(['events_by_visitor', 'events_page_engagement']);
    expect(got.plan).toMatch(/USING INDEX events_by_visitor \(visitor_id=\?\)/);
  });

  it('keeps sessions and profiles stored WITHOUT ROWID as they were, in rowid tables after the upgrade, and updates them there', async () => {
    const visitor = 'storage-upgrade';
    const stub = await shard(visitor);
    const big = (n: number) => JSON.stringify({ note: 'x'.repeat(n) }); // over the ~1 kB a WITHOUT ROWID row keeps in its page
    const before = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      tablesBeforeTheStep(sql);
      sql.exec('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', 'other', 's-1', 5, 1, 0, big(2_500), 'other', 's-2', 7, 0, 1, big(10));
      sql.exec('INSERT INTO profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', 'other', big(1_500), 'loyal', '{"loyal":1}', 0.25, 9, 3, 1, 4_000, 6);
      // the step runs again (and the one after it, the dropped reports' times, which finds its column)
      sql.exec('DELETE FROM schema_steps WHERE step >= (SELECT max(step) - 1 FROM schema_steps)');
      const rows = (table: string) => sql.exec(`SELECT * FROM ${table} ORDER BY 1, 2`).toArray();
      const kept = { sessions: rows('sessions'), profiles: rows('profiles') };
      migrateShard(sql);
      migrateSiteRollups(sql);
      return { kept, now: { sessions: rows('sessions'), profiles: rows('profiles') }, ddl: [tableSql(sql, 'sessions'), tableSql(sql, 'profiles')] };
    });
    expect(before.now).toEqual(before.kept);
    expect(before.kept.sessions).toHaveLength(2);
    for (const ddl of before.ddl) expect(ddl).not.toMatch(/WITHOUT ROWID/);

    // the upsert finds a visitor's row by the unique index: one session row and one profile row, updated
    const t = Date.now() - 60_000;
    await importEvents([makeEvent({ visitor_id: visitor, session_id: 'storage-session', name: 'page_view', ts: t })]);
    await importEvents([makeEvent({ visitor_id: visitor, session_id: 'storage-session', name: 'page_view', ts: t + 1_000 })]);
    await runDurableObjectAlarm(stub);
    const after = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      return {
        sessions: sql.exec<{ state: string }>('SELECT state FROM sessions WHERE visitor_id = ?', visitor).toArray().map((r) => JSON.parse(r.state).pageViews),
        profiles: sql.exec<{ state: string }>('SELECT state FROM profiles WHERE visitor_id = ?', visitor).toArray().map((r) => JSON.parse(r.state).pageViews),
        indexes: sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('sessions', 'profiles') AND sql IS NOT NULL ORDER BY name").toArray().map((r) => r.name),
      };
    });
    expect(after.sessions).toEqual([2]);
    expect(after.profiles).toEqual([2]);
    expect(after.indexes).toEqual(['profiles_key', 'profiles_mix', 'sessions_by_last', 'sessions_by_visitor', 'sessions_key']);
  });

  it('keeps them as they were in a shard too large to copy them on its first start, and updates them there', async () => {
    const visitor = 'storage-large';
    const stub = await shard(visitor);
    const got = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      tablesBeforeTheStep(sql);
      sql.exec(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
        INSERT INTO sessions SELECT 'large-' || i, 's', i, 0, 0, '{}' FROM k`, STATE_TABLES_COPIED_UP_TO + 1);
      const steps = () => sql.exec<{ n: number }>('SELECT count(*) AS n FROM schema_steps').one().n;
      const all = steps();
      // the step runs again (and the one after it, the dropped reports' times, which finds its column)
      sql.exec('DELETE FROM schema_steps WHERE step >= (SELECT max(step) - 1 FROM schema_steps)');
      migrateShard(sql);
      return { rows: sql.exec<{ n: number }>('SELECT count(*) AS n FROM sessions').one().n, ddl: tableSql(sql, 'sessions'), steps: [steps(), all] };
    });
    expect(got.rows).toBe(STATE_TABLES_COPIED_UP_TO + 1);
    expect(got.ddl).toMatch(/WITHOUT ROWID/);
    expect(got.steps[0]).toBe(got.steps[1]); // the step counts as done: the next start does not count rows again
    const t = Date.now() - 60_000;
    await importEvents([makeEvent({ visitor_id: visitor, session_id: 'large-session', name: 'page_view', ts: t })]);
    await importEvents([makeEvent({ visitor_id: visitor, session_id: 'large-session', name: 'page_view', ts: t + 1_000 })]);
    await runDurableObjectAlarm(stub);
    const after = await runInDurableObject(stub, (_s: VisitorShard, state) =>
      state.storage.sql.exec<{ state: string }>('SELECT state FROM sessions WHERE visitor_id = ?', visitor).toArray().map((r) => JSON.parse(r.state).pageViews));
    expect(after).toEqual([2]);
  });

  it("archives a day by the range of arrival its events were stored in, a late one included, without an index by time", async () => {
    const visitor = 'storage-days';
    const t = Date.parse(utcDay(Date.now() - 3 * DAY)) + 3_600_000; // 01:00 three days ago
    const early = [makeEvent({ visitor_id: visitor, ts: t }), makeEvent({ visitor_id: visitor, ts: t + 1_000 })];
    const next = [makeEvent({ visitor_id: visitor, ts: t + DAY })];
    const late = [makeEvent({ visitor_id: visitor, ts: t + 2_000 })]; // sent after the next day's, from an offline queue
    for (const batch of [early, next, late]) await importEvents(batch);
    const stub = await shard(visitor);
    const plan = await runInDurableObject(stub, (_s: VisitorShard, state) =>
      state.storage.sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM events WHERE ${EVENTS_ON_DAY}`, 1, 2, 3, 4).toArray().map((r) => r.detail).join(' '));
    expect(plan).toMatch(/USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    await stub.archive(shardIndex(site, visitor), 0);
    expect((await archivedLines(visitor, utcDay(t))).sort()).toEqual([...early, ...late].map((e) => e.event_id).sort());
    expect(await archivedLines(visitor, utcDay(t + DAY))).toEqual(next.map((e) => e.event_id));
  });

  it("finds each day's range from the index by time of a shard made before, then drops that index", async () => {
    const visitor = 'storage-days-upgrade';
    const t = Date.parse(utcDay(Date.now() - 3 * DAY)) + 3_600_000;
    const events = [makeEvent({ visitor_id: visitor, ts: t }), makeEvent({ visitor_id: visitor, ts: t + DAY }), makeEvent({ visitor_id: visitor, ts: t + 2_000 })];
    for (const e of events) await importEvents([e]);
    const stub = await shard(visitor);
    const got = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      // as the shard was: an index by time, no day ranges
      sql.exec('DROP TABLE event_days; CREATE INDEX events_by_ts ON events (ts)');
      const stored = sql.exec<{ n: number; ts: number }>('SELECT n, ts FROM events ORDER BY n').toArray(); // the shard's, other tests' too
      migrateArchive(sql);
      return {
        stored,
        days: sql.exec<{ day: number; first_n: number; last_n: number }>('SELECT day, first_n, last_n FROM event_days ORDER BY day').toArray(),
        index: sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'events_by_ts'").toArray().length,
      };
    });
    expect(got.index).toBe(0);
    const ranges = new Map<number, { day: number; first_n: number; last_n: number }>();
    for (const { n, ts } of got.stored) {
      const day = Math.floor(ts / DAY);
      const range = ranges.get(day) ?? { day, first_n: n, last_n: n };
      ranges.set(day, { day, first_n: Math.min(range.first_n, n), last_n: Math.max(range.last_n, n) });
    }
    expect(got.days).toEqual([...ranges.values()].sort((a, b) => a.day - b.day));
    expect(got.days.map((d) => d.day)).toEqual(expect.arrayContaining([Math.floor(t / DAY), Math.floor(t / DAY) + 1]));
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    await stub.archive(shardIndex(site, visitor), 0);
    expect((await archivedLines(visitor, utcDay(t))).sort()).toEqual([events[0], events[2]].map((e) => e.event_id).sort());
  });

  it('adds events stored for a day after it was archived to its file at the next run, once, a later report in place of its page view’s earlier one', async () => {
    const visitor = 'storage-late';
    const t = Date.parse(utcDay(Date.now() - 3 * DAY)) + 3_600_000;
    const report = (ms: number, ts: number) => makeEvent({ visitor_id: visitor, name: 'user_engagement', page_id: 'late-page', ts, props: { engaged_ms: ms } });
    const view = makeEvent({ visitor_id: visitor, page_id: 'late-page', ts: t });
    const early = report(1_000, t + 1_000);
    await importEvents([view, early]);
    const stub = await shard(visitor);
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const index = shardIndex(site, visitor);
    expect((await stub.archive(index, 0)).archived).toContain(utcDay(t));
    expect((await archivedLines(visitor, utcDay(t))).sort()).toEqual([view, early].map((e) => e.event_id).sort());

    // from an offline queue, after the day was archived: the page view's later report, and a click
    const later = report(5_000, t + 2_000);
    const click = makeEvent({ visitor_id: visitor, name: 'click', page_id: 'late-page', ts: t + 3_000, props: { label: 'details' } });
    await importEvents([later, click]);
    const run = await stub.archive(index, 0);
    expect(run.completed).toEqual([utcDay(t)]);
    const lines = await archivedLines(visitor, utcDay(t));
    expect(lines.sort()).toEqual([view, later, click].map((e) => e.event_id).sort());
    // nothing late since: the next run adds nothing
    expect((await stub.archive(index, 0)).completed).toEqual([]);
    expect((await archivedLines(visitor, utcDay(t))).sort()).toEqual(lines);
  });

  it('adds late lines to a day’s file idempotently: a retried run changes nothing', () => {
    const line = (event_id: string, name: string, page_id: string | null, ms?: number) =>
      JSON.stringify({ event_id, visitor_id: 'v', page_id, name, props: ms === undefined ? {} : { engaged_ms: ms } });
    const day = `${line('a', 'page_view', 'p1')}\n${line('b', 'user_engagement', 'p1', 1_000)}\n`;
    const late = `${line('c', 'user_engagement', 'p1', 4_000)}\n${line('d', 'click', 'p1')}\n${line('e', 'user_engagement', 'p2', 500)}\n`;
    const once = withLateLines(day, late);
    expect(once.trim().split('\n').map((l) => JSON.parse(l).event_id)).toEqual(['a', 'c', 'd', 'e']);
    expect(withLateLines(once, late)).toBe(once);
    expect(withLateLines('', late)).toBe(late);
  });

  it('counts the days archived before it knew how far as archived up to now', async () => {
    const visitor = 'storage-late-upgrade';
    const t = Date.parse(utcDay(Date.now() - 3 * DAY)) + 3_600_000;
    await importEvents([makeEvent({ visitor_id: visitor, ts: t })]);
    const stub = await shard(visitor);
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    await stub.archive(shardIndex(site, visitor), 0);
    const got = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      sql.exec('ALTER TABLE archived_days DROP COLUMN through_n'); // as a shard archived before
      migrateArchive(sql);
      return sql.exec<{ day: string; through_n: number; last_n: number }>(
        'SELECT a.day, a.through_n, d.last_n FROM archived_days a JOIN event_days d ON d.day * 86400000 = unixepoch(a.day) * 1000').toArray();
    });
    expect(got.length).toBeGreaterThan(0);
    for (const row of got) expect(row.through_n).toBe(row.last_n);
    expect((await stub.archive(shardIndex(site, visitor), 0)).completed).toEqual([]);
  });
});
