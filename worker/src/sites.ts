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
  settings: SiteSettings;
}

/** What a shop may tune (the `settings` JSON of its row); anything left out takes the default. */
export interface SiteSettings {
  /** Requests per minute: the whole site, one salted IP address (loopback exempt), one visitor. */
  rateLimits: { sitePerMinute: number; ipPerMinute: number; visitorPerMinute: number };
  /** Raw events older than this are purged by the cron (0: keep them). Rollups stay. */
  retentionDays: number;
  /** URL parameters kept besides utm_* and ad click ids; every other one is stripped. */
  keepParams: string[];
}

export const DEFAULT_SETTINGS: SiteSettings = {
  // A real burst passes: a tab flushing a day-old offline queue sends 1,000 events in 20 requests.
  rateLimits: { sitePerMinute: 60_000, ipPerMinute: 600, visitorPerMinute: 300 },
  retentionDays: 395,
  keepParams: [],
};

/** The settings of a row, each value checked, defaults filled in. */
export function parseSettings(json: string | null | undefined): SiteSettings {
  let raw: any;
  try {
    raw = JSON.parse(json || '{}');
  } catch {
    raw = {};
  }
  const count = (v: unknown, fallback: number) => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fallback);
  const limits = raw?.rateLimits ?? {};
  const d = DEFAULT_SETTINGS;
  return {
    rateLimits: {
      sitePerMinute: count(limits.sitePerMinute, d.rateLimits.sitePerMinute),
      ipPerMinute: count(limits.ipPerMinute, d.rateLimits.ipPerMinute),
      visitorPerMinute: count(limits.visitorPerMinute, d.rateLimits.visitorPerMinute),
    },
    retentionDays: count(raw?.retentionDays, d.retentionDays),
    keepParams: Array.isArray(raw?.keepParams) ? raw.keepParams.filter((p: unknown) => typeof p === 'string').slice(0, 50) : [],
  };
}

interface SiteRow {
  site_key: string;
  name: string;
  allowed_origins: string;
  read_key_hash: string;
  admin_key_hash: string;
  shards: number;
  settings: string | null;
}

const CACHE_MS = 30_000;
const CACHE_MAX = 1_000;
const cache = new Map<string, { site: Site; until: number }>();
/** Keys with no site, apart: requests with made-up keys must not evict the shops that exist. */
const missing = new Map<string, number>();

/** The site with this key, or null when there is none (cached both ways, briefly). */
export async function findSite(db: D1Database, key: string): Promise<Site | null> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.site;
  if ((missing.get(key) ?? 0) > now) return null;
  return readSite(db, key, now);
}

/**
 * The site as D1 holds it now, never from a cache (and cached afresh): for what must not act on
 * a copy up to 30 s old, such as telling the current admin key from one just rotated out.
 */
export async function readSite(db: D1Database, key: string, now = Date.now()): Promise<Site | null> {
  const row = await db.prepare('SELECT * FROM sites WHERE site_key = ?').bind(key).first<SiteRow>();
  const site = row && {
    key: row.site_key,
    name: row.name,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    readKeyHash: row.read_key_hash,
    adminKeyHash: row.admin_key_hash,
    shards: row.shards,
    settings: parseSettings(row.settings),
  };
  const into = site ? cache : missing;
  if (into.size >= CACHE_MAX) into.clear();
  if (site) cache.set(key, { site, until: now + CACHE_MS });
  else missing.set(key, now + CACHE_MS);
  return site;
}

/** Forget cached sites (after a site is changed, and between tests). */
export function clearSiteCache() {
  cache.clear();
  missing.clear();
}

/** An exact origin match, or "*" in the allowlist. Over-long strings are never origins. */
export function isAllowedOrigin(site: Site, origin: string): boolean {
  if (origin.length > 300) return false;
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
  /** Stored as given; read back through parseSettings, which fills in defaults. */
  settings?: object;
}

/** Creates or replaces a site; keys are stored hashed. */
export async function saveSite(db: D1Database, s: NewSite): Promise<void> {
  await db
    .prepare(
      `INSERT OR REPLACE INTO sites (site_key, name, allowed_origins, read_key_hash, admin_key_hash, shards, created_at, settings)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(s.key, s.name, JSON.stringify(s.allowedOrigins), await sha256Hex(s.readKey), await sha256Hex(s.adminKey), s.shards ?? 16, Date.now(), JSON.stringify(s.settings ?? {}))
    .run();
  cache.delete(s.key);
  missing.delete(s.key);
}
