import { createMiddleware } from 'hono/factory';
import { rolesOf, type KeyRole } from './access/keys';
import type { AppEnv } from './env';
import { fail } from './http';
import { readSite } from './sites';

/**
 * Requires `Authorization: Bearer KEY` holding `role` on the site: the admin key (configuration,
 * campaigns, visitors' data) or, for `read`, the read key too (reports, dashboard). The public
 * site key is never a secret key. Rotated keys work until their grace period ends, revoked ones
 * stop at once. Put after `requireSite`.
 */
export function requireKey(role: KeyRole) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!key) return fail(c, 401, 'missing key: send Authorization: Bearer YOUR_KEY');
    // Every secret key is checked against the site as it is now, not this isolate's copy (up to
    // 30 s old), which may still hold a key revoked moments ago through another isolate. These
    // routes are not the collector's hot path: one D1 read each is cheap.
    const site = (await readSite(c.env.DB, c.get('site').key)) ?? c.get('site');
    c.set('site', site);
    if (!(await rolesOf(c.env.DB, site, key)).has(role)) {
      const what = role === 'owner' ? 'change the keys or settings of' : role === 'admin' ? 'administer' : 'read';
      return fail(c, 403, `this key may not ${what} site "${site.key}"${role === 'owner' ? ' (only the current admin key may; a rotated one may not)' : ''}`);
    }
    await next();
  });
}
