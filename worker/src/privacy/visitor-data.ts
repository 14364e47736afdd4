// A visitor's data is theirs: everything a shard holds about one visitor, to export or to erase.
// Erasure leaves only the aggregate rollups (sums over many visitors), in which nobody can be
// singled out; the archived raw events of the visitor are rewritten without them by the caller.
import { EVENT_FIELDS } from '../shard-schema';

/** Tables of a visitor shard keyed by visitor, and what each holds. */
const VISITOR_TABLES: { table: string; what: string; columns?: string }[] = [
  { table: 'visitors', what: 'first and last seen, event and dropped counts' },
  { table: 'events', what: 'every stored event', columns: EVENT_FIELDS },
  { table: 'sessions', what: 'session state and features' },
  { table: 'profiles', what: 'lifetime profile, segment, intent' },
  { table: 'campaign_assignments', what: 'campaign arms, exposures and clicks' },
  { table: 'campaign_exposure_days', what: 'impressions per day, for frequency caps' },
  { table: 'campaign_outcomes', what: 'the visitor’s current contribution to campaign rollups' },
  { table: 'visitor_days', what: 'days the visitor was seen' },
  { table: 'attribution_credits', what: 'the visitor’s current credits in the attribution rollups' },
  { table: 'archived_visitor_days', what: 'days whose raw-event archive holds the visitor' },
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

/** Deletes every row about the visitor in this shard (call inside one transaction). */
export function eraseVisitor(sql: SqlStorage, visitorId: string): Erasure {
  const present = tablesPresent(sql);
  // (and archived days whose rows are gone from the shard: purged, or a report taken over)
  const archivedDays = present.has('archived_visitor_days') ? ' UNION SELECT day FROM archived_visitor_days WHERE visitor_id = ?1' : '';
  const days = present.has('events')
    ? sql.exec<{ day: string }>(`SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch') AS day FROM events WHERE visitor_id = ?1${archivedDays}`, visitorId).toArray().map((r) => r.day)
    : [];
  const sessions = present.has('sessions')
    ? sql.exec<{ session_id: string }>('SELECT session_id FROM sessions WHERE visitor_id = ?', visitorId).toArray().map((r) => r.session_id)
    : [];
  const deleted: Record<string, number> = Object.create(null);
  for (const { table } of VISITOR_TABLES) {
    if (present.has(table)) deleted[table] = sql.exec(`DELETE FROM ${table} WHERE visitor_id = ?`, visitorId).rowsWritten;
  }
  return { deleted, days, sessions };
}

/** What `exportVisitor` covers, for docs and the export's header. */
export const VISITOR_DATA = VISITOR_TABLES;
