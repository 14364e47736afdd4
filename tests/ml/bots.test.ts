import { describe, expect, it } from 'vitest';
import { BOT_LIMITS, behaviourFlag, isPlausible, type SessionSignals } from '../../worker/src/bots/behaviour';
import { VISITORS_PER_ADDRESS_HOUR, busyAddress, resetBusyAddresses } from '../../worker/src/bots/busy-address';

const person: SessionSignals = { events: 40, start: 0, last: 600_000, pageViews: 12, engagedMs: 240_000, purchases: 1, purchasesUnviewed: 0 };

describe('behaviour flags', () => {
  it('passes a person and flags what no person does', () => {
    expect(behaviourFlag(person)).toBeNull();
    expect(isPlausible(person)).toBe(true);
    expect(behaviourFlag({ ...person, events: 200, last: 10_000 })).toBe('too_fast');
    expect(behaviourFlag({ ...person, pageViews: BOT_LIMITS.pagesPerSession + 1 })).toBe('too_many_pages');
    expect(behaviourFlag({ ...person, purchasesUnviewed: 1 })).toBe('purchase_without_view');
    expect(behaviourFlag({ ...person, engagedMs: 0 })).toBe('no_engagement');
    expect(behaviourFlag({ ...person, engagedMs: 0, purchases: 0, pageViews: BOT_LIMITS.pagesWithoutEngagement - 1 })).toBeNull();
  });

  it('lets a session teach shop-wide models only once it shows engagement', () => {
    const fresh = { events: 2, start: 0, last: 100, pageViews: 1, engagedMs: 0, purchases: 0, purchasesUnviewed: 0 };
    expect(behaviourFlag(fresh)).toBeNull();
    expect(isPlausible(fresh)).toBe(false);
    expect(isPlausible({ ...fresh, engagedMs: 1_500 })).toBe(true);
  });
});

describe('busy addresses', () => {
  it('flags an address past the number of visitors an hour, per site and hour', () => {
    resetBusyAddresses();
    const t = Date.UTC(2026, 0, 1, 10);
    for (let i = 0; i < VISITORS_PER_ADDRESS_HOUR; i++) expect(busyAddress('s', 'addr', `v${i}`, t)).toBe(false);
    expect(busyAddress('s', 'addr', 'v0', t)).toBe(false); // a visitor seen already does not count twice
    expect(busyAddress('s', 'addr', 'one-more', t)).toBe(true);
    expect(busyAddress('other', 'addr', 'one-more', t)).toBe(false);
    expect(busyAddress('s', 'addr', 'next-hour', t + 3_600_000)).toBe(false);
  });
});
