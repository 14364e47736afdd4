// A visitor's personalized reads (/v1/recs, /v1/decide) are bound to the visitor's own browser.
// The SDK makes a random secret token on the first visit and keeps it beside the visitor id. It
// sends the token with its batches and reads; the visitor's shard keeps only its SHA-256, set by
// the first contact that carries one (`visitor_tokens`). A read whose token does not hash to it is
// refused, so knowing a visitor id is not enough to read what that visitor looked at.
import { sha256Hex } from '../hash';

export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

/** The hash the shard keeps, or null for a missing or malformed token. */
export async function tokenHash(token: string | undefined | null): Promise<string | null> {
  return token && TOKEN_PATTERN.test(token) ? sha256Hex(`linger-visitor:${token}`) : null;
}

export function migrateVisitorTokens(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS visitor_tokens (visitor_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL) WITHOUT ROWID');
}

/**
 * True when `hash` is the visitor's: it matches the one kept, or none is kept yet and this first
 * contact sets it.
 */
export function claimVisitor(sql: SqlStorage, visitorId: string, hash: string): boolean {
  // Read first: checking a known visitor writes nothing, so a read's answer waits for no commit.
  const kept = sql.exec<{ token_hash: string }>('SELECT token_hash FROM visitor_tokens WHERE visitor_id = ?', visitorId).toArray()[0];
  if (kept) return kept.token_hash === hash;
  sql.exec('INSERT INTO visitor_tokens (visitor_id, token_hash) VALUES (?, ?)', visitorId, hash);
  return true;
}
