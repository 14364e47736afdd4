import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED_EVENTS } from '../../sdk/schema/limits';
import { dropped } from '../../sdk/src/local';
import { openStore } from '../../sdk/src/idb';
import { memoryStore } from '../../sdk/src/store';
import { freshStorage } from './helpers';

const event = (i: number, ts = Date.now()) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'page_view', visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts, url: 'https://shop.example/' }) as const;
const events = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => event(from + i));

beforeEach(freshStorage);

describe('durable queue (IndexedDB)', () => {
  it('keeps events across reopening (a new page load)', async () => {
    const a = await openStore();
    await a.add([event(1)]);
    const b = await openStore();
    expect((await b.peek(50)).events.map((e) => e.event_id)).toEqual(['event-000001']);
  });

  it('hands out the oldest events first, at most N at a time, and removes exactly what was handed out', async () => {
    const s = await openStore();
    await s.add(events(0, 30));
    await s.add(events(30, 60));
    const first = await s.peek(50);
    expect(first.events).toHaveLength(50);
    expect(first.events[0].event_id).toBe('event-000000');
    await s.remove(first.keys.slice(5)); // a batch after five set-aside events
    expect((await s.peek(50)).events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it(`drops the oldest beyond ${MAX_QUEUED_EVENTS} events and counts them`, async () => {
    const s = await openStore();
    await s.add(events(0, MAX_QUEUED_EVENTS));
    await s.add(events(MAX_QUEUED_EVENTS, MAX_QUEUED_EVENTS + 5));
    expect(dropped()).toBe(5);
    const { events: [oldest] } = await s.peek(1);
    expect(oldest.seq).toBe(5);
  });
});

describe('queue in memory (no IndexedDB)', () => {
  it('hands out the oldest first and removes what it is told, in place', async () => {
    const list = events(0, 5);
    const s = memoryStore(list);
    await s.add([event(5)]);
    const { keys } = await s.peek(2);
    await s.remove(keys);
    expect(list.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
  });
});
