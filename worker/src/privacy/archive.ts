// Raw events, archived per shop, UTC day and shard as NDJSON in R2 (`events/SITE/DAY/SHARD.ndjson`),
// for export to a warehouse. A shard archives each finished day once; retention purges only days
// that are archived, so no event leaves the shard before it is kept elsewhere.
import { utcDay } from './ip-hash';
import { EVENT_FIELDS } from '../shard-schema';

const DAY_MS = 86_400_000;
/** An event's UTC day as a number (days since 1970), in SQL. */
const DAY_OF_TS = `CAST(ts / ${DAY_MS} AS INTEGER)`;
/** A UTC day ("YYYY-MM-DD") as event_days numbers it. */
const dayNumber = (day: string) => Date.parse(day) / DAY_MS;

/** Notes the arrival range of the events just stored (`stored`: their place `n` and time `ts`), a statement per day among them. */
export function noteEventDays(sql: SqlStorage, stored: readonly { n: number; ts: number }[]): void {
  const ranges = new Map<number, { first: number; last: number }>();
  for (const { n, ts } of stored) {
    const day = Math.floor(ts / DAY_MS);
    const range = ranges.get(day);
    if (!range) ranges.set(day, { first: n, last: n });
    else (range.first = Math.min(range.first, n)), (range.last = Math.max(range.last, n));
  }
  for (const [day, { first, last }] of ranges) {
    sql.exec(`INSERT INTO event_days (day, first_n, last_n) VALUES (?, ?, ?)
      ON CONFLICT (day) DO UPDATE SET first_n = min(first_n, excluded.first_n), last_n = max(last_n, excluded.last_n)`, day, first, last);
  }
}

/** A day's events: the first and last `n` of its range, then its first millisecond and the next day's. */
export const EVENTS_ON_DAY = 'n BETWEEN ? AND ? AND ts >= ? AND ts < ?';

/**
 * The events of a UTC day ("YYYY-MM-DD") stored after `after` (arrival order): a condition on
 * `events` and its bindings, read by the day's arrival range, and the range's last `n`.
 */
function onDay(sql: SqlStorage, day: string, after = 0): { where: string; bindings: number[]; last: number } | null {
  const from = Date.parse(day);
  const range = sql.exec<{ first_n: number; last_n: number }>('SELECT first_n, last_n FROM event_days WHERE day = ?', dayNumber(day)).toArray()[0];
  return range ? { where: EVENTS_ON_DAY, bindings: [Math.max(range.first_n, after + 1), range.last_n, from, from + DAY_MS], last: range.last_n } : null;
}

export function migrateArchive(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS archived_days (day TEXT PRIMARY KEY, events INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID');
  // Where each UTC day's events lie in arrival order (`n`): the first and last event stored with
  // a time on that day. A day is read by that range of the events table, so no event carries an
  // index entry by time (in workerd that index was a tenth of what storing a batch cost).
  // Shards made before kept such an index: its entries give the ranges once, then it goes.
  sql.exec('CREATE TABLE IF NOT EXISTS event_days (day INTEGER PRIMARY KEY, first_n INTEGER NOT NULL, last_n INTEGER NOT NULL)');
  if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_by_ts'").toArray().length) {
    sql.exec(`INSERT OR REPLACE INTO event_days (day, first_n, last_n) SELECT ${DAY_OF_TS}, min(n), max(n) FROM events GROUP BY 1`);
    sql.exec('DROP INDEX events_by_ts');
  }
  // The archived days that hold each visitor's lines: erasure rewrites them even when the rows
  // are gone from the shard (purged by retention, or an engagement report taken over by a later one).
  sql.exec('CREATE TABLE IF NOT EXISTS archived_visitor_days (visitor_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (visitor_id, day)) WITHOUT ROWID');
  // How far in arrival order (`n`) each archived day was archived: events of the day stored
  // after that (late, from an offline queue or an import) are added to its file by a later run.
  // Days archived before this column existed count as archived up to now.
  if (!sql.exec("SELECT 1 FROM pragma_table_info('archived_days') WHERE name = 'through_n'").toArray().length) {
    sql.exec('ALTER TABLE archived_days ADD COLUMN through_n INTEGER');
    for (const { day } of sql.exec<{ day: string }>('SELECT day FROM archived_days').toArray()) {
      const last = sql.exec<{ last_n: number }>('SELECT last_n FROM event_days WHERE day = ?', dayNumber(day)).toArray()[0]?.last_n ?? 0;
      sql.exec('UPDATE archived_days SET through_n = ? WHERE day = ?', last, day);
    }
  }
}

export const archiveKey = (site: string, day: string, shard: string) => `events/${site}/${day}/${shard}.ndjson`;

/** The finished days (before today, UTC) that have events and no archive yet, oldest first. */
export function daysToArchive(sql: SqlStorage, now = Date.now(), max = 7): string[] {
  const firstDay = sql.exec<{ day: number | null }>('SELECT min(day) AS day FROM event_days').one().day;
  if (firstDay === null) return [];
  const first = firstDay * DAY_MS;
  const today = utcDay(now);
  const done = new Set(sql.exec<{ day: string }>('SELECT day FROM archived_days').toArray().map((r) => r.day));
  const days: string[] = [];
  for (let t = Date.parse(utcDay(first)); utcDay(t) < today && days.length < max; t += DAY_MS) {
    const day = utcDay(t);
    if (!done.has(day)) days.push(day);
  }
  return days;
}

/** Archived days that had events stored since they were archived (late ones), oldest first, with how far each was archived. */
export function daysWithLateEvents(sql: SqlStorage, max = 7): { day: string; through: number }[] {
  const last = new Map(sql.exec<{ day: number; last_n: number }>('SELECT day, last_n FROM event_days').toArray().map((r) => [r.day, r.last_n]));
  const late: { day: string; through: number }[] = [];
  for (const { day, through_n } of sql.exec<{ day: string; through_n: number }>('SELECT day, through_n FROM archived_days ORDER BY day')) {
    if (late.length < max && (last.get(dayNumber(day)) ?? 0) > through_n) late.push({ day, through: through_n });
  }
  return late;
}

/**
 * A day's events as NDJSON (JSON columns inlined), those stored after `after` (arrival order)
 * only; `through`: how far the day is archived once this body is.
 */
export function dayAsNdjson(sql: SqlStorage, day: string, after = 0): { body: string; events: number; through: number } {
  const on = onDay(sql, day, after);
  const rows = on ? sql.exec(`SELECT ${EVENT_FIELDS} FROM events WHERE ${on.where} ORDER BY ts`, ...on.bindings).toArray() : [];
  const lines = rows.map((r) => JSON.stringify({ ...r, utm: r.utm ? JSON.parse(r.utm as string) : null, props: JSON.parse(r.props as string) }));
  return { body: lines.length ? `${lines.join('\n')}\n` : '', events: lines.length, through: Math.max(after, on?.last ?? 0) };
}

/** Notes a day archived through `through` (arrival order) with `events` more lines, and the visitors of the lines it added. */
export function markArchived(sql: SqlStorage, day: string, events: number, through: number, now = Date.now()): void {
  const before = sql.exec<{ through_n: number }>('SELECT through_n FROM archived_days WHERE day = ?', day).toArray()[0]?.through_n ?? 0;
  sql.exec(`INSERT INTO archived_days (day, events, at, through_n) VALUES (?, ?, ?, ?)
    ON CONFLICT (day) DO UPDATE SET events = events + excluded.events, at = excluded.at, through_n = excluded.through_n`, day, events, now, through);
  const on = onDay(sql, day, before); // the visitors of lines archived before are noted already
  if (on) sql.exec(`INSERT OR IGNORE INTO archived_visitor_days (visitor_id, day) SELECT DISTINCT visitor_id, ? FROM events WHERE ${on.where}`, day, ...on.bindings);
}

/**
 * An archived day's NDJSON with late lines added: a line whose event is there already is left
 * out (a retried run adds nothing twice), and a page view's later engagement report takes the
 * place of its earlier one, as in the shard (one row per page view).
 */
export function withLateLines(ndjson: string, late: string): string {
  type Line = { event_id: string; visitor_id: string; page_id: string | null; name: string };
  const pageView = (e: Line) => (e.name === 'user_engagement' && e.page_id !== null ? `${e.visitor_id}\n${e.page_id}` : null);
  const lines = ndjson.split('\n').filter(Boolean);
  const ids = new Set<string>();
  const reportAt = new Map<string, number>();
  lines.forEach((line, i) => {
    const e = JSON.parse(line) as Line;
    ids.add(e.event_id);
    const key = pageView(e);
    if (key !== null) reportAt.set(key, i);
  });
  for (const line of late.split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as Line;
    if (ids.has(e.event_id)) continue;
    ids.add(e.event_id);
    const key = pageView(e);
    const at = key === null ? undefined : reportAt.get(key);
    if (at !== undefined) lines[at] = line;
    else {
      if (key !== null) reportAt.set(key, lines.length);
      lines.push(line);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * Deletes raw events older than `retentionDays` on archived days only; returns how many went.
 * The quarantine's errors and the browsers' reports of dropped events, which name visitors too,
 * go by the same cutoff (they are in no archive).
 */
export function purgeExpired(sql: SqlStorage, retentionDays: number, now = Date.now()): number {
  if (!retentionDays) return 0;
  const cutoff = Date.parse(utcDay(now - retentionDays * DAY_MS));
  const archived = sql.exec<{ day: string }>('SELECT day FROM archived_days WHERE day < ?', utcDay(cutoff)).toArray();
  let purged = 0;
  for (const { day } of archived) {
    const on = onDay(sql, day);
    if (!on) continue;
    purged += sql.exec(`DELETE FROM events WHERE ${on.where}`, ...on.bindings).rowsWritten;
    sql.exec('DELETE FROM event_days WHERE day = ?', dayNumber(day));
  }
  sql.exec('DELETE FROM quarantine WHERE at < ?', cutoff);
  sql.exec('DELETE FROM dropped_reports WHERE at < ?', cutoff);
  return purged;
}

/** How an archived day's file is stored. */
export const NDJSON = { httpMetadata: { contentType: 'application/x-ndjson' } };

/** Rewrites an archived day's file without one visitor's lines (deleting a file left empty); false when there is no file. */
export async function rewriteWithoutVisitor(bucket: R2Bucket, key: string, visitorId: string): Promise<boolean> {
  const object = await bucket.get(key);
  if (!object) return false;
  const kept = withoutVisitor(await object.text(), visitorId);
  if (kept) await bucket.put(key, kept, NDJSON);
  else await bucket.delete(key);
  return true;
}

/** Removes one visitor's lines from an archived day's NDJSON. */
function withoutVisitor(ndjson: string, visitorId: string): string {
  const kept = ndjson.split('\n').filter((line) => line && (JSON.parse(line) as { visitor_id?: string }).visitor_id !== visitorId);
  return kept.length ? `${kept.join('\n')}\n` : '';
}
