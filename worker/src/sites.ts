// Shops ("sites") live in D1: a small, rarely written table, cached per isolate
// so the collector's hot path does not query D1 on every request.
import { sha256Hex } from './hash';

export interface Site {
  key: string;
  name: string;
  allowedOrigins: string[];
  readKeyHash: string;
  adminKeyHash: string;
  /** Durable Object shards this site's visitors are spread over; fixed once events exist. */
  shards: number;
}

interface SiteRow {
  site_key: string;
  name: string;
  allowed_origins: string;
  read_key_hash: string;
  admin_key_hash: string;
  shards: number;
}

const CACHE_MS = 30_000;
const CACHE_MAX = 1_000;
const cache = new Map<string, { site: Site | null; until: number }>();

/** The site with this key, or null when there is none (cached both ways, briefly). */
export async function findSite(db: D1Database, key: string): Promise<Site | null> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.site;
  const row = await db.prepare('SELECT * FROM sites WHERE site_key = ?').bind(key).first<SiteRow>();
  const site = row && {
    key: row.site_key,
    name: row.name,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    readKeyHash: row.read_key_hash,
    adminKeyHash: row.admin_key_hash,
    shards: row.shards,
  };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { site, until: now + CACHE_MS });
  return site;
}

/** Forget cached sites (after a site is changed, and between tests). */
export function clearSiteCache() {
  cache.clear();
}

/** An exact origin match, or "*" in the allowlist. */
export function isAllowedOrigin(site: Site, origin: string): boolean {
  const o = origin.toLowerCase();
  return site.allowedOrigins.some((allowed) => allowed === '*' || allowed.toLowerCase() === o);
}

export interface NewSite {
  key: string;
  name: string;
  allowedOrigins: string[];
  readKey: string;
  adminKey: string;
  shards?: number;
}

/** Creates or replaces a site; keys are stored hashed. */
export async function saveSite(db: D1Database, s: NewSite): Promise<void> {
  await db
    .prepare(
      `INSERT OR REPLACE INTO sites (site_key, name, allowed_origins, read_key_hash, admin_key_hash, shards, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(s.key, s.name, JSON.stringify(s.allowedOrigins), await sha256Hex(s.readKey), await sha256Hex(s.adminKey), s.shards ?? 16, Date.now())
    .run();
  cache.delete(s.key);
}
