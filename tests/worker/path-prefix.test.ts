// Serving under LINGER_PATH_PREFIX (docs/operations.md §5): a redirect from the assets or the API
// must keep the prefix, or the browser leaves the worker's path (`/linger/dashboard` → `/dashboard/`).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { withPathPrefix } from '../../worker/src/path-prefix';

const ctx = {} as ExecutionContext;
const redirectTo = (location: string, status = 307) => new Response(null, { status, headers: { location } });

/** The middleware over an API and assets that answer with `answer` (and record what they were asked). */
function serve(answer: (req: Request) => Response, prefix = '/linger') {
  const asked: string[] = [];
  const assets = { fetch: async (req: Request) => (asked.push(`asset ${new URL(req.url).pathname}`), answer(req)) } as unknown as Fetcher;
  const handler = withPathPrefix(async (req) => (asked.push(`api ${new URL(req.url).pathname}`), answer(req)));
  const prefixed = { ...env, LINGER_PATH_PREFIX: prefix, ASSETS: assets };
  return { asked, get: (url: string) => handler(new Request(url, { redirect: 'manual' }), prefixed, ctx) };
}

describe('redirects under a path prefix', () => {
  it('puts the prefix back on a redirect to a path of the worker', async () => {
    const { asked, get } = serve((req) => (new URL(req.url).pathname === '/dashboard' ? redirectTo('/dashboard/') : redirectTo('/dashboard/visitor?x=1')));
    const dir = await get('https://shop.example/linger/dashboard');
    expect(dir.status).toBe(307);
    expect(dir.headers.get('location')).toBe('/linger/dashboard/');
    expect((await get('https://shop.example/linger/dashboard/visitor.html')).headers.get('location')).toBe('/linger/dashboard/visitor?x=1');
    expect(asked).toEqual(['asset /dashboard', 'asset /dashboard/visitor.html']);
  });

  it('keeps an absolute Location absolute, and resolves a relative one against the unprefixed path', async () => {
    const absolute = serve(() => redirectTo('https://shop.example/dashboard/', 308));
    expect((await absolute.get('https://shop.example/linger/dashboard')).headers.get('location')).toBe('https://shop.example/linger/dashboard/');
    const relative = serve(() => redirectTo('visitor', 301));
    expect((await relative.get('https://shop.example/linger/dashboard/visitor.html')).headers.get('location')).toBe('/linger/dashboard/visitor');
  });

  it('re-prefixes redirects of the API too, with a prefix given with a trailing slash', async () => {
    const { get } = serve(() => redirectTo('/v1/health', 302), '/linger/');
    expect((await get('https://shop.example/linger/v1/old')).headers.get('location')).toBe('/linger/v1/health');
  });

  it('leaves redirects to other origins, other answers and unprefixed requests alone', async () => {
    const away = serve(() => redirectTo('https://elsewhere.example/dashboard/'));
    expect((await away.get('https://shop.example/linger/dashboard')).headers.get('location')).toBe('https://elsewhere.example/dashboard/');
    const ok = serve(() => new Response('hi', { headers: { 'x-kept': '1' } }));
    const res = await ok.get('https://shop.example/linger/sdk/linger.js');
    expect([res.status, await res.text(), res.headers.get('x-kept')]).toEqual([200, 'hi', '1']);
    const root = serve(() => redirectTo('/dashboard/'));
    expect((await root.get('https://shop.example/dashboard')).headers.get('location')).toBe('/dashboard/');
  });

  it('works on the real assets: /linger/dashboard → /linger/dashboard/, /linger/dashboard/visitor.html → /linger/dashboard/visitor', async () => {
    const assets = (env as unknown as { ASSETS?: Fetcher }).ASSETS;
    if (!assets) return; // the assets binding is not there without a build
    const handler = withPathPrefix(() => new Response('api'));
    const prefixed = { ...env, LINGER_PATH_PREFIX: '/linger', ASSETS: assets };
    const location = async (path: string) => {
      const res = await handler(new Request(`https://shop.example${path}`, { redirect: 'manual' }), prefixed, ctx);
      return [res.status, res.headers.get('location')?.replace(/^https:\/\/shop\.example/, '')];
    };
    const dir = await location('/linger/dashboard');
    if (dir[0] === 404) return; // demo-shop/dist not built
    expect(dir).toEqual([307, '/linger/dashboard/']);
    expect(await location('/linger/dashboard/visitor.html')).toEqual([307, '/linger/dashboard/visitor']);
  });
});
