// Erasure rewrites every archived day that holds the visitor's lines, including days whose rows
// are no longer in the shard: purged by retention, or an engagement report taken over by a later
// one (stored on a later day) after its day was archived.
import { exports } from 'cloudflare:workers';
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { archiveKey } from '../../worker/src/privacy/archive';
import { shardByIndex, shardIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { Env } from '../../worker/src/env';
import type { VisitorShard } from '../../worker/src/visitor-shard';
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

/**
 * Holds the shard's R2 uploads at a gate (made in the shard's own context, as its I/O must be):
 * `inFlight` resolves once an upload waits there, `open` lets it go, `restore` gives the shard its
 * own bucket back.
 */
async function gateUploads(stub: DurableObjectStub<VisitorShard>) {
  type Gated = { env: Env; gate?: { open: () => void; inFlight: boolean } };
  const gated = (shardObject: VisitorShard) => shardObject as unknown as Gated;
  const own = await runInDurableObject(stub, (shardObject: VisitorShard) => {
    const original = gated(shardObject).env;
    const bucket = original.ARCHIVE;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const gate: NonNullable<Gated['gate']> = { open, inFlight: false };
    gated(shardObject).gate = gate;
    const put = async (...args: Parameters<R2Bucket['put']>) => ((gate.inFlight = true), await opened, bucket.put(...args));
    gated(shardObject).env = { ...original, ARCHIVE: { get: bucket.get.bind(bucket), delete: bucket.delete.bind(bucket), put } as unknown as R2Bucket };
    return original;
  });
  return {
    inFlight: async () => {
      while (!(await runInDurableObject(stub, (shardObject: VisitorShard) => gated(shardObject).gate!.inFlight))) await pause(5);
    },
    open: () => runInDurableObject(stub, (shardObject: VisitorShard) => gated(shardObject).gate!.open()),
    restore: () => runInDurableObject(stub, (shardObject: VisitorShard) => void (gated(shardObject).env = own)),
  };
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A visitor with one event three days ago, and the shard's archive uploading that day's file (built
 * with the visitor's line) while `during` runs; the day, once the archive is done.
 */
async function whileUploading(v: string, during: (on: { stub: DurableObjectStub<VisitorShard>; day: string; open: () => Promise<void> }) => Promise<void>) {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const shard = shardIndex(site, v);
  const t = Date.now() - 3 * DAY;
  await importEvents([makeEvent({ visitor_id: v, ts: t })]);
  const stub = shardByIndex(env, site, shard);
  const gate = await gateUploads(stub);
  try {
    const archiving = stub.archive(shard, 0);
    await gate.inFlight();
    await during({ stub, day: dayOf(t), open: gate.open });
    await gate.open();
    await archiving;
  } finally {
    await gate.open();
    await gate.restore();
  }
  return dayOf(t);
}

describe('erasure while the daily archive runs', () => {
  it('leaves none of the visitor\'s lines in a day file whose upload was under way when the erasure came', async () => {
    const v = 'visitor-erase-racing-archive';
    const day = await whileUploading(v, async ({ open }) => {
      const erasing = erase(v);
      // time for an erasure that did not wait for the upload to finish first
      await pause(100);
      await open();
      await erasing;
    });
    expect(await archivedLines(v, day)).toBe(0);
  });

  it('keeps that day for a retry when the erasure fails half-way, so the same DELETE sent again rewrites it', async () => {
    const v = 'visitor-erase-retry-in-flight';
    // the first attempt: the shard's part, then the recommender or R2 fails (503) before any rewrite
    const day = await whileUploading(v, async ({ stub, day }) => void expect((await stub.eraseVisitor(v)).days).toEqual([day]));
    expect(await archivedLines(v, day)).toBe(1);
    await erase(v);
    expect(await archivedLines(v, day)).toBe(0);
  });
});

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
