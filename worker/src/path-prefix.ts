// Serving Linger under a path of the shop's own domain (a Workers route such as
// `myshop.example/linger/*`), so that the script and the collector are first party. With
// LINGER_PATH_PREFIX = "/linger", `/linger/v1/collect` reaches the API and `/linger/sdk/linger.js`
// the static files, exactly as `/v1/collect` and `/sdk/linger.js` do without a prefix. A redirect
// they answer with (the assets' `/dashboard` → `/dashboard/`) keeps the prefix in its Location.
import type { Env } from './env';

export function withPathPrefix(fetch: (req: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>) {
  return async (req: Request, env: Env, ctx: ExecutionContext) => {
    const prefix = env.LINGER_PATH_PREFIX?.replace(/\/+$/, '');
    if (!prefix) return fetch(req, env, ctx);
    const url = new URL(req.url);
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return fetch(req, env, ctx);
    url.pathname = url.pathname.slice(prefix.length) || '/';
    const inner = new Request(url, req);
    // Static files (the SDK, the dashboard) answer from the assets; the rest is the API.
    const res = !url.pathname.startsWith('/v1/') && env.ASSETS ? await env.ASSETS.fetch(inner) : await fetch(inner, env, ctx);
    return reprefixed(res, url, prefix);
  };
}

/**
 * A redirect to a path of this origin, with the prefix put back: `/dashboard/` becomes
 * `/linger/dashboard/` (and `https://shop.example/dashboard/` likewise). Other answers, and
 * redirects elsewhere, pass unchanged.
 */
function reprefixed(res: Response, inner: URL, prefix: string): Response {
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || !location) return res;
  const target = new URL(location, inner);
  if (target.origin !== inner.origin) return res;
  const path = `${prefix}${target.pathname}${target.search}${target.hash}`;
  // As it came: a path stays a path, an absolute URL stays absolute.
  const rewritten = /^[a-z][a-z0-9+.-]*:/i.test(location) || location.startsWith('//') ? `${target.origin}${path}` : path;
  const out = new Response(res.body, res);
  out.headers.set('location', rewritten);
  return out;
}
