// The shop overview's rollups in a visitor shard, per UTC day: visitors, sessions, engaged time,
// orders, revenue and converting sessions of people, with bots counted apart; and per item and
// day its views, purchases and revenue. Written as events are applied (each event exactly once),
// read by GET /v1/reports/overview summed over the site's shards.

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the lifecycle mix reads of a profile: the same expressions make the index, which a read then uses alone. */
const LIFECYCLE_FIELDS = { last: "state ->> '$.lastSeen'", visits: "state ->> '$.visits'", purchases: "state ->> '$.purchases'", engaged: "state ->> '$.engagedMs'", views: "state ->> '$.productViews'" };

/** Every profile's lifecycle inputs (the profiles table is the shard's, visitor-shard.ts). */
export function lifecycleRows(sql: SqlStorage) {
  return sql.exec<Record<keyof typeof LIFECYCLE_FIELDS, number>>(
    `SELECT ${Object.entries(LIFECYCLE_FIELDS).map(([name, expr]) => `${expr} AS ${name}`).join(', ')} FROM profiles`);
}

export function migrateSiteRollups(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS site_days (
      day TEXT PRIMARY KEY, visitors INTEGER NOT NULL DEFAULT 0, sessions INTEGER NOT NULL DEFAULT 0,
      engaged_ms INTEGER NOT NULL DEFAULT 0, orders INTEGER NOT NULL DEFAULT 0, revenue INTEGER NOT NULL DEFAULT 0,
      converting_sessions INTEGER NOT NULL DEFAULT 0, bot_sessions INTEGER NOT NULL DEFAULT 0, bot_events INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS visitor_days (visitor_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (visitor_id, day)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS site_hours (
      hour TEXT PRIMARY KEY, visitors INTEGER NOT NULL DEFAULT 0, sessions INTEGER NOT NULL DEFAULT 0,
      engaged_ms INTEGER NOT NULL DEFAULT 0, orders INTEGER NOT NULL DEFAULT 0, revenue INTEGER NOT NULL DEFAULT 0,
      converting_sessions INTEGER NOT NULL DEFAULT 0, bot_sessions INTEGER NOT NULL DEFAULT 0, bot_events INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS visitor_hours (visitor_id TEXT NOT NULL, hour TEXT NOT NULL, PRIMARY KEY (hour, visitor_id)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS item_days (
      day TEXT NOT NULL, item_id TEXT NOT NULL, views INTEGER NOT NULL DEFAULT 0, purchases INTEGER NOT NULL DEFAULT 0,
      revenue INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, item_id)
    ) WITHOUT ROWID;`);
  // The overview's lifecycle mix reads five fields of every profile: kept in an index, a read
  // takes them from there instead of parsing each profile's JSON.
  sql.exec(`CREATE INDEX IF NOT EXISTS profiles_lifecycle ON profiles (${Object.values(LIFECYCLE_FIELDS).join(', ')})`);
}

type DayCounter = 'visitors' | 'sessions' | 'engaged_ms' | 'orders' | 'revenue' | 'converting_sessions' | 'bot_sessions' | 'bot_events';

/**
 * Hourly rows are kept for events of the last two days only (today and yesterday in any time
 * zone): older hours are never shown, and their distinct visitors are pruned.
 */
export const HOURLY_KEEP_MS = 2 * 86_400_000;
export const utcHour = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/** Where an event counts: its day, and its hour (YYYY-MM-DDTHH, UTC) when recent. */
interface At {
  day: string;
  hour: string | null;
}
const at = (ms: number, now: number): At => ({ day: utcDay(ms), hour: ms >= now - HOURLY_KEEP_MS ? utcHour(ms) : null });

function bump(sql: SqlStorage, where: At, field: DayCounter, by: number) {
  if (!by) return;
  sql.exec(`INSERT INTO site_days (day, ${field}) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET ${field} = ${field} + excluded.${field}`, where.day, by);
  if (where.hour) sql.exec(`INSERT INTO site_hours (hour, ${field}) VALUES (?, ?) ON CONFLICT (hour) DO UPDATE SET ${field} = ${field} + excluded.${field}`, where.hour, by);
}

/** Counts the visitor once per day (and recent hour). */
function countVisitor(sql: SqlStorage, visitorId: string, where: At, now: number) {
  if (sql.exec('INSERT OR IGNORE INTO visitor_days (visitor_id, day) VALUES (?, ?)', visitorId, where.day).rowsWritten) bump(sql, { day: where.day, hour: null }, 'visitors', 1);
  if (!where.hour || !sql.exec('INSERT OR IGNORE INTO visitor_hours (visitor_id, hour) VALUES (?, ?)', visitorId, where.hour).rowsWritten) return;
  // The hour's first visitor here: a moment to forget the visitors of hours too old to be shown.
  if (sql.exec('INSERT OR IGNORE INTO site_hours (hour) VALUES (?)', where.hour).rowsWritten) sql.exec('DELETE FROM visitor_hours WHERE hour < ?', utcHour(now - HOURLY_KEEP_MS));
  sql.exec('UPDATE site_hours SET visitors = visitors + 1 WHERE hour = ?', where.hour);
}

function bumpItem(sql: SqlStorage, day: string, item: string, field: 'views' | 'purchases' | 'revenue', by: number) {
  sql.exec(`INSERT INTO item_days (day, item_id, ${field}) VALUES (?, ?, ?) ON CONFLICT (day, item_id) DO UPDATE SET ${field} = ${field} + excluded.${field}`, day, item.slice(0, 100), by);
}

const cents = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 100) : 0);

/** What applying one event did, as far as the overview is concerned. */
export interface AppliedEvent {
  visitorId: string;
  ts: number;
  name: string;
  props: Record<string, any>;
  /** The session is a bot's (by user agent, automation signals or behaviour). */
  bot: boolean;
  /** This event began its session. */
  sessionStarted: boolean;
  /** Engaged ms this event added to its session. */
  engagedDelta: number;
  /** This event is the session's first purchase. */
  firstPurchase: boolean;
}

/** `visitorDays`: the days and hours this visitor was already counted for in the caller's run (saves writes per event). */
export function rollupEvent(sql: SqlStorage, e: AppliedEvent, visitorDays?: Set<string>, now = Date.now()): void {
  const where = at(e.ts, now);
  const day = where.day;
  if (e.bot) {
    bump(sql, where, 'bot_events', 1);
    if (e.sessionStarted) bump(sql, where, 'bot_sessions', 1);
    return;
  }
  const counted = where.hour ?? day;
  if (!visitorDays?.has(counted)) {
    visitorDays?.add(counted);
    countVisitor(sql, e.visitorId, where, now);
  }
  if (e.sessionStarted) bump(sql, where, 'sessions', 1);
  bump(sql, where, 'engaged_ms', Math.max(0, Math.round(e.engagedDelta)));
  const items: { item_id?: unknown; price?: unknown; quantity?: unknown }[] = Array.isArray(e.props.items) ? e.props.items : e.props.item_id ? [e.props] : [];
  if (e.name === 'view_item') for (const it of items) if (typeof it.item_id === 'string') bumpItem(sql, day, it.item_id, 'views', 1);
  if (e.name === 'purchase') {
    bump(sql, where, 'orders', 1);
    bump(sql, where, 'revenue', cents(e.props.value));
    if (e.firstPurchase) bump(sql, where, 'converting_sessions', 1);
    for (const it of items) {
      if (typeof it.item_id !== 'string') continue;
      bumpItem(sql, day, it.item_id, 'purchases', 1);
      bumpItem(sql, day, it.item_id, 'revenue', cents(it.price) * (Number.isInteger(it.quantity) ? (it.quantity as number) : 1));
    }
  }
}

/**
 * A session found to be a bot's after it was counted as a person's: its counts move to the bot
 * columns (what it added is known from its state).
 */
export function reclassifyAsBot(sql: SqlStorage, s: { start: number; engagedMs: number; purchased: boolean; orders: number; revenueCents: number; events: number }, now = Date.now()): void {
  const day = at(s.start, now);
  bump(sql, day, 'sessions', -1);
  bump(sql, day, 'engaged_ms', -s.engagedMs);
  bump(sql, day, 'orders', -s.orders);
  bump(sql, day, 'revenue', -s.revenueCents);
  if (s.purchased) bump(sql, day, 'converting_sessions', -1);
  bump(sql, day, 'bot_sessions', 1);
  bump(sql, day, 'bot_events', s.events);
}

export interface DayRow {
  day: string;
  visitors: number;
  sessions: number;
  engaged_ms: number;
  orders: number;
  revenue: number;
  converting_sessions: number;
  bot_sessions: number;
  bot_events: number;
}

/** The hourly rows (YYYY-MM-DDTHH) of days `fromDay` to `toDay`; only recent hours are kept. */
export function siteHourRows(sql: SqlStorage, fromDay: string, toDay: string): (Omit<DayRow, 'day'> & { hour: string })[] {
  return sql.exec<Omit<DayRow, 'day'> & { hour: string } & Record<string, SqlStorageValue>>(
    'SELECT * FROM site_hours WHERE hour >= ? AND hour < ? ORDER BY hour', fromDay, `${toDay}U`).toArray();
}

export function siteDayRows(sql: SqlStorage, fromDay: string, toDay: string): DayRow[] {
  return sql.exec<DayRow & Record<string, SqlStorageValue>>('SELECT * FROM site_days WHERE day >= ? AND day <= ? ORDER BY day', fromDay, toDay).toArray();
}

export function topItemRows(sql: SqlStorage, fromDay: string, toDay: string, limit = 50) {
  return sql
    .exec<{ item_id: string; views: number; purchases: number; revenue: number }>(
      `SELECT item_id, sum(views) AS views, sum(purchases) AS purchases, sum(revenue) AS revenue FROM item_days
       WHERE day >= ? AND day <= ? GROUP BY item_id ORDER BY revenue DESC, views DESC LIMIT ?`, fromDay, toDay, limit)
    .toArray();
}

/** Distinct visitors (people) seen from `fromDay` to `toDay`; exact when summed over shards, since a visitor lives in one. */
export function distinctVisitors(sql: SqlStorage, fromDay: string, toDay: string): number {
  return sql.exec<{ n: number }>('SELECT count(DISTINCT visitor_id) AS n FROM visitor_days WHERE day >= ? AND day <= ?', fromDay, toDay).one().n;
}
