// Sites are cached per isolate for a short while, found and missing alike; requests with made-up
// site keys must not push the shops that exist out of the cache (each would cost a D1 read).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { clearSiteCache, findSite, saveSite } from '../../worker/src/sites';
import { TEST_SITE } from './helpers';

describe('the site cache', () => {
  it('keeps a shop cached however many unknown keys are asked for', async () => {
    await saveSite(env.DB, { ...TEST_SITE, key: 'cached-shop', name: 'Before' });
    clearSiteCache();
    expect((await findSite(env.DB, 'cached-shop'))?.name).toBe('Before');
    // changed behind the cache's back: a cached read still says "Before", a D1 read "After"
    await env.DB.prepare("UPDATE sites SET name = 'After' WHERE site_key = 'cached-shop'").run();
    for (let i = 0; i < 1_500; i++) expect(await findSite(env.DB, `made-up-${i}`)).toBeNull();
    expect((await findSite(env.DB, 'cached-shop'))?.name).toBe('Before');
    // a site saved under a key asked for before is found at once
    await saveSite(env.DB, { ...TEST_SITE, key: 'made-up-7', name: 'New' });
    expect((await findSite(env.DB, 'made-up-7'))?.name).toBe('New');
    clearSiteCache();
    expect((await findSite(env.DB, 'cached-shop'))?.name).toBe('After');
  });
});
