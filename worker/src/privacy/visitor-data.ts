// A visitor's data is theirs: everything a shard holds about one visitor, to export or to erase.
// Erasure leaves only the aggregate rollups (sums over many visitors), in which nobody can be
// singled out, and the distinct-visitor rows of the overview under an id of no one; the archived
// raw events of the visitor are rewritten without them by the caller.
import { EVENT_FIELDS } from '../shard-schema';

/**
 * Tables of a visitor shard keyed by visitor, and what each holds: every table with a visitor_id
 * column (tests/worker/erasure-tables.test.ts checks that none still names an erased visitor).
 * `counted`: the visitor's rows count distinct visitors in the overview's rollups.
 */
const VISITOR_TABLES: { table: string; what: string; columns?: string; counted?: boolean; kept?: boolean }[] = [
  { table: 'visitors', what: 'first and last seen, event and dropped counts' },
  { table: 'events', what: 'every stored event', columns: EVENT_FIELDS },
  { table: 'sessions', what: 'session state and features' },
  { table: 'profiles', what: 'lifetime profile, segment, intent' },
  { table: 'visitor_tokens', what: 'the hash of the secret token the visitor’s browser sends' },
  { table: 'dropped_reports', what: 'events the visitor’s browser reported it could not send' },
  { table: 'quarantine', what: 'events of the visitor that scoring could not apply, with the error' },
  { table: 'campaign_assignments', what: 'campaign arms, exposures and clicks' },
  { table: 'campaign_exposure_days', what: 'impressions per day, for frequency caps' },
  { table: 'campaign_outcomes', what: 'the visitor’s current contribution to campaign rollups' },
  { table: 'visitor_days', what: 'days the visitor was seen', counted: true },
  { table: 'visitor_hours', what: 'hours of the last two days the visitor was seen', counted: true },
  { table: 'attribution_credits', what: 'the visitor’s current credits in the attribution rollups' },
  { table: 'archived_visitor_days', what: 'days whose raw-event archive holds the visitor', kept: true },
];

const JSON_COLUMNS = new Set(['props', 'utm', 'state', 'memberships', 'bucket', 'stats']);

function tablesPresent(sql: SqlStorage): Set<string> {
  return new Set(sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((r) => r.name));
}

/** Everything stored about the visitor in this shard, table by table, JSON columns parsed. */
export function exportVisitor(sql: SqlStorage, visitorId: string): Record<string, unknown[]> {
  const present = tablesPresent(sql);
  const out: Record<string, unknown[]> = Object.create(null);
  for (const { table, columns } of VISITOR_TABLES) {
    if (!present.has(table)) continue;
    out[table] = sql.exec(`SELECT ${columns ?? '*'} FROM ${table} WHERE visitor_id = ?`, visitorId).toArray().map((row) => {
      const r: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) r[k] = JSON_COLUMNS.has(k) && typeof v === 'string' ? safeParse(v) : v;
      return r;
    });
  }
  return out;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface Erasure {
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** UTC days that had events of the visitor: their archives must be rewritten. */
  days: string[];
  /** The visitor's session ids, for the site-wide recommender to forget. */
  sessions: string[];
}

/** Sessions of erased visitors that the site's recommender may not have forgotten yet. */
const ERASURE_PENDING = 'CREATE TABLE IF NOT EXISTS erasure_pending (visitor_id TEXT NOT NULL, session_id TEXT NOT NULL, PRIMARY KEY (visitor_id, session_id)) WITHOUT ROWID';

/**
 * Deletes every row about the visitor in this shard (call inside one transaction), but what the
 * rest of the erasure needs: the archived days that hold their raw events and their session ids.
 * Those stay until the caller has rewritten the archives and the recommender has forgotten the
 * sessions (`completeErasure`), so an erasure that fails half-way (R2 or the recommender
 * unavailable) can be sent again and still finds them. Erasing again returns the same days and sessions.
 */
export function eraseVisitor(sql: SqlStorage, visitorId: string): Erasure {
  const present = tablesPresent(sql);
  // (and archived days whose rows are gone from the shard: purged, or a report taken over)
  const archivedDays = present.has('archived_visitor_days') ? ' UNION SELECT day FROM archived_visitor_days WHERE visitor_id = ?1' : '';
  const days = present.has('events')
    ? sql.exec<{ day: string }>(`SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch') AS day FROM events WHERE visitor_id = ?1${archivedDays}`, visitorId).toArray().map((r) => r.day)
    : [];
  // The sessions the recommender must forget, kept (with the archived days) until the erasure
  // is complete: a retry after a failure finds them again (`completeErasure`). Every day of the
  // visitor's events counts as archived until then: an upload of that day may be under way, and
  // a retry must rewrite its file even though the events are gone (a day without a file is skipped).
  sql.exec(ERASURE_PENDING);
  if (present.has('archived_visitor_days') && present.has('events')) {
    sql.exec(`INSERT OR IGNORE INTO archived_visitor_days (visitor_id, day) SELECT DISTINCT visitor_id, strftime('%Y-%m-%d', ts / 1000, 'unixepoch') FROM events WHERE visitor_id = ?`, visitorId);
  }
  if (present.has('sessions')) sql.exec('INSERT OR IGNORE INTO erasure_pending (visitor_id, session_id) SELECT visitor_id, session_id FROM sessions WHERE visitor_id = ?', visitorId);
  const sessions = sql.exec<{ session_id: string }>('SELECT session_id FROM erasure_pending WHERE visitor_id = ?', visitorId).toArray().map((r) => r.session_id);
  const deleted: Record<string, number> = Object.create(null);
  // The rows that count distinct visitors stay, under an id of no one (never a valid visitor id):
  // the overview still counts the visitor once per day and range, as the rollups keep their sums,
  // and the same id coming back counts as a new visitor, as it does everywhere after an erasure.
  const nobody = `erased:${crypto.randomUUID()}`;
  for (const { table, counted, kept } of VISITOR_TABLES) {
    if (!present.has(table) || kept) continue;
    deleted[table] = counted
      ? sql.exec(`UPDATE ${table} SET visitor_id = ? WHERE visitor_id = ?`, nobody, visitorId).rowsWritten
      : sql.exec(`DELETE FROM ${table} WHERE visitor_id = ?`, visitorId).rowsWritten;
  }
  if (sessions.length && present.has('brain_outbox')) deleted.brain_outbox = dropUndelivered(sql, new Set(sessions));
  return { deleted, days, sessions };
}

/**
 * Takes the sessions' observations out of the shard's queue for the site's recommender, so the
 * recommender cannot learn them after it has forgotten them (the caller asks it to); returns how
 * many were taken out.
 */
function dropUndelivered(sql: SqlStorage, sessions: ReadonlySet<string>): number {
  let dropped = 0;
  for (const { id, body } of sql.exec<{ id: number; body: string }>('SELECT id, body FROM brain_outbox').toArray()) {
    const observations = JSON.parse(body) as { sessionId: string }[];
    const kept = observations.filter((o) => !sessions.has(o.sessionId));
    if (kept.length === observations.length) continue;
    dropped += observations.length - kept.length;
    if (kept.length) sql.exec('UPDATE brain_outbox SET body = ? WHERE id = ?', JSON.stringify(kept), id);
    else sql.exec('DELETE FROM brain_outbox WHERE id = ?', id);
  }
  return dropped;
}

/** The last of an erasure: the archives are rewritten and the recommender has forgotten the sessions. */
export function completeErasure(sql: SqlStorage, visitorId: string): void {
  const present = tablesPresent(sql);
  if (present.has('archived_visitor_days')) sql.exec('DELETE FROM archived_visitor_days WHERE visitor_id = ?', visitorId);
  if (present.has('erasure_pending')) sql.exec('DELETE FROM erasure_pending WHERE visitor_id = ?', visitorId);
}

/** What `exportVisitor` covers, for docs and the export's header. */
export const VISITOR_DATA = VISITOR_TABLES;
