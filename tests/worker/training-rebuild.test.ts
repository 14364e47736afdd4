// The recommender's rebuild runs in chunks, each its own transaction: /v1/recs answers between
// chunks from the previous lists, a failed chunk resumes where it stopped, the model version
// moves only at the end, and the alarm drives a queued rebuild to completion on its own.
import { exports } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { saveItems } from '../../worker/src/catalog';
import { buildDelta } from '../../worker/src/recs/brain-delta';
import { rebuildChunk, rebuildJob, REBUILD_CHUNK_ITEMS, startRebuild, type RebuildHost } from '../../worker/src/recs/rebuild';
import type { SiteBrain } from '../../worker/src/site-brain';
import { BASE, TEST_SITE } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const ITEMS = Array.from({ length: REBUILD_CHUNK_ITEMS * 2 + 17 }, (_, i) => `it-${String(i).padStart(4, '0')}`);
const brain = () => env.BRAIN.get(env.BRAIN.idFromName(TEST_SITE.key));

const recs = async (item: string) => {
  const res = await exports.default.fetch(`${BASE}/v1/recs?site=${TEST_SITE.key}&context=product&item=${item}&limit=3`, { headers: { origin: 'https://shop.example' } });
  expect(res.status).toBe(200);
  return res.json<{ items: { item_id: string; reason: string }[]; model_version: string }>();
};
const hostOf = (instance: SiteBrain): RebuildHost => (instance as unknown as { rebuildHost(): RebuildHost }).rebuildHost();

beforeAll(async () => {
  await saveItems(env.DB, TEST_SITE.key, ITEMS.map((id) => ({ id, name: id, category: `c-${id.slice(-1)}`, price: 10, inStock: true })));
  // each session views two neighbouring items: every item gets its neighbours as "viewed together"
  const now = Date.now();
  const observations = ITEMS.slice(1).map((item, i) => ({
    sessionId: `s-${i}`, time: now - 60_000 + i, items: [ITEMS[i], item], itemsFrom: 0, bought: [], boughtFrom: 0, trendViews: [ITEMS[i], item], trendBought: [],
  }));
  await brain().observe(TEST_SITE.key, buildDelta(observations));
});

describe('the chunked rebuild', () => {
  it('answers /v1/recs between chunks from the previous state, and moves the version at the end', async () => {
    const before = await recs(ITEMS[10]);
    expect(before.items[0]).toMatchObject({ reason: 'viewed_together' });
    expect([ITEMS[9], ITEMS[11]]).toContain(before.items[0].item_id);
    const version = before.model_version;

    await runInDurableObject(brain(), (_, state) => void startRebuild(state.storage.sql, TEST_SITE.key, Date.now()));
    let chunks = 0;
    for (;;) {
      const chunk = await runInDurableObject(brain(), (instance: SiteBrain) => rebuildChunk(hostOf(instance)));
      chunks++;
      if (!chunk || 'done' in chunk) {
        expect(chunk && 'done' in chunk && chunk.done.items).toBe(ITEMS.length);
        break;
      }
      // mid-rebuild: the same answer, from the same model version
      const during = await recs(ITEMS[10]);
      expect(during.model_version).toBe(version);
      expect(during.items.map((i) => i.item_id)).toEqual(before.items.map((i) => i.item_id));
    }
    expect(chunks).toBe(1 + Math.ceil(ITEMS.length / REBUILD_CHUNK_ITEMS)); // the sessions phase, then the items
    const after = await recs(ITEMS[10]);
    expect(after.model_version).not.toBe(version);
    expect(after.items.map((i) => i.item_id)).toEqual(before.items.map((i) => i.item_id));
  });

  it('resumes after a failed chunk where it stopped, the failed chunk rolled back', async () => {
    await runInDurableObject(brain(), (_, state) => void startRebuild(state.storage.sql, TEST_SITE.key, Date.now()));
    await runInDurableObject(brain(), (instance: SiteBrain) => rebuildChunk(hostOf(instance))); // the sessions phase
    await runInDurableObject(brain(), (instance: SiteBrain) => rebuildChunk(hostOf(instance))); // the first items
    const failing = await runInDurableObject(brain(), (instance: SiteBrain, state) => {
      const host = hostOf(instance);
      let calls = 0;
      const cursor = rebuildJob(state.storage.sql)!.cursor;
      expect(() => rebuildChunk({ ...host, refreshNeighbours: (kind, item) => (++calls > 5 ? (() => { throw new Error('disk on fire'); })() : host.refreshNeighbours(kind, item)) })).toThrow('disk on fire');
      return { before: cursor, after: rebuildJob(state.storage.sql)!.cursor };
    });
    expect(failing.after).toBe(failing.before);
    expect(failing.before).toBe(ITEMS[REBUILD_CHUNK_ITEMS - 1]);
    let done: unknown = null;
    while (!done) {
      const chunk = await runInDurableObject(brain(), (instance: SiteBrain) => rebuildChunk(hostOf(instance)));
      if (!chunk) throw new Error('the job vanished');
      if ('done' in chunk) done = chunk.done;
    }
    expect(done).toMatchObject({ items: ITEMS.length });
  });

  it('runs to completion from one queue message, driven by the alarm, and tells the admin', async () => {
    const batch = createMessageBatch('linger-training', [{ id: 'recs-1', timestamp: new Date(), attempts: 1, body: { site: TEST_SITE.key, step: 'recs' } }]);
    const ctx = createExecutionContext();
    const since = Date.now();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['recs-1']);
    let status: any;
    for (let i = 0; i < 200; i++) {
      const res = await exports.default.fetch(`${BASE}/v1/admin/models?site=${TEST_SITE.key}`, { headers: ADMIN });
      status = (await res.json<any>()).training.recs;
      if (status?.last_ok >= since) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.last_ok).toBeGreaterThanOrEqual(since);
    expect(status.last_result).toMatchObject({ items: ITEMS.length });
    expect(await runInDurableObject(brain(), (_, state) => rebuildJob(state.storage.sql)?.phase)).toBeNull();
  });

  it('runs to completion when the admin retrains now', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/admin/retrain?site=${TEST_SITE.key}`, { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(200);
    const report = await res.json<any>();
    expect(report.recommender).toMatchObject({ items: ITEMS.length });
  });
});

describe('retraining one step now', () => {
  it('runs only the step asked for, and refuses an unknown one', async () => {
    const retrain = (step: string) => exports.default.fetch(`${BASE}/v1/admin/retrain?site=${TEST_SITE.key}&step=${step}`, { method: 'POST', headers: ADMIN });
    const res = await retrain('recs');
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(body).toMatchObject({ site: TEST_SITE.key, step: 'recs', outcome: { items: ITEMS.length } });
    const bad = await retrain('__proto__');
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error).toMatch(/step must be one of: intent, segments, recs/);
  });
});
