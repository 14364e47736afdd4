// Secret keys (read, admin): made here, stored only as SHA-256 hashes, compared in constant time,
// and rotated without downtime: the previous key keeps working until its grace period ends.
import { sameSecret, sha256Hex } from '../hash';
import type { Site } from '../sites';

/**
 * `read`: reports and the dashboard; `admin`: configuration, campaigns, visitors' data; `owner`:
 * the site's keys and settings, which only the current admin key may change, never a rotated one
 * in its grace period (whoever holds a leaked key could otherwise mint a new one and lock the
 * shop out).
 */
export type KeyRole = 'read' | 'admin' | 'owner';

/** A new secret key: 24 random bytes as 48 hex digits. */
export function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The roles a presented key holds on a site: admin keys can also read. */
export async function rolesOf(db: D1Database, site: Site, key: string, now = Date.now()): Promise<Set<KeyRole>> {
  const hash = await sha256Hex(key);
  const roles = new Set<KeyRole>();
  if (sameSecret(hash, site.adminKeyHash)) roles.add('owner').add('admin').add('read');
  if (sameSecret(hash, site.readKeyHash)) roles.add('read');
  if (!roles.size) {
    // Only a key that is not current costs a query: a rotated one in its grace period.
    const { results } = await db
      .prepare('SELECT role, key_hash FROM retired_keys WHERE site_key = ? AND expires_at > ?')
      .bind(site.key, now)
      .all<{ role: KeyRole; key_hash: string }>();
    for (const r of results) if (sameSecret(hash, r.key_hash)) (r.role === 'admin' ? roles.add('admin').add('read') : roles.add('read'));
  }
  return roles;
}

/**
 * Replaces the site's key of `role` with a new one, which is returned (the only time it is seen
 * in clear); null when the key changed since `site` was read. The old key keeps working for
 * `graceMs`; keys of the role retired before it stop at once, so rotating again with no grace
 * revokes every earlier key.
 */
export async function rotateKey(db: D1Database, site: Site, role: 'read' | 'admin', graceMs: number, now = Date.now()): Promise<{ key: string; previousValidUntil: number } | null> {
  const key = newKey();
  const column = role === 'admin' ? 'admin_key_hash' : 'read_key_hash';
  const old = role === 'admin' ? site.adminKeyHash : site.readKeyHash;
  const until = now + graceMs;
  // Only if the key is still the one `site` holds: of two rotations at once, one wins, and a key
  // retired meanwhile never comes back with a grace period of its own.
  const swapped = await db.prepare(`UPDATE sites SET ${column} = ? WHERE site_key = ? AND ${column} = ?`).bind(await sha256Hex(key), site.key, old).run();
  if (!swapped.meta.changes) return null;
  await db.batch([
    db.prepare('DELETE FROM retired_keys WHERE expires_at <= ? OR (site_key = ? AND role = ?)').bind(now, site.key, role),
    db.prepare('INSERT OR REPLACE INTO retired_keys (site_key, role, key_hash, expires_at) VALUES (?, ?, ?, ?)').bind(site.key, role, old, until),
  ]);
  return { key, previousValidUntil: until };
}
