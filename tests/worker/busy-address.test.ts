// The busy-address rule flags visitors who come after an address has had too many visitors in an
// hour: those who came before (people behind one office or carrier address) keep their standing.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { VISITORS_PER_ADDRESS_HOUR, busyAddress, resetBusyAddresses } from '../../worker/src/bots/busy-address';
import { inShard } from './campaigns-helpers';
import { BASE, ORIGIN, TEST_SITE, makeEvent } from './helpers';

const HOUR = 3_600_000;

describe('a busy address', () => {
  it('flags only the visitors that came after it was busy, for as long as they stay', () => {
    resetBusyAddresses();
    const t = Date.UTC(2026, 0, 1, 10, 30);
    for (let i = 0; i < VISITORS_PER_ADDRESS_HOUR; i++) expect(busyAddress('s', 'addr', `v${i}`, t)).toBe(false);
    expect(busyAddress('s', 'addr', 'late', t)).toBe(true);
    expect(busyAddress('s', 'addr', 'later', t)).toBe(true);
    // the early ones are not flagged by those who came after them, the late one stays flagged
    expect(busyAddress('s', 'addr', 'v0', t + 1)).toBe(false);
    expect(busyAddress('s', 'addr', `v${VISITORS_PER_ADDRESS_HOUR - 1}`, t + 1)).toBe(false);
    expect(busyAddress('s', 'addr', 'late', t + 1)).toBe(true);
  });

  it('keeps a visitor\'s standing into the next hour, however busy that hour gets', () => {
    resetBusyAddresses();
    const t = Date.UTC(2026, 0, 1, 10, 50);
    expect(busyAddress('s', 'addr', 'early', t)).toBe(false);
    for (let i = 0; i < VISITORS_PER_ADDRESS_HOUR; i++) busyAddress('s', 'addr', `n${i}`, t);
    expect(busyAddress('s', 'addr', 'late', t)).toBe(true);
    // 11:10: the address is busy again before either comes back
    const next = t + 20 * 60_000;
    for (let i = 0; i < VISITORS_PER_ADDRESS_HOUR; i++) busyAddress('s', 'addr', `m${i}`, next);
    expect(busyAddress('s', 'addr', 'early', next)).toBe(false);
    expect(busyAddress('s', 'addr', 'late', next)).toBe(true);
    // after an hour without an event (its session is over), a visitor counts as new again
    const later = t + 3 * HOUR;
    for (let i = 0; i < VISITORS_PER_ADDRESS_HOUR; i++) busyAddress('s', 'addr', `k${i}`, later);
    expect(busyAddress('s', 'addr', 'early', later)).toBe(true);
  });

  it('does not turn the session of a visitor who came first into automation', async () => {
    resetBusyAddresses();
    const ip = '198.51.100.77';
    const collect = (events: unknown[]) =>
      exports.default.fetch(`${BASE}/v1/collect?site=${TEST_SITE.key}`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'cf-connecting-ip': ip, 'content-type': 'text/plain;charset=UTF-8', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36' },
        body: JSON.stringify({ events }),
      });
    const first = { visitor_id: 'visitor-busy-first', session_id: 'session-busy-first' };
    expect((await collect([makeEvent({ ...first, page_id: 'page-busy-1' })])).status).toBe(202);
    const others = Array.from({ length: VISITORS_PER_ADDRESS_HOUR + 1 }, (_, i) => makeEvent({ visitor_id: `visitor-busy-other-${i}`, session_id: `session-busy-other-${i}` }));
    expect((await collect(others)).status).toBe(202);
    expect((await collect([makeEvent({ ...first, page_id: 'page-busy-2', url: 'https://shop.example/p/1' })])).status).toBe(202);

    const bot = async (visitor: string) => (await inShard<{ bot: number }>(visitor, 'SELECT bot FROM sessions WHERE visitor_id = ?', visitor)).map((s) => s.bot);
    expect(await bot(first.visitor_id)).toEqual([0]);
    expect(await bot(others[0].visitor_id)).toEqual([0]);
    expect(await bot(others[VISITORS_PER_ADDRESS_HOUR].visitor_id)).toEqual([1]); // the one past the limit
  });
});
