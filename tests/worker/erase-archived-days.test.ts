// Erasure rewrites every archived day that holds the visitor's lines, including days whose rows
// are no longer in the shard: purged by retention, or an engagement report taken over by a later
// one (stored on a later day) after its day was archived.
import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { archiveKey } from '../../worker/src/privacy/archive';
import { shardByIndex, shardIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import { BASE, TEST_SITE, importEvents, makeEvent } from './helpers';

const DAY = 86_400_000;
const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

async function archivedLines(visitor: string, day: string) {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const object = await env.ARCHIVE.get(archiveKey(site.key, day, String(shardIndex(site, visitor))));
  return object ? (await object.text()).split('\n').filter((l) => l.includes(visitor)).length : 0;
}

async function erase(visitor: string) {
  const res = await exports.default.fetch(`${BASE}/v1/admin/visitors/${visitor}?site=${TEST_SITE.key}`, { method: 'DELETE', headers: ADMIN });
  expect(res.status).toBe(200);
}

describe('erasure and archived days no longer in the shard', () => {
  it('rewrites a day purged by retention', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const v = 'visitor-erase-purged';
    const shard = shardIndex(site, v);
    const old = Date.now() - 40 * DAY;
    await importEvents([makeEvent({ visitor_id: v, ts: old }), makeEvent({ visitor_id: v, ts: Date.now() - 2 * DAY })]);
    expect((await shardByIndex(env, site, shard).archive(shard, 30)).purged).toBeGreaterThanOrEqual(1);
    expect(await archivedLines(v, dayOf(old))).toBe(1);
    await erase(v);
    expect(await archivedLines(v, dayOf(old))).toBe(0);
  });

  it('rewrites the day of an engagement report that a later report took over', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const v = 'visitor-erase-taken-over';
    const shard = shardIndex(site, v);
    const base = { visitor_id: v, session_id: 'sess-eto', page_id: 'page-eto' };
    const t = Date.parse(dayOf(Date.now() - 3 * DAY)) + DAY - 60_000; // a page view just before midnight
    const report = makeEvent({ ...base, name: 'user_engagement', ts: t + 120_000, props: { engaged_ms: 60_000 } }); // the next day
    await importEvents([makeEvent({ ...base, ts: t }), report]);
    await shardByIndex(env, site, shard).archive(shard, 0);
    expect(await archivedLines(v, dayOf(report.ts as number))).toBe(1);
    // the page stays open: its later report, a day on, takes the archived row over
    await importEvents([makeEvent({ ...base, name: 'user_engagement', ts: t + DAY + 60_000, props: { engaged_ms: 80_000 } })]);
    await erase(v);
    expect(await archivedLines(v, dayOf(t))).toBe(0);
    expect(await archivedLines(v, dayOf(report.ts as number))).toBe(0);
  });

  it('keeps the archived days and the sessions until the erasure is complete, so one that failed half-way can be sent again', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const v = 'visitor-erase-retried';
    const shard = shardIndex(site, v);
    const stub = shardByIndex(env, site, shard);
    const old = Date.now() - 5 * DAY;
    await importEvents([makeEvent({ visitor_id: v, ts: old })]);
    await stub.archive(shard, 0);
    // the shard's part of an erasure whose rewrite of the archives then failed, and the same erasure again
    const first = await stub.eraseVisitor(v);
    expect(first.days).toContain(dayOf(old));
    expect(first.sessions).toHaveLength(1);
    const again = await stub.eraseVisitor(v); // the recommender must still forget the session
    expect(again.days).toContain(dayOf(old));
    expect(again.sessions).toEqual(first.sessions);
    expect(await archivedLines(v, dayOf(old))).toBe(1);
    await erase(v); // this time R2 and the recommender answer: the day is rewritten, and the lists go
    expect(await archivedLines(v, dayOf(old))).toBe(0);
    expect(await stub.eraseVisitor(v)).toMatchObject({ days: [], sessions: [] });
  });
});
