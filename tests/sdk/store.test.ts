import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_QUEUED_AGE_MS, MAX_QUEUED_EVENTS } from '../../sdk/schema/limits';
import { openStore } from '../../sdk/src/store';
import { freshStorage } from './helpers';

const event = (i: number, ts = Date.now()) => ({ event_id: `event-${String(i).padStart(6, '0')}`, name: 'page_view', visitor_id: 'visitor-1', session_id: 'session-1', seq: i, ts, url: 'https://shop.example/' }) as const;

beforeEach(freshStorage);

describe('durable queue', () => {
  it('keeps events across reopening (a new page load)', async () => {
    const a = await openStore();
    await a.add(event(1));
    await a.set('visitor', 'visitor-1');
    const b = await openStore();
    expect((await b.peek(50, 16_384)).events.map((e) => e.event_id)).toEqual(['event-000001']);
    expect(await b.get('visitor')).toBe('visitor-1');
  });

  it('hands out the oldest events first, at most N and about B bytes at a time', async () => {
    const s = await openStore();
    for (let i = 0; i < 60; i++) await s.add(event(i));
    const first = await s.peek(50, 1e9);
    expect(first.events).toHaveLength(50);
    expect(first.events[0].event_id).toBe('event-000000');
    const size = JSON.stringify(event(1)).length;
    expect((await s.peek(50, size * 3 + 1)).events).toHaveLength(3);
    expect((await s.peek(50, 1)).events).toHaveLength(1); // never less than one
    await s.remove(first.keys);
    expect((await s.peek(50, 1e9)).events.map((e) => e.seq)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it(`drops the oldest beyond ${MAX_QUEUED_EVENTS} events and counts them`, async () => {
    const s = await openStore();
    for (let i = 0; i < MAX_QUEUED_EVENTS + 5; i++) await s.add(event(i));
    expect(await s.get('dropped')).toBe(5);
    const { events } = await s.peek(1, 1e9);
    expect(events[0].seq).toBe(5);
  });

  it('drops events older than a week and counts them', async () => {
    const s = await openStore();
    await s.add(event(1, Date.now() - MAX_QUEUED_AGE_MS - 1));
    await s.add(event(2));
    expect(await s.get('dropped')).toBe(1);
    expect((await s.peek(50, 1e9)).events.map((e) => e.seq)).toEqual([2]);
  });
});
