// The only IP-derived value Linger keeps: a hash with a random salt of the UTC day. The salt
// lives in D1 for its day and the next, and is deleted by the first request after, so a hash
// can be neither reversed nor joined with another day's. The raw address is never stored or logged.
import { sha256Hex } from '../hash';

const DAY_MS = 86_400_000;
let cached: { day: string; salt: string } | null = null;

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Today's salt: made by the first request of the day (any isolate), read by the others. */
export async function dailySalt(db: D1Database, now = Date.now()): Promise<string> {
  const day = utcDay(now);
  if (cached?.day === day) return cached.salt;
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  await db.batch([
    db.prepare('INSERT OR IGNORE INTO daily_salts (day, salt) VALUES (?, ?)').bind(day, fresh),
    // yesterday's stays (an isolate whose clock lags midnight may still hash with it): a salt lives two days
    db.prepare('DELETE FROM daily_salts WHERE day < ?').bind(utcDay(now - DAY_MS)),
  ]);
  const row = await db.prepare('SELECT salt FROM daily_salts WHERE day = ?').bind(day).first<{ salt: string }>();
  cached = { day, salt: row?.salt ?? fresh };
  return cached.salt;
}

/** A salted hash of the address, per site (so two shops can't join theirs either); 16 hex digits. */
export async function ipHash(db: D1Database, site: string, ip: string, now = Date.now()): Promise<string> {
  return (await sha256Hex(`${await dailySalt(db, now)}|${site}|${ip}`)).slice(0, 16);
}

/** Loopback addresses: local development and load tests on one machine. */
export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1';
}

export function forgetSalt() {
  cached = null;
}
