// Raw events, archived per shop, UTC day and shard as NDJSON in R2 (`events/SITE/DAY/SHARD.ndjson`),
// for export to a warehouse. A shard archives each finished day once; retention purges only days
// that are archived, so no event leaves the shard before it is kept elsewhere.
import { utcDay } from './ip-hash';
import { EVENT_FIELDS } from '../shard-schema';

const DAY_MS = 86_400_000;

export function migrateArchive(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS archived_days (day TEXT PRIMARY KEY, events INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID');
  sql.exec('CREATE INDEX IF NOT EXISTS events_by_ts ON events (ts)');
  // The archived days that hold each visitor's lines: erasure rewrites them even when the rows
  // are gone from the shard (purged by retention, or an engagement report taken over by a later one).
  sql.exec('CREATE TABLE IF NOT EXISTS archived_visitor_days (visitor_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (visitor_id, day)) WITHOUT ROWID');
}

export const archiveKey = (site: string, day: string, shard: string) => `events/${site}/${day}/${shard}.ndjson`;

/** The finished days (before today, UTC) that have events and no archive yet, oldest first. */
export function daysToArchive(sql: SqlStorage, now = Date.now(), max = 7): string[] {
  const first = sql.exec<{ ts: number | null }>('SELECT min(ts) AS ts FROM events').one().ts;
  if (first === null) return [];
  const today = utcDay(now);
  const done = new Set(sql.exec<{ day: string }>('SELECT day FROM archived_days').toArray().map((r) => r.day));
  const days: string[] = [];
  for (let t = Date.parse(utcDay(first)); utcDay(t) < today && days.length < max; t += DAY_MS) {
    const day = utcDay(t);
    if (!done.has(day)) days.push(day);
  }
  return days;
}

/** One day's events as NDJSON (JSON columns inlined). */
export function dayAsNdjson(sql: SqlStorage, day: string): { body: string; events: number } {
  const from = Date.parse(day);
  const rows = sql.exec(`SELECT ${EVENT_FIELDS} FROM events WHERE ts >= ? AND ts < ? ORDER BY ts`, from, from + DAY_MS).toArray();
  const lines = rows.map((r) => JSON.stringify({ ...r, utm: r.utm ? JSON.parse(r.utm as string) : null, props: JSON.parse(r.props as string) }));
  return { body: lines.length ? `${lines.join('\n')}\n` : '', events: lines.length };
}

export function markArchived(sql: SqlStorage, day: string, events: number, now = Date.now()): void {
  sql.exec('INSERT OR REPLACE INTO archived_days (day, events, at) VALUES (?, ?, ?)', day, events, now);
  const from = Date.parse(day);
  sql.exec('INSERT OR IGNORE INTO archived_visitor_days (visitor_id, day) SELECT DISTINCT visitor_id, ? FROM events WHERE ts >= ? AND ts < ?', day, from, from + DAY_MS);
}

/** Deletes raw events older than `retentionDays` on archived days only; returns how many went. */
export function purgeExpired(sql: SqlStorage, retentionDays: number, now = Date.now()): number {
  if (!retentionDays) return 0;
  const cutoff = Date.parse(utcDay(now - retentionDays * DAY_MS));
  const archived = sql.exec<{ day: string }>('SELECT day FROM archived_days WHERE day < ?', utcDay(cutoff)).toArray();
  let purged = 0;
  for (const { day } of archived) {
    const from = Date.parse(day);
    purged += sql.exec('DELETE FROM events WHERE ts >= ? AND ts < ?', from, from + DAY_MS).rowsWritten;
  }
  return purged;
}

/** Removes one visitor's lines from an archived day's NDJSON. */
export function withoutVisitor(ndjson: string, visitorId: string): string {
  const kept = ndjson.split('\n').filter((line) => line && (JSON.parse(line) as { visitor_id?: string }).visitor_id !== visitorId);
  return kept.length ? `${kept.join('\n')}\n` : '';
}
