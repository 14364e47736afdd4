// An erased visitor leaves no row in the shard that names them, in any table, while the
// overview's distinct-visitor counts stay as they were.
import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { distinctVisitors } from '../../worker/src/reports/site-rollups';
import { shardIndex, shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { createHash } from 'node:crypto';
import { create, decide, promotion, slotEvent, vid } from './campaigns-helpers';
import { BASE, TEST_SITE, makeEvent, post } from './helpers';

const DAY = 86_400_000;
const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every table of the shard (Cloudflare's own aside) and each of its text columns. */
function textColumns(sql: SqlStorage): [string, string][] {
  const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").toArray();
  return tables.flatMap(({ name }) =>
    sql.exec<{ name: string; type: string }>('SELECT name, type FROM pragma_table_info(?)', name).toArray()
      .filter((c) => c.type === '' || c.type.toUpperCase().includes('TEXT'))
      .map((c): [string, string] => [name, c.name]));
}

/** The tables and columns with a value that holds `id`, and how many rows each. */
function rowsNaming(sql: SqlStorage, id: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [table, column] of textColumns(sql)) {
    const n = sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${table}" WHERE instr("${column}", ?) > 0`, id).one().n;
    if (n) found[`${table}.${column}`] = n;
  }
  return found;
}

describe('erasing a visitor', () => {
  it('leaves no table of the shard holding their id, and the distinct-visitor counts as they were', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const label = 'visitor-erasure-tables';
    const me = vid(label);
    const token = createHash('sha256').update(label).digest('hex').slice(0, 32); // as vid makes it
    const stub = shardOf(env, site, me);
    await create(promotion(['erasure-slot'], { holdout: 0 }));
    const d = (await decide(`visitor=${me}&page=home&slots=erasure-slot`)).body.decisions[0];
    const session = `session-${me}`.slice(0, 64);
    const now = Date.now();
    const events = [
      makeEvent({ visitor_id: me, session_id: `old-${session}`.slice(0, 64), ts: now - 3 * DAY }),
      makeEvent({ visitor_id: me, session_id: session, ts: now - 60_000 }),
      slotEvent('view_promotion', me, d, { ts: now - 50_000 }),
      makeEvent({ visitor_id: me, session_id: session, ts: now - 40_000, name: 'purchase', props: { transaction_id: 'erasure-order', value: 30 } }),
    ];
    // the browser's token, and a report of events it could not send
    const sent = await post({ events, token, dropped: 2 });
    expect(sent.status).toBe(202);
    await runDurableObjectAlarm(stub);
    await stub.archive(shardIndex(site, me), 0);
    const range = [day(now - 5 * DAY), day(now)] as const;
    const counts = await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      // an event scoring could not apply
      sql.exec('INSERT INTO quarantine (event_id, visitor_id, error, at) VALUES (?, ?, ?, ?)', 'erasure-broken', me, 'Error: broken', now);
      // observations not yet delivered to the recommender, of the visitor's session and of another's
      const observation = (sessionId: string) => ({ sessionId, time: now, items: ['e1', 'e2'], itemsFrom: 0, bought: [], boughtFrom: 0, trendViews: [], trendBought: [] });
      sql.exec('INSERT INTO brain_outbox (body) VALUES (?)', JSON.stringify([observation(session), observation('session-of-someone-else')]));
      return { distinct: distinctVisitors(sql, ...range), named: rowsNaming(sql, me) };
    });
    for (const table of ['visitor_tokens', 'dropped_reports', 'quarantine', 'visitor_days', 'visitor_hours', 'campaign_assignments', 'campaign_outcomes', 'attribution_credits', 'archived_visitor_days']) {
      expect(counts.named[`${table}.visitor_id`], table).toBeGreaterThan(0);
    }

    const exported = await (await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}/export?site=${TEST_SITE.key}`, { headers: ADMIN })).json<any>();
    for (const table of ['visitor_tokens', 'dropped_reports', 'quarantine', 'visitor_hours']) expect(exported.data[table]?.length, table).toBeGreaterThan(0);

    const erased = await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}?site=${TEST_SITE.key}`, { method: 'DELETE', headers: ADMIN });
    expect(erased.status).toBe(200);
    const after = await runInDurableObject(stub, (_s: VisitorShard, state) => ({ distinct: distinctVisitors(state.storage.sql, ...range), named: rowsNaming(state.storage.sql, me) }));
    expect(after.named).toEqual({});
    // the other session's observation is still queued for the recommender
    const queued = await runInDurableObject(stub, (_s: VisitorShard, state) => state.storage.sql.exec<{ body: string }>('SELECT body FROM brain_outbox').toArray());
    expect(queued.flatMap((r) => JSON.parse(r.body).map((o: any) => o.sessionId))).toEqual(['session-of-someone-else']);
    expect(after.distinct).toBe(counts.distinct);
  });
});
