// Issue 10: each key does exactly its part, across shops too; CORS names only allowed origins;
// a visitor's history needs the visitor's token; rate limits answer 429 with Retry-After.
import { exports } from 'cloudflare:workers';
import { sha256Hex } from '../../worker/src/hash';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRateLimits } from '../../worker/src/access/rate-limit';
import { env } from 'cloudflare:test';
import { clearSiteCache, saveSite } from '../../worker/src/sites';
import { BASE, ORIGIN, TEST_SITE, makeEvent, post } from './helpers';

const call = (path: string, init: { key?: string; origin?: string | null; method?: string; body?: unknown; referer?: string } = {}) => {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  if (init.referer) headers.referer = init.referer;
  return exports.default.fetch(`${BASE}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
};

afterEach(() => resetRateLimits());

describe('keys and roles', () => {
  // Every secret route with every key: the site key (public), read key, admin key, the other shop's keys.
  const keys = {
    none: undefined,
    site: TEST_SITE.key,
    read: TEST_SITE.readKey,
    admin: TEST_SITE.adminKey,
    otherRead: 'other-read-key',
    otherAdmin: 'other-admin-key',
  };
  const routes: { path: string; method?: string; body?: unknown; role: 'read' | 'admin' }[] = [
    { path: '/v1/visitors/visitor-matrix/events?site=test-shop', role: 'admin' },
    { path: '/v1/visitors/visitor-matrix/profile?site=test-shop', role: 'admin' },
    { path: '/v1/admin/site?site=test-shop', role: 'admin' },
    { path: '/v1/admin/site?site=test-shop', method: 'PATCH', body: { name: 'Test shop' }, role: 'admin' },
  ];

  it('each key opens exactly its routes, and never another shop', async () => {
    await post({ events: [makeEvent({ visitor_id: 'visitor-matrix' })] });
    for (const route of routes) {
      for (const [who, key] of Object.entries(keys)) {
        const res = await call(route.path, { key, method: route.method, body: route.body, origin: null });
        const allowed = who === 'admin' || (who === 'read' && route.role === 'read');
        const expected = allowed ? [200, 404] : key ? [403] : [401];
        expect(expected, `${route.method ?? 'GET'} ${route.path} with ${who}: ${res.status}`).toContain(res.status);
        if (!allowed) expect((await res.json<any>()).error).toBeTypeOf('string');
      }
    }
  });

  it('rotates a key without downtime: old and new both work during the grace period, then only the new', async () => {
    await saveSite(env.DB, { ...TEST_SITE, key: 'rotate-shop', adminKey: 'rotate-admin-key', readKey: 'rotate-read-key' });
    const rotated = await call('/v1/admin/keys?site=rotate-shop', { key: 'rotate-admin-key', method: 'POST', body: { role: 'read', grace_hours: 1 }, origin: null });
    expect(rotated.status).toBe(201);
    const { key } = await rotated.json<any>();
    expect(key).toMatch(/^[0-9a-f]{48}$/);
    clearSiteCache();
    const site = '/v1/admin/site?site=rotate-shop';
    // the read key cannot administer, whichever it is
    expect((await call(site, { key, origin: null })).status).toBe(403);
    expect((await call(site, { key: 'rotate-read-key', origin: null })).status).toBe(403);
    // the admin key, rotated with no grace: the old one stops at once, the new one works
    const again = await call('/v1/admin/keys?site=rotate-shop', { key: 'rotate-admin-key', method: 'POST', body: { role: 'admin', grace_hours: 0 }, origin: null });
    const admin = (await again.json<any>()).key;
    clearSiteCache();
    expect((await call(site, { key: 'rotate-admin-key', origin: null })).status).toBe(403);
    expect((await call(site, { key: admin, origin: null })).status).toBe(200);
    // rotate once more with a grace period: both work
    const third = await (await call('/v1/admin/keys?site=rotate-shop', { key: admin, method: 'POST', body: { role: 'admin', grace_hours: 2 }, origin: null })).json<any>();
    clearSiteCache();
    expect((await call(site, { key: admin, origin: null })).status).toBe(200);
    expect((await call(site, { key: third.key, origin: null })).status).toBe(200);
    expect(Date.parse(third.previous_valid_until)).toBeGreaterThan(Date.now() + 3_600_000);
  });

  it('lets only the current admin key change keys and settings, and a rotation with no grace revokes every earlier key', async () => {
    await saveSite(env.DB, { ...TEST_SITE, key: 'owner-shop', adminKey: 'owner-admin-key', readKey: 'owner-read-key' });
    const keys = '/v1/admin/keys?site=owner-shop';
    const rotate = async (key: string, grace_hours: number) => call(keys, { key, method: 'POST', body: { role: 'admin', grace_hours }, origin: null });
    // the owner rotates, suspecting the old key leaked; the old one still works for a day
    const owner = (await (await rotate('owner-admin-key', 24)).json<any>()).key;
    clearSiteCache();
    const site = '/v1/admin/site?site=owner-shop';
    expect((await call(site, { key: 'owner-admin-key', origin: null })).status).toBe(200);
    // but whoever holds it can neither mint a key of their own nor change the site
    const taken = await rotate('owner-admin-key', 0);
    expect(taken.status).toBe(403);
    expect((await taken.json<any>()).error).toMatch(/current admin key/);
    expect((await call(site, { key: 'owner-admin-key', method: 'PATCH', body: { origins: ['https://evil.example'] }, origin: null })).status).toBe(403);
    clearSiteCache();
    expect((await call(site, { key: owner, origin: null })).status).toBe(200);
    // the owner revokes the leaked key at once by rotating again with no grace
    const fresh = (await (await rotate(owner, 0)).json<any>()).key;
    clearSiteCache();
    expect((await call(site, { key: 'owner-admin-key', origin: null })).status).toBe(403);
    expect((await call(site, { key: owner, origin: null })).status).toBe(403);
    expect((await call(site, { key: fresh, origin: null })).status).toBe(200);
  });

  it('tells the current admin key from the site as D1 holds it, not from a cached copy, and rotates only the key it read', async () => {
    await saveSite(env.DB, { ...TEST_SITE, key: 'stale-shop', adminKey: 'stale-admin-key', readKey: 'stale-read-key' });
    clearSiteCache();
    const site = '/v1/admin/site?site=stale-shop';
    expect((await call(site, { key: 'stale-admin-key', origin: null })).status).toBe(200); // the site is cached now
    // the owner rotates in another isolate: this isolate's copy still holds the old key's hash
    await env.DB.prepare('UPDATE sites SET admin_key_hash = ? WHERE site_key = ?').bind(await sha256Hex('stale-new-key'), 'stale-shop').run();
    const taken = await call('/v1/admin/keys?site=stale-shop', { key: 'stale-admin-key', method: 'POST', body: { role: 'admin', grace_hours: 0 }, origin: null });
    expect(taken.status).toBe(403);
    clearSiteCache();
    expect((await call(site, { key: 'stale-new-key', origin: null })).status).toBe(200);
  });

  it('a key revoked through another isolate stops here at once, not when this isolate’s copy of the site expires', async () => {
    await saveSite(env.DB, { ...TEST_SITE, key: 'revoke-shop', adminKey: 'revoke-admin-key', readKey: 'revoke-read-key' });
    clearSiteCache();
    const site = '/v1/admin/site?site=revoke-shop';
    const overview = '/v1/reports/overview?site=revoke-shop';
    expect((await call(site, { key: 'revoke-admin-key', origin: null })).status).toBe(200); // the site is cached now
    expect((await call(overview, { key: 'revoke-read-key', origin: null })).status).toBe(200);
    // the owner rotates both keys with no grace in another isolate: this one still holds the old hashes
    await env.DB.prepare('UPDATE sites SET admin_key_hash = ?, read_key_hash = ? WHERE site_key = ?')
      .bind(await sha256Hex('revoke-new-admin'), await sha256Hex('revoke-new-read'), 'revoke-shop').run();
    expect((await call(`/v1/admin/visitors/visitor-revoked/export?site=revoke-shop`, { key: 'revoke-admin-key', origin: null })).status).toBe(403);
    expect((await call(site, { key: 'revoke-admin-key', origin: null })).status).toBe(403);
    expect((await call(`${overview}&from=2024-01-01`, { key: 'revoke-read-key', origin: null })).status).toBe(403);
    expect((await call(site, { key: 'revoke-new-admin', origin: null })).status).toBe(200);
    expect((await call(overview, { key: 'revoke-new-read', origin: null })).status).toBe(200);
  });

  it('creates a shop with the operator key only, and its keys work at once', async () => {
    const def = { key: 'new-shop', name: 'New', origins: ['https://new.example'] };
    expect((await call('/v1/sites', { method: 'POST', body: def, origin: null })).status).toBe(401);
    expect((await call('/v1/sites', { method: 'POST', body: def, key: TEST_SITE.adminKey, origin: null })).status).toBe(403);
    const bad = await call('/v1/sites', { method: 'POST', body: { ...def, origins: ['javascript:alert(1)'] }, key: 'test-operator-key', origin: null });
    expect(bad.status).toBe(400);
    expect((await bad.json<any>()).error).toMatch(/^origins\.0: /);
    const res = await call('/v1/sites', { method: 'POST', body: def, key: 'test-operator-key', origin: null });
    expect(res.status).toBe(201);
    const created = await res.json<any>();
    expect(created).toMatchObject({ site: 'new-shop', origins: ['https://new.example'] });
    expect((await call('/v1/admin/site?site=new-shop', { key: created.admin_key, origin: null })).status).toBe(200);
    expect((await call('/v1/admin/site?site=new-shop', { key: created.read_key, origin: null })).status).toBe(403);
    expect((await call('/v1/admin/site?site=test-shop', { key: created.admin_key, origin: null })).status).toBe(403);
    expect((await call('/v1/sites', { method: 'POST', body: def, key: 'test-operator-key', origin: null })).status).toBe(409);
  });
});

describe('request bodies', () => {
  it('refuses an over-long body on the shop and key routes with 413, before reading it whole', async () => {
    const big = { name: 'Test shop', padding: 'x'.repeat(100_000) };
    const patched = await call('/v1/admin/site?site=test-shop', { key: TEST_SITE.adminKey, method: 'PATCH', body: big, origin: null });
    expect(patched.status).toBe(413);
    expect((await patched.json<any>()).error).toMatch(/larger than/);
    expect((await call('/v1/admin/keys?site=test-shop', { key: TEST_SITE.adminKey, method: 'POST', body: { role: 'read', padding: big.padding }, origin: null })).status).toBe(413);
    expect((await call('/v1/sites', { key: 'test-operator-key', method: 'POST', body: { key: 'big-shop', origins: [], ...big }, origin: null })).status).toBe(413);
  });
});

describe('CORS', () => {
  it('names allowed origins only, and never echoes a long one', async () => {
    const ok = await post({ events: [makeEvent({ visitor_id: 'visitor-cors' })] });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i);
    for (const origin of ['https://evil.example', `https://${'a'.repeat(60_000)}.example`]) {
      const res = await post({ events: [makeEvent()] }, { origin });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect((await res.text()).length).toBeLessThan(300);
    }
    // an unknown site key names no origin either
    const unknown = await post({ events: [makeEvent()] }, { site: 'no-such-shop' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a visitor’s data is theirs', () => {
  it('recommendations with a visitor need an allowed page origin and the visitor’s token', async () => {
    const token = '0123456789abcdef0123456789abcdef';
    const visitor = 'visitor-token-owner';
    // the SDK sends its token with its batches: the first one sent is the visitor's
    await post({ events: [makeEvent({ visitor_id: visitor, name: 'view_item', props: { item_id: 'secret-item' } })], token });
    await post({ events: [makeEvent({ visitor_id: visitor })], token: 'f'.repeat(32) }); // a later claim changes nothing
    const path = `/v1/recs?site=test-shop&visitor=${visitor}&context=home`;
    expect((await call(path, { origin: null })).status).toBe(403); // no Origin, no Referer
    expect((await call(path, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await call(path)).status).toBe(403); // the id alone is not enough
    expect((await call(`${path}&token=${'f'.repeat(32)}`)).status).toBe(403);
    const own = await call(`${path}&token=${token}`);
    expect(own.status).toBe(200);
    // a same-origin GET carries no Origin but a Referer
    expect((await call(`${path}&token=${token}`, { origin: null, referer: `${ORIGIN}/p/1` })).status).toBe(200);
    // without a visitor, recommendations are the shop's, for anyone on an allowed page
    expect((await call('/v1/recs?site=test-shop&context=home')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the visitor limit, per shop settings', async () => {
    const patched = await call('/v1/admin/site?site=other-shop', { key: 'other-admin-key', method: 'PATCH', body: { settings: { rateLimits: { visitorPerMinute: 3 } } }, origin: null });
    expect(patched.status).toBe(200);
    clearSiteCache();
    const token = 'abcdefabcdefabcdefabcdefabcdef01';
    const visitor = 'visitor-limited';
    const path = `/v1/recs?site=other-shop&visitor=${visitor}&token=${token}`;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(path)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call(path);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await limited.json<any>()).error).toMatch(/too many requests/);
    // another visitor is not limited by this one
    const token2 = 'abcdefabcdefabcdefabcdefabcdef02';
    expect((await call(`/v1/recs?site=other-shop&visitor=visitor-not-limited&token=${token2}`)).status).toBe(200);
  });
});

describe('serving under a path of the shop’s domain', () => {
  it('answers the API under LINGER_PATH_PREFIX as at the root', async () => {
    const { withPathPrefix } = await import('../../worker/src/path-prefix');
    const { env } = await import('cloudflare:test');
    const seen: string[] = [];
    const handler = withPathPrefix((req) => (seen.push(new URL(req.url).pathname), new Response('api')));
    const assets = { fetch: async (req: Request) => new Response(`asset ${new URL(req.url).pathname}`) } as unknown as Fetcher;
    const prefixed = { ...env, LINGER_PATH_PREFIX: '/linger/', ASSETS: assets };
    const ctx = {} as ExecutionContext;
    expect(await (await handler(new Request('https://shop.example/linger/v1/collect?site=x'), prefixed, ctx)).text()).toBe('api');
    expect(await (await handler(new Request('https://shop.example/linger/sdk/linger.js'), prefixed, ctx)).text()).toBe('asset /sdk/linger.js');
    expect(await (await handler(new Request('https://shop.example/lingerie/v1/collect'), prefixed, ctx)).text()).toBe('api');
    expect(seen).toEqual(['/v1/collect', '/lingerie/v1/collect']);
  });
});
