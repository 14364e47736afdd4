import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env';
import { sameSecret, sha256Hex } from './hash';
import { fail } from './http';

/**
 * Requires `Authorization: Bearer KEY` with the site's admin key (or, for `read`, its read key
 * too). Put after `requireSite`.
 */
export function requireKey(level: 'admin' | 'read') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const key = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!key) return fail(c, 401, 'missing key: send Authorization: Bearer YOUR_KEY');
    const site = c.get('site');
    const hash = await sha256Hex(key);
    const ok = sameSecret(hash, site.adminKeyHash) || (level === 'read' && sameSecret(hash, site.readKeyHash));
    if (!ok) return fail(c, 403, `this key may not ${level === 'admin' ? 'administer' : 'read'} site "${site.key}"`);
    await next();
  });
}
