// Retraining through the queue: the cron only enqueues one message per site and step, the
// consumer runs one step per message and retries a failed one a bounded number of times, the
// shards hand over bounded, stratified samples, and the models stay small whatever the shop.
import { exports } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { predictIntent } from '../../worker/src/ml/calibrated-intent';
import { predict } from '../../worker/src/ml/intent-model';
import { clearModelCache } from '../../worker/src/models';
import { INTENT_FEATURES } from '../../worker/src/scoring/intent-features';
import { ITEM_RATE_FEATURES, itemKey, itemRateFeatures } from '../../worker/src/scoring/item-rates';
import { PRIOR_INTENT_MODEL } from '../../worker/src/scoring/prior-model';
import { seededRandom } from '../../worker/src/ml/random';
import { clipRow } from '../../worker/src/ml/robust';
import { trainSegments } from '../../worker/src/scoring/segments';
import { shardByIndex, shardIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import { trainIntent } from '../../worker/src/training';
import { memoryRunStore, mostMembers, trainIntentRun } from '../../worker/src/training/intent';
import { STEP_ATTEMPTS } from '../../worker/src/training/queue';
import { SAMPLE_CAPS, type ShardSample } from '../../worker/src/training/sample';
import { BASE, TEST_SITE, makeEvent, post } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const SESSIONS = 150;
const BUYERS = 30; // every fifth session buys

beforeAll(async () => {
  const events: any[] = [];
  const old = Date.now() - 3 * 3_600_000;
  for (let i = 0; i < SESSIONS; i++) {
    const v = `visitor-q-${String(i).padStart(3, '0')}`;
    const s = `session-q-${i}`;
    const buys = i % 5 === 0;
    for (let k = 0; k < (buys ? 4 : 1 + (i % 3)); k++) events.push(makeEvent({ visitor_id: v, session_id: s, ts: old + i * 100 + k, name: 'view_item', props: { item_id: `sku-${(i + k) % 9}`, item_category: 'Shoes' } }));
    if (buys) events.push(makeEvent({ visitor_id: v, session_id: s, ts: old + i * 100 + 50, name: 'purchase', props: { transaction_id: `t-${i}`, value: 10 + (i % 5), items: [{ item_id: `sku-${i % 9}` }] } }));
  }
  for (let i = 0; i < events.length; i += 50) expect((await post({ events: events.slice(i, i + 50) })).status).toBe(202);
});

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(), attempts, body });
async function consume(...messages: ReturnType<typeof message>[]) {
  const batch = createMessageBatch('linger-training', messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}
const status = async () => (await (await exports.default.fetch(`${BASE}/v1/admin/models?site=${TEST_SITE.key}`, { headers: ADMIN })).json<any>());

describe('the cron', () => {
  it('only enqueues: one archive message per site, and one message per site and step', async () => {
    const sent: MessageSendRequest[] = [];
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '0 */6 * * *' }), { ...env, TRAINING: { sendBatch: async (m: MessageSendRequest[]) => void sent.push(...m) } } as unknown as typeof env, ctx);
    await waitOnExecutionContext(ctx);
    const bodies = sent.map((m) => JSON.stringify(m.body)).sort();
    const expected = ['other-shop', TEST_SITE.key].flatMap((site) => [JSON.stringify({ site, archive: true }), ...['intent', 'segments', 'recs'].map((step) => JSON.stringify({ site, step }))]).sort();
    expect(bodies).toEqual(expected);
    // nothing was trained by the cron itself
    expect((await status()).training).toEqual({});
  });
});

describe('the queue consumer', () => {
  it('archives a site\'s finished days, every shard\'s, for an archive message', async () => {
    // another shop, so that this shop's sessions stay as the other tests count them
    const days = () => env.ARCHIVE.list({ prefix: 'events/other-shop/' }).then((l) => l.objects.length);
    const old = makeEvent({ visitor_id: 'visitor-q-archive', ts: Date.now() - 2 * 86_400_000 }); // a finished day
    const imported = await exports.default.fetch(`${BASE}/v1/admin/import?site=other-shop`, { method: 'POST', headers: { authorization: 'Bearer other-admin-key', 'content-type': 'application/json' }, body: JSON.stringify({ events: [old] }) });
    expect(imported.status).toBe(202);
    const before = await days();
    const result = await consume(message('a-1', { site: 'other-shop', archive: true }), message('a-2', { site: 'no-such-shop', archive: true }));
    expect(result.explicitAcks.sort()).toEqual(['a-1', 'a-2']);
    expect(await days()).toBeGreaterThan(before);
  });

  it('runs one step for one site per message', async () => {
    const result = await consume(message('i-1', { site: TEST_SITE.key, step: 'intent' }));
    expect(result.explicitAcks).toEqual(['i-1']);
    const s = await status();
    expect(s.models.intent.version).toBe(1);
    expect(Object.keys(s.training)).toEqual(['intent']);
    expect(s.training.intent.last_result).toMatchObject({ version: 1, kind: 'calibrated', sessions: SESSIONS, purchases: BUYERS });
  });

  it('the shard scores new sessions with the stored calibrated model', async () => {
    const row = await env.DB.prepare("SELECT body FROM models WHERE site_key = ? AND kind = 'intent' ORDER BY version DESC LIMIT 1").bind(TEST_SITE.key).first<{ body: string }>();
    const stored = JSON.parse(row!.body);
    expect(stored.model.kind).toBe('calibrated');
    clearModelCache();
    const v = 'visitor-q-001'; // a known visitor's new, open session: the shop's counts stay as they were
    const ts = Date.now() - 60_000;
    const events = [0, 1, 2].map((k) => makeEvent({ visitor_id: v, session_id: 'session-q-scored', ts: ts + k, name: 'view_item', props: { item_id: `sku-${k}`, item_category: 'Shoes' } }));
    expect((await post({ events })).status).toBe(202);
    const profile = await (await exports.default.fetch(`${BASE}/v1/visitors/${v}/profile?site=${TEST_SITE.key}`, { headers: ADMIN })).json<any>();
    expect(profile.intent_model).toEqual({ version: 1, kind: 'calibrated' });
    // the model ships its item table, and the shard scores the session's items' buy rates from it
    expect(stored.features).toEqual([...INTENT_FEATURES, ...ITEM_RATE_FEATURES]);
    expect(stored.items.keys.length).toBeGreaterThan(0);
    const x = stored.features.map((name: string) => profile.session.features[name]);
    expect(x.slice(-3)).toEqual(itemRateFeatures(['sku-0', 'sku-1', 'sku-2'].map(itemKey), stored.items));
    expect(profile.session.intent).toBeCloseTo(predictIntent(stored.model, clipRow(stored.clip, x)), 10);
    expect(profile.session.intent).not.toBeCloseTo(predict(PRIOR_INTENT_MODEL, x.slice(0, INTENT_FEATURES.length)), 3);
  });

  it('retries a failed step a bounded number of times, showing each error; the last good model keeps serving', async () => {
    expect((await consume(message('g-1', { site: TEST_SITE.key, step: 'segments' }))).explicitAcks).toEqual(['g-1']);
    await env.DB.prepare('ALTER TABLE models RENAME TO models_away').run();
    let first, last;
    try {
      first = await consume(message('g-2', { site: TEST_SITE.key, step: 'segments' }, 1));
      last = await consume(message('g-3', { site: TEST_SITE.key, step: 'segments' }, STEP_ATTEMPTS));
    } finally {
      await env.DB.prepare('ALTER TABLE models_away RENAME TO models').run();
    }
    expect(first.retryMessages).toEqual([{ msgId: 'g-2' }]);
    expect(first.explicitAcks).toEqual([]);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toEqual(['g-3']);
    const s = await status();
    expect(s.models.segments.version).toBe(1);
    expect(s.training.segments.last_error).toMatch(/no such table: models/);
    expect(s.training.segments.last_error_at).toBeGreaterThanOrEqual(s.training.segments.last_ok);
    expect(s.training.intent.last_error).toBeNull();
  });

  it('acknowledges malformed messages and unknown shops without running anything', async () => {
    const before = await status();
    const result = await consume(message('m-1', { site: TEST_SITE.key, step: '__proto__' }), message('m-2', 'intent'), message('m-3', { site: 'no-such-shop', step: 'intent' }));
    expect(result.explicitAcks.sort()).toEqual(['m-1', 'm-2', 'm-3']);
    expect(result.retryMessages).toEqual([]);
    expect((await status()).training).toEqual(before.training);
  });
});

describe('bounded, stratified samples', () => {
  it('each shard returns at most its cap per class, and counts what it holds', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const all: ShardSample[] = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(Date.now(), SAMPLE_CAPS)));
    const total = (parts: ShardSample[], k: 'purchases' | 'others' | 'visitors' | 'buyers') => parts.reduce((n, p) => n + p.population[k], 0);
    // under the caps: everything, counted
    expect([total(all, 'purchases'), total(all, 'others'), total(all, 'visitors'), total(all, 'buyers')]).toEqual([BUYERS, SESSIONS - BUYERS, SESSIONS, BUYERS]);
    const caps = { purchases: 2, others: 3, visitors: 4, buyers: 1 };
    const parts: ShardSample[] = await Promise.all(Array.from({ length: site.shards }, (_, i) => shardByIndex(env, site, i).trainingData(Date.now(), caps)));
    parts.forEach((p, shard) => {
      // Session i ends at old + 100 i (+ a few ms). The period is the longest any class's newest
      // `cap` sessions cover (a class under its cap covers all time); counted in that period.
      const mine = [...Array(SESSIONS).keys()].filter((i) => shardIndex(site, `visitor-q-${String(i).padStart(3, '0')}`) === shard).reverse();
      const byClass = [1, 0].map((c) => mine.filter((i) => (i % 5 === 0 ? 1 : 0) === c));
      const capOf = [caps.purchases, caps.others];
      const since = Math.min(...byClass.map((rows, k) => (rows.length >= capOf[k] ? rows[capOf[k] - 1] : -1)));
      const inWindow = byClass.map((rows) => rows.filter((i) => i >= since).length);
      expect([p.population.purchases, p.population.others]).toEqual(inWindow);
      expect(p.sessions.filter((s) => s.y === 1).length).toBe(Math.min(2, inWindow[0]));
      expect(p.sessions.filter((s) => s.y === 0).length).toBe(Math.min(3, inWindow[1]));
      expect(p.visitors.length).toBe(Math.min(4, p.population.visitors));
      expect(p.buyers.length).toBe(Math.min(1, p.population.buyers));
      expect(p.buyers.every((b) => b.purchases > 0)).toBe(true);
    });
    // purchases are rarer: their two newest reach further back than the three newest others, so the
    // others are drawn from that longer period, and fewer sessions than the shop's all are counted
    expect(total(parts, 'others')).toBeLessThan(SESSIONS - BUYERS);
    expect(total(parts, 'others')).toBeGreaterThan(total(parts, 'purchases') * 2);
    expect([total(parts, 'visitors'), total(parts, 'buyers')]).toEqual([SESSIONS, BUYERS]);
    // a step asks only for its part
    const intentOnly = await shardByIndex(env, site, 0).trainingData(Date.now(), { ...caps, visitors: 0, buyers: 0 });
    expect(intentOnly.visitors).toEqual([]);
    expect(intentOnly.sessions.length).toBeGreaterThan(0);
  });
});

/** Sessions whose purchase odds follow a known logistic model in two features. */
function population(n: number, seed: number) {
  const r = seededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 19 }, () => Math.round(r() * 3));
    row[1] = Math.round(r() * 8);
    row[8] = r() < 0.3 ? 1 : 0;
    x.push(row);
    y.push(r() < 1 / (1 + Math.exp(-(-4.2 + 0.35 * row[1] + 1.5 * row[8]))) ? 1 : 0);
  }
  return { x, y };
}

describe('training on a stratified sample', () => {
  it('predicts the shop\'s purchase rate, not the sample\'s', () => {
    const all = population(4_000, 21);
    const rate = all.y.reduce((a, b) => a + b, 0) / all.y.length;
    // every purchaser, and one in five of the others
    const keep = all.y.map((v, i) => i).filter((i) => all.y[i] === 1 || i % 5 === 0);
    const sample = { x: keep.map((i) => all.x[i]), y: keep.map((i) => all.y[i]) };
    const purchases = sample.y.filter((v) => v).length;
    const shifted = trainIntent(sample, { purchases, others: all.y.length - purchases });
    const naive = trainIntent(sample);
    if ('skipped' in shifted || 'skipped' in naive) throw new Error('expected models');
    const meanP = (m: typeof shifted) => all.x.reduce((s, row) => s + predictIntent(m.model, clipRow(m.clip, row)), 0) / all.x.length;
    expect(rate).toBeGreaterThan(0.05);
    expect(rate).toBeLessThan(0.2);
    expect(Math.abs(meanP(shifted) - rate)).toBeLessThan(0.02);
    expect(meanP(naive) - rate).toBeGreaterThan(0.08); // the sample's rate is far higher
    expect(shifted.priorShift).toBeCloseTo(Math.log(1 / 5), 1);
  }, 120_000);

  it('keeps model bodies under 1 MB of JSON at the largest sample', async () => {
    const { x, y } = population(SAMPLE_CAPS.purchases + SAMPLE_CAPS.others, 5);
    const trained = await trainIntentRun(memoryRunStore(), 'largest', { x, y });
    if ('skipped' in trained) throw new Error(trained.skipped);
    expect(trained.sessions).toBe(SAMPLE_CAPS.purchases + SAMPLE_CAPS.others);
    expect(trained.members).toBe(mostMembers()); // the largest sample trains the most members
    expect(JSON.stringify({ model: trained.model, clip: trained.clip }).length).toBeLessThan(1_000_000);
    const r = seededRandom(9);
    const visitors = Array.from({ length: SAMPLE_CAPS.visitors }, (_, i) => Array.from({ length: 10 }, (_, j) => (i % 3) * 2 + j * 0.1 + r()));
    const buyers = Array.from({ length: SAMPLE_CAPS.buyers }, () => ({ days: r() * 300, purchases: 1 + Math.floor(r() * 5), revenue: r() * 500 }));
    const segments = trainSegments(visitors, buyers);
    expect(segments).not.toBeNull();
    expect(JSON.stringify(segments).length).toBeLessThan(1_000_000);
  }, 180_000);
});
