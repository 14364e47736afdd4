// Batches that reach a shard while others wait are stored in one turn, sharing one commit
// (VisitorShard.ingest): each caller still gets its own answer, and a failure stays its own.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import { MAX_BATCHES_PER_TURN, ROWS_PER_INSERT, type EventRow, type VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE, makeEvent, post, storedEvents } from './helpers';

const shard = async (visitor: string) => shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, visitor);

/** A stored row as prepareBatch makes it. */
function row(visitor: string, eventId: string, name: string | null = 'page_view'): EventRow {
  const t = Date.now() - 60_000;
  return {
    event_id: eventId, visitor_id: visitor, session_id: `${visitor}-s`, page_id: null, seq: 1, name: name as string,
    client_ts: t, ts: t, received_at: t, url: 'https://shop.example/', referrer: null, title: null, utm: null, props: '{}', device: 'desktop', bot: 0,
  };
}

const storedIds = (sql: SqlStorage, visitor: string) =>
  sql.exec<{ event_id: string }>('SELECT event_id FROM events WHERE visitor_id = ? ORDER BY n', visitor).toArray().map((r) => r.event_id);

describe('storing the batches that wait in one turn', () => {
  it('stores batches that arrive together after the call that brought them, each answered on its own', async () => {
    const v = 'turn-together';
    await runInDurableObject(await shard(v), async (s: VisitorShard, state) => {
      const answers = [s.ingest(TEST_SITE.key, [row(v, 'turn-a'), row(v, 'turn-b')]), s.ingest(TEST_SITE.key, [row(v, 'turn-c')]), s.ingest(TEST_SITE.key, [row(v, 'turn-a')])];
      expect(storedIds(state.storage.sql, v)).toEqual([]); // they wait for their turn
      expect(await Promise.all(answers)).toEqual([{ accepted: 2 }, { accepted: 1 }, { accepted: 0 }]); // the repeat is a duplicate
      expect(storedIds(state.storage.sql, v)).toEqual(['turn-a', 'turn-b', 'turn-c']);
    });
  });

  it('stores each batch whole or not at all: one that cannot be stored fails alone, and leaves nothing', async () => {
    const v = 'turn-one-fails';
    await runInDurableObject(await shard(v), async (s: VisitorShard, state) => {
      const answers = await Promise.allSettled([
        s.ingest(TEST_SITE.key, [row(v, 'turn-ok-1')]),
        // a statement's worth of good rows, then one the table refuses (no name) in the next statement
        s.ingest(TEST_SITE.key, [...Array.from({ length: ROWS_PER_INSERT }, (_, i) => row(v, `turn-bad-${i}`)), row(v, 'turn-bad-last', null)]),
        s.ingest(TEST_SITE.key, [row(v, 'turn-ok-2')]),
      ]);
      expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(storedIds(state.storage.sql, v)).toEqual(['turn-ok-1', 'turn-ok-2']);
    });
  });

  it(`stores at most ${MAX_BATCHES_PER_TURN} waiting batches a turn, and the rest in the turns after`, async () => {
    const v = 'turn-many';
    const n = MAX_BATCHES_PER_TURN * 2 + 3;
    await runInDurableObject(await shard(v), async (s: VisitorShard, state) => {
      const answers = Promise.all(Array.from({ length: n }, (_, i) => s.ingest(TEST_SITE.key, [row(v, `turn-many-${i}`)])));
      await new Promise((r) => setTimeout(r, 0)); // set after the first turn's timer: fires after it
      expect(storedIds(state.storage.sql, v)).toHaveLength(MAX_BATCHES_PER_TURN);
      expect((await answers).every((a) => a.accepted === 1)).toBe(true);
      expect(storedIds(state.storage.sql, v)).toEqual(Array.from({ length: n }, (_, i) => `turn-many-${i}`));
    });
  });

  it('stores what waits before a read, the status or an erasure, which follow every batch that reached the shard before them', async () => {
    const v = 'turn-read';
    await runInDurableObject(await shard(v), async (s: VisitorShard, state) => {
      const first = s.ingest(TEST_SITE.key, [row(v, 'turn-read-1')]);
      expect(s.events(v).map((e) => e.event_id)).toEqual(['turn-read-1']);
      const second = s.ingest(TEST_SITE.key, [row(v, 'turn-read-2')]);
      expect(s.status().pending).toBe(2);
      const third = s.ingest(TEST_SITE.key, [row(v, 'turn-read-3')]);
      const summary = s.visitor(v); // stores what waits before its first await
      expect(storedIds(state.storage.sql, v)).toEqual(['turn-read-1', 'turn-read-2', 'turn-read-3']);
      expect(((await summary) as Record<string, unknown> | null)?.events).toBe(3);
      const fourth = s.ingest(TEST_SITE.key, [row(v, 'turn-read-4')]);
      s.eraseVisitor(v);
      expect(await Promise.all([first, second, third, fourth])).toEqual([{ accepted: 1 }, { accepted: 1 }, { accepted: 1 }, { accepted: 1 }]);
      expect(storedIds(state.storage.sql, v)).toEqual([]); // the fourth was erased with the rest
    });
  });

  // end to end: concurrent requests through the route, which share turns in their shards
  it('stores concurrent batches of many visitors once each through the collect route, and their resends as duplicates', async () => {
    const batches = Array.from({ length: 40 }, (_, i) => ({ events: [makeEvent({ visitor_id: `turn-route-${i}` }), makeEvent({ visitor_id: `turn-route-${i}` })] }));
    const first = await Promise.all(batches.map(async (b) => (await post(b)).json<any>()));
    expect(first.map((r) => [r.accepted, r.duplicates])).toEqual(batches.map(() => [2, 0]));
    const again = await Promise.all(batches.map(async (b) => (await post(b)).json<any>()));
    expect(again.map((r) => [r.accepted, r.duplicates])).toEqual(batches.map(() => [0, 2]));
    for (let i = 0; i < 40; i += 13) expect((await storedEvents(`turn-route-${i}`)).body.events.map((e: any) => e.event_id)).toEqual(batches[i]!.events.map((e) => e.event_id));
  });
});
