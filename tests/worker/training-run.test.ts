// A larger shop's intent model trains as a run of parts through the queue (training/intent.ts):
// each part's message runs one part and sends the next, the run is kept in R2 in between, a part
// that fails is retried while the last good model keeps serving, and a replaced run's messages
// do nothing. The members' share is made small here so that a few thousand sessions make a run.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/src/index';
import { seededRandom } from '../../worker/src/ml/random';
import { findSite, type Site } from '../../worker/src/sites';
import { intentRunStore } from '../../worker/src/training';
import { BAG, beginIntentRun, mostMembers, SAMPLE_KEY } from '../../worker/src/training/intent';
import { STEP_ATTEMPTS } from '../../worker/src/training/queue';
import { TEST_SITE } from './helpers';

const othersPerMember = BAG.othersPerMember;
let site: Site;
const sent: unknown[] = [];
const queueEnv = { ...env, TRAINING: { send: async (body: unknown) => void sent.push(body), sendBatch: async () => {} } } as unknown as typeof env;

function sessions(n: number) {
  const r = seededRandom(3);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 19 }, () => Math.round(r() * 3));
    row[1] = Math.floor(r() * 9);
    x.push(row);
    y.push(r() < 1 / (1 + Math.exp(-(-3 + 0.4 * row[1]))) ? 1 : 0);
  }
  return { x, y };
}

const message = (id: string, body: unknown, attempts = 1) => ({ id, timestamp: new Date(), attempts, body });
async function consume(...messages: ReturnType<typeof message>[]) {
  sent.length = 0;
  const batch = createMessageBatch('linger-training', messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, queueEnv, ctx);
  return getQueueResult(batch, ctx);
}
const latest = () => env.DB.prepare("SELECT version, body, metrics FROM models WHERE site_key = ? AND kind = 'intent' ORDER BY version DESC LIMIT 1").bind(TEST_SITE.key).first<{ version: number; body: string; metrics: string }>();
const stepStatus = () => env.DB.prepare("SELECT last_error, last_result FROM training_steps WHERE site_key = ? AND step = 'intent'").bind(TEST_SITE.key).first<{ last_error: string | null; last_result: string | null }>();

beforeAll(async () => {
  BAG.othersPerMember = 300;
  site = (await findSite(env.DB, TEST_SITE.key))!;
});
afterAll(() => {
  BAG.othersPerMember = othersPerMember;
});

describe('an intent run through the queue', () => {
  it('runs one part per message, each sending the next; a failed last part is retried and the last good model serves until it saves', async () => {
    const store = intentRunStore(env, site);
    const { x, y } = sessions(2_500);
    expect(await beginIntentRun(store, 'run-a', { x, y })).toEqual({ next: 1, parts: mostMembers() + 2 });
    const before = (await latest())?.version ?? 0;
    for (let part = 1; part <= mostMembers(); part++) {
      const result = await consume(message(`p-${part}`, { site: TEST_SITE.key, step: 'intent', run: 'run-a', part }));
      expect(result.explicitAcks).toEqual([`p-${part}`]);
      expect(sent).toEqual([{ site: TEST_SITE.key, step: 'intent', run: 'run-a', part: part + 1 }]);
      expect(await store.get(`member-${part - 1}`)).not.toBeNull();
    }
    expect((await latest())?.version ?? 0).toBe(before); // nothing served changes before the last part

    // the last part fails to save: retried, nothing new serves, the run is kept for the retry
    const last = mostMembers() + 1;
    await env.DB.prepare('ALTER TABLE models RENAME TO models_away').run();
    let failed;
    try {
      failed = await consume(message('p-last', { site: TEST_SITE.key, step: 'intent', run: 'run-a', part: last }));
    } finally {
      await env.DB.prepare('ALTER TABLE models_away RENAME TO models').run();
    }
    expect(failed.retryMessages).toEqual([{ msgId: 'p-last' }]);
    expect(sent).toEqual([]);
    expect((await latest())?.version ?? 0).toBe(before);
    expect((await stepStatus())?.last_error).toMatch(/no such table: models/);
    expect(await store.get(SAMPLE_KEY)).not.toBeNull();

    const retried = await consume(message('p-last', { site: TEST_SITE.key, step: 'intent', run: 'run-a', part: last }, 2));
    expect(retried.explicitAcks).toEqual(['p-last']);
    expect(sent).toEqual([]);
    const saved = (await latest())!;
    expect(saved.version).toBe(before + 1);
    const body = JSON.parse(saved.body);
    expect(body.model.kind).toBe('calibrated');
    expect(body.model.members).toHaveLength(mostMembers());
    expect(JSON.parse(saved.metrics)).toMatchObject({ members: mostMembers(), sessions: x.length });
    expect(JSON.parse((await stepStatus())!.last_result!)).toMatchObject({ version: before + 1, kind: 'calibrated' });
    // the run's parts are gone from R2
    expect(await store.get(SAMPLE_KEY)).toBeNull();
    expect(await store.get('member-0')).toBeNull();
  }, 120_000);

  it('does nothing for a replaced run\'s messages, and drops malformed parts without running them', async () => {
    const store = intentRunStore(env, site);
    const { x, y } = sessions(2_500);
    await beginIntentRun(store, 'run-old', { x, y });
    await beginIntentRun(store, 'run-new', { x, y });
    const version = (await latest())?.version ?? 0;
    const stale = await consume(message('s-1', { site: TEST_SITE.key, step: 'intent', run: 'run-old', part: 1 }));
    expect(stale.explicitAcks).toEqual(['s-1']);
    expect(stale.retryMessages).toEqual([]);
    expect(sent).toEqual([]);
    expect(await store.get('member-0')).toBeNull();
    expect(JSON.parse((await stepStatus())!.last_result!)).toEqual({ skipped: 'run run-old was replaced by run run-new' });
    const bad = await consume(
      message('b-1', { site: TEST_SITE.key, step: 'intent', run: 'run-new', part: mostMembers() + 2 }),
      message('b-2', { site: TEST_SITE.key, step: 'segments', run: 'run-new', part: 1 }),
      message('b-3', { site: TEST_SITE.key, step: 'intent', run: '../../x', part: 1 }),
      message('b-4', { site: TEST_SITE.key, step: 'intent', run: 'run-new', part: 1.5 }),
    );
    expect(bad.explicitAcks.sort()).toEqual(['b-1', 'b-2', 'b-3', 'b-4']);
    expect(sent).toEqual([]);
    expect(await store.get('member-0')).toBeNull();
    expect((await latest())?.version ?? 0).toBe(version);
  }, 60_000);

  it('a part that keeps failing is dropped after STEP_ATTEMPTS; the run can be restarted by the next cron', async () => {
    const store = intentRunStore(env, site);
    await store.delete([SAMPLE_KEY]);
    await beginIntentRun(store, 'run-c', sessions(2_500));
    // a stored sample that reads but cannot train: every row's role "unused", so member 0 has no rows
    const stored = (await store.get(SAMPLE_KEY))!;
    stored.fill(254, stored.length - 2_500);
    await store.put(SAMPLE_KEY, stored);
    const version = (await latest())?.version ?? 0;
    const first = await consume(message('c-1', { site: TEST_SITE.key, step: 'intent', run: 'run-c', part: 1 }));
    expect(first.retryMessages).toEqual([{ msgId: 'c-1' }]);
    const last = await consume(message('c-1', { site: TEST_SITE.key, step: 'intent', run: 'run-c', part: 1 }, STEP_ATTEMPTS));
    expect(last.explicitAcks).toEqual(['c-1']);
    expect(sent).toEqual([]);
    expect((await stepStatus())?.last_error).toBeTruthy();
    expect((await latest())?.version ?? 0).toBe(version);
  });

  it('skips a run whose stored sample cannot be read (cut short, or corrupt) instead of retrying it', async () => {
    const store = intentRunStore(env, site);
    await beginIntentRun(store, 'run-d', sessions(2_500));
    await store.put(SAMPLE_KEY, new Uint8Array([1, 2, 3]));
    const version = (await latest())?.version ?? 0;
    const result = await consume(message('d-1', { site: TEST_SITE.key, step: 'intent', run: 'run-d', part: 1 }));
    expect(result.explicitAcks).toEqual(['d-1']);
    expect(result.retryMessages).toEqual([]);
    expect(sent).toEqual([]);
    expect(JSON.parse((await stepStatus())!.last_result!)).toEqual({ skipped: expect.stringMatching(/^run run-d: its stored sample cannot be read/) });
    expect((await latest())?.version ?? 0).toBe(version);
  });
});
