// Serving Linger under a path of the shop's own domain (a Workers route such as
// `myshop.example/linger/*`), so that the script and the collector are first party. With
// LINGER_PATH_PREFIX = "/linger", `/linger/v1/collect` reaches the API and `/linger/sdk/linger.js`
// the static files, exactly as `/v1/collect` and `/sdk/linger.js` do without a prefix.
import type { Env } from './env';

export function withPathPrefix(fetch: (req: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>) {
  return (req: Request, env: Env, ctx: ExecutionContext) => {
    const prefix = env.LINGER_PATH_PREFIX?.replace(/\/+$/, '');
    if (!prefix) return fetch(req, env, ctx);
    const url = new URL(req.url);
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return fetch(req, env, ctx);
    url.pathname = url.pathname.slice(prefix.length) || '/';
    const inner = new Request(url, req);
    // Static files (the SDK, the dashboard) answer from the assets; the rest is the API.
    if (!url.pathname.startsWith('/v1/') && env.ASSETS) return env.ASSETS.fetch(inner);
    return fetch(inner, env, ctx);
  };
}
