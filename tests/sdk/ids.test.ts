// The ids the tracker makes: events, pages, sessions and visitors are keyed by them, and the
// collector deduplicates retries by event id.
import { describe, expect, it } from 'vitest';
import { randomHex, timeId } from '../../sdk/src/ids';

describe('timeId', () => {
  it('is 32 hex digits: 48 bits of Unix milliseconds, big-endian, then random digits', () => {
    const now = Date.UTC(2026, 10, 26, 19, 0, 0, 123);
    const id = timeId(now);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // The time, read back independently of how it was written.
    expect(parseInt(id.slice(0, 12), 16)).toBe(now);
    expect(timeId(0).slice(0, 12)).toBe('000000000000');
    expect(timeId(2 ** 48 - 1).slice(0, 12)).toBe('ffffffffffff');
  });

  it('sorts by time as text, and ids of the same millisecond differ', () => {
    const times = [1, 255, 256, 65_535, 2 ** 40, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47 + 3];
    const ids = times.map((t) => timeId(t));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 200 }, () => timeId(1_700_000_000_000)));
    expect(same.size).toBe(200);
  });
});

describe('randomHex', () => {
  it('is 32 hex digits, every digit used, no two alike', () => {
    const all = Array.from({ length: 200 }, randomHex);
    for (const h of all) expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(all).size).toBe(200);
    expect(new Set(all.join('')).size).toBe(16);
  });
});
