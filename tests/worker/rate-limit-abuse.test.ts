// One client must not use up a whole shop's limit, nor start the counts over: requests an
// address or visitor limit refuses do not count against the shop, and a flood of made-up
// visitor ids cannot reset the address and shop counters.
import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetRateLimits, take } from '../../worker/src/access/rate-limit';
import { clearSiteCache, saveSite } from '../../worker/src/sites';
import { BASE, ORIGIN, TEST_SITE } from './helpers';

const SITE = 'rl-abuse-shop';

/** Waits until the current one-minute window has at least 3 s left, so a test's requests share it. */
async function freshWindow() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 3_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

const recs = (ip: string) =>
  exports.default.fetch(`${BASE}/v1/recs?site=${SITE}&context=home`, { headers: { origin: ORIGIN, 'cf-connecting-ip': ip } });

beforeAll(async () => {
  await saveSite(env.DB, { ...TEST_SITE, key: SITE, settings: { rateLimits: { sitePerMinute: 10, ipPerMinute: 3 } } });
  clearSiteCache();
});
afterEach(() => resetRateLimits());

describe('rate limits under abuse', () => {
  it('requests refused for their address do not use up the shop’s limit', async () => {
    await freshWindow();
    const flood = [];
    for (let i = 0; i < 20; i++) flood.push((await recs('203.0.113.9')).status);
    expect(flood.filter((s) => s === 200)).toHaveLength(3);
    expect(flood.filter((s) => s === 429)).toHaveLength(17);
    // another visitor of the shop, from another address, is still served
    const other = await recs('198.51.100.23');
    expect(other.status, (await other.clone().text())).toBe(200);
  });

  it('a flood of distinct visitor ids does not start the address and shop counts over', async () => {
    await freshWindow();
    const now = Date.now();
    for (let i = 0; i < 3; i++) expect(take(`i|${SITE}|abcdef0123456789`, 3, now)).toBe(true);
    expect(take(`i|${SITE}|abcdef0123456789`, 3, now)).toBe(false);
    // ~200 collect batches of 500 events, each a visitor id of its own
    for (let i = 0; i < 100_000; i++) take(`v|${SITE}|visitor-${i}`, 300, now);
    expect(take(`i|${SITE}|abcdef0123456789`, 3, now)).toBe(false);
  });
});
