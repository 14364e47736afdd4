// The shop overview's rollups in a visitor shard, per UTC day: visitors, sessions, engaged time,
// orders, revenue and converting sessions of people, with bots counted apart; and per item and
// day its views, purchases and revenue. Written as events are applied (each event exactly once),
// read by GET /v1/reports/overview summed over the site's shards.
import type { LifecycleRules } from '../ml/lifecycle';
import { itemsOf } from '../scoring/session-state';
import { insertRows } from '../sql-rows';
import { packRows } from './packed';

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What the lifecycle mix reads of a profile: columns written beside its JSON (shard-schema.ts), kept in one index with the segment. */
const LIFECYCLE_FIELDS = { last: 'last_seen', visits: 'visits', purchases: 'purchases', engaged: 'engaged_ms', views: 'product_views' };
export const LIFECYCLE_COLUMNS = Object.values(LIFECYCLE_FIELDS);

/** A profile's lifecycle inputs, in the order of LIFECYCLE_COLUMNS. */
export const lifecycleInputs = (p: { lastSeen: number; visits: number; purchases: number; engagedMs: number; productViews: number }) =>
  [p.lastSeen, p.visits, p.purchases, p.engagedMs, p.productViews];

/** Every profile's lifecycle inputs (the profiles table is the shard's, visitor-shard.ts). */
export function lifecycleRows(sql: SqlStorage) {
  return sql.exec<Record<keyof typeof LIFECYCLE_FIELDS, number>>(
    `SELECT ${Object.entries(LIFECYCLE_FIELDS).map(([name, column]) => `${column} AS ${name}`).join(', ')} FROM profiles`);
}

/**
 * The shard's lifecycle and segment mix at `now` (bound first), as rows (stage, segment,
 * visitors): lifecycleStage (ml/lifecycle.ts) written in SQL over lifecycleRows, so a count per
 * stage and segment leaves the shard instead of a row per profile (tests/worker/reports-packed.test.ts
 * holds the two to the same stages). A missing field counts as 0, as in JS. One pass over the
 * profiles_mix index, which holds every column read.
 */
export function profileMixSelect(rules: LifecycleRules): string {
  const days = `(?1 - coalesce(${LIFECYCLE_FIELDS.last}, 0)) / 86400000.0`;
  const v = (f: keyof typeof LIFECYCLE_FIELDS) => `coalesce(${LIFECYCLE_FIELDS[f]}, 0)`;
  const stage = `CASE WHEN ${days} >= ${rules.churnedAfterDays} THEN 'churned' WHEN ${days} >= ${rules.lapsingAfterDays} THEN 'lapsing'
    WHEN ${v('purchases')} >= ${rules.loyalPurchases} OR ${v('visits')} >= ${rules.loyalVisits} THEN 'loyal'
    WHEN ${v('visits')} >= 2 THEN 'returning'
    WHEN ${v('engaged')} >= ${rules.engagedMs} OR ${v('views')} >= ${rules.engagedProductViews} THEN 'engaged' ELSE 'new' END`;
  return `SELECT ${stage} AS stage, coalesce(segment, 'unsegmented') AS segment, count(*) AS visitors FROM profiles GROUP BY 1, 2`;
}
export const PROFILE_MIX_COLUMNS = ['stage', 'segment', 'visitors'] as const;

export function migrateSiteRollups(sql: SqlStorage): void {
  const counters = COUNTERS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(', ');
  sql.exec(`
    CREATE TABLE IF NOT EXISTS site_days (day TEXT PRIMARY KEY, ${counters}) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS visitor_days (visitor_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (visitor_id, day)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS site_hours (hour TEXT PRIMARY KEY, ${counters}) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS visitor_hours (visitor_id TEXT NOT NULL, hour TEXT NOT NULL, PRIMARY KEY (hour, visitor_id)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS item_days (
      day TEXT NOT NULL, item_id TEXT NOT NULL, views INTEGER NOT NULL DEFAULT 0, purchases INTEGER NOT NULL DEFAULT 0,
      revenue INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, item_id)
    ) WITHOUT ROWID;`);
  // The overview's lifecycle and segment mix read five fields and the segment of every profile:
  // kept in an index, a read takes them from there instead of scanning the profiles. Every apply
  // rewrites a profile's entry anyway (its state changes), so the index costs little. (Earlier
  // indexes held the fields as expressions over the JSON.)
  sql.exec(`DROP INDEX IF EXISTS profiles_lifecycle;
    DROP INDEX IF EXISTS profiles_lifecycle_segment;
    CREATE INDEX IF NOT EXISTS profiles_mix ON profiles (${LIFECYCLE_COLUMNS.join(', ')}, segment)`);
}

/** A day's (and an hour's) counters, of people and of bots. */
const COUNTERS = ['visitors', 'sessions', 'engaged_ms', 'orders', 'revenue', 'converting_sessions', 'bot_sessions', 'bot_events'] as const;
type DayCounter = (typeof COUNTERS)[number];
type Counters = Record<DayCounter, number>;

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
const at = (ms: number, now: number): At => {
  const hour = hourText(ms);
  return { day: hour.slice(0, 10), hour: ms >= now - HOURLY_KEEP_MS ? hour : null };
};

/** utcHour, remembered per hour: every applied event needs its day and hour, and formatting a date costs more than the rest of counting it. */
const hourTexts = new Map<number, string>();
function hourText(ms: number): string {
  const key = Math.floor(ms / 3_600_000);
  let text = hourTexts.get(key);
  if (text === undefined) {
    if (hourTexts.size >= 1_000) hourTexts.clear(); // bounded: old days are rare
    hourTexts.set(key, (text = utcHour(ms)));
  }
  return text;
}

const cents = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 100) : 0);

/**
 * The items of an event and the revenue of their lines, in cents: an item listed twice in one
 * event is one view, and one purchase of both lines' revenue.
 */
export function itemLines(props: Record<string, any>): Map<string, number> {
  const lines = new Map<string, number>(); // item ids are the page's strings: a Map
  for (const it of itemsOf(props)) {
    if (typeof it.item_id !== 'string') continue;
    lines.set(it.item_id, (lines.get(it.item_id) ?? 0) + cents(it.price) * (Number.isInteger(it.quantity) ? (it.quantity as number) : 1));
  }
  return lines;
}

/** What a session counted for one item as a person's: [item id, views, purchases, revenue in cents]. */
export type CountedItem = [string, number, number, number];

const ADD_COUNTERS = COUNTERS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
const zero = () => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/**
 * Applied events, summed for the overview's rollups and written in a few statements at the end
 * (`flush`, in the same transaction as the events' other effects), rather than a statement per
 * counter per event. A shard sums each visitor's events in a batch of their own and, once that
 * visitor's apply has succeeded, moves it into the batch of the whole run (`absorb`), written
 * once for every visitor of the run.
 */
export class SiteRollupBatch {
  private readonly days = new Map<string, Counters>();
  private readonly hours = new Map<string, Counters>();
  private readonly items = new Map<string, { day: string; item: string; views: number; purchases: number; revenue: number }>();
  /** Visitors' days and recent hours ("visitor\nday"), each counted once (per shard, ever) at the flush. */
  private readonly visitorDays = new Set<string>();
  private readonly visitorHours = new Set<string>();

  constructor(private readonly now = Date.now()) {}

  /** Counts one applied event. */
  add(e: AppliedEvent): void {
    const where = at(e.ts, this.now);
    if (e.bot) {
      this.bump(where, 'bot_events', 1);
      if (e.sessionStarted) this.bump(where, 'bot_sessions', 1);
      return;
    }
    this.visitorDays.add(`${e.visitorId}\n${where.day}`);
    if (where.hour) this.visitorHours.add(`${e.visitorId}\n${where.hour}`);
    if (e.sessionStarted) this.bump(where, 'sessions', 1);
    this.bump(where, 'engaged_ms', Math.max(0, Math.round(e.engagedDelta)));
    const lines = itemLines(e.props);
    if (e.name === 'view_item') for (const item of lines.keys()) this.item(where.day, item).views++;
    if (e.name === 'purchase' && !e.repeatOrder) {
      this.bump(where, 'orders', 1);
      this.bump(where, 'revenue', cents(e.props.value));
      if (e.firstPurchase) this.bump(where, 'converting_sessions', 1);
      for (const [item, revenue] of lines) {
        const row = this.item(where.day, item);
        row.purchases++;
        row.revenue += revenue;
      }
    }
  }

  /**
   * A session found to be a bot's after it was counted as a person's: its counts move to the bot
   * columns (what it added is known from its state).
   */
  reclassifyAsBot(s: { start: number; engagedMs: number; purchased: boolean; orders: number; revenueCents: number; events: number; items?: CountedItem[] }): void {
    const where = at(s.start, this.now);
    for (const [item, views, purchases, revenue] of s.items ?? []) {
      const row = this.item(where.day, item);
      row.views -= views;
      row.purchases -= purchases;
      row.revenue -= revenue;
    }
    this.bump(where, 'sessions', -1);
    this.bump(where, 'engaged_ms', -s.engagedMs);
    this.bump(where, 'orders', -s.orders);
    this.bump(where, 'revenue', -s.revenueCents);
    if (s.purchased) this.bump(where, 'converting_sessions', -1);
    this.bump(where, 'bot_sessions', 1);
    this.bump(where, 'bot_events', s.events);
  }

  /** Adds what another batch counted (counted with the same clock). */
  absorb(other: SiteRollupBatch): void {
    const add = (into: Map<string, Counters>, from: Map<string, Counters>) => {
      for (const [key, c] of from) {
        const sum = counters(into, key);
        for (const k of COUNTERS) sum[k] += c[k];
      }
    };
    add(this.days, other.days);
    add(this.hours, other.hours);
    for (const [key, r] of other.items) {
      const row = this.items.get(key);
      if (!row) this.items.set(key, { ...r });
      else (row.views += r.views), (row.purchases += r.purchases), (row.revenue += r.revenue);
    }
    for (const d of other.visitorDays) this.visitorDays.add(d);
    for (const h of other.visitorHours) this.visitorHours.add(h);
  }

  /** Writes what was counted. */
  flush(sql: SqlStorage): void {
    const pairs = (keys: Set<string>) => [...keys].map((k) => k.split('\n'));
    if (this.visitorDays.size) {
      const fresh = insertRows(sql, 'visitor_days (visitor_id, day)', pairs(this.visitorDays), 'ON CONFLICT DO NOTHING RETURNING day');
      for (const r of fresh) this.bump({ day: r.day as string, hour: null }, 'visitors', 1);
    }
    if (this.visitorHours.size) {
      const fresh = insertRows(sql, 'visitor_hours (visitor_id, hour)', pairs(this.visitorHours), 'ON CONFLICT DO NOTHING RETURNING hour');
      for (const r of fresh) counters(this.hours, r.hour as string).visitors++;
      // An hour's first row here: a moment to forget the visitors of hours too old to be shown.
      const hours = [...new Set(fresh.map((r) => r.hour))].map((h) => [h]);
      if (insertRows(sql, 'site_hours (hour)', hours, 'ON CONFLICT DO NOTHING RETURNING hour').length) sql.exec('DELETE FROM visitor_hours WHERE hour < ?', utcHour(this.now - HOURLY_KEEP_MS));
    }
    const counted = (m: Map<string, Counters>) => [...m].filter(([, c]) => COUNTERS.some((k) => c[k])).map(([key, c]) => [key, ...COUNTERS.map((k) => c[k])]);
    insertRows(sql, `site_days (day, ${COUNTERS.join(', ')})`, counted(this.days), `ON CONFLICT (day) DO UPDATE SET ${ADD_COUNTERS}`);
    insertRows(sql, `site_hours (hour, ${COUNTERS.join(', ')})`, counted(this.hours), `ON CONFLICT (hour) DO UPDATE SET ${ADD_COUNTERS}`);
    const items = [...this.items.values()].map((r) => [r.day, r.item, r.views, r.purchases, r.revenue]);
    insertRows(sql, 'item_days (day, item_id, views, purchases, revenue)', items,
      'ON CONFLICT (day, item_id) DO UPDATE SET views = views + excluded.views, purchases = purchases + excluded.purchases, revenue = revenue + excluded.revenue');
  }

  private bump(where: At, field: DayCounter, by: number) {
    if (!by) return;
    counters(this.days, where.day)[field] += by;
    if (where.hour) counters(this.hours, where.hour)[field] += by;
  }

  private item(day: string, item: string) {
    const id = item.slice(0, 100);
    const key = `${day}\n${id}`;
    let row = this.items.get(key);
    if (!row) this.items.set(key, (row = { day, item: id, views: 0, purchases: 0, revenue: 0 }));
    return row;
  }
}

function counters(m: Map<string, Counters>, key: string): Counters {
  let c = m.get(key);
  if (!c) m.set(key, (c = zero()));
  return c;
}

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
  /** A purchase of an order already counted (scoring/session-state.ts isRepeatOrder). */
  repeatOrder?: boolean;
}

export type DayRow = { day: string } & Counters;

/** Days `fromDay` to `toDay`, bound as (fromDay, toDay). */
const DAY_ROWS = 'SELECT * FROM site_days WHERE day >= ? AND day <= ? ORDER BY day';
/** The hours (YYYY-MM-DDTHH) of days `fromDay` to `toDay`, bound as (fromDay, `${toDay}U`); only recent hours are kept. */
const HOUR_ROWS = 'SELECT * FROM site_hours WHERE hour >= ? AND hour < ? ORDER BY hour';

/** The hourly rows (YYYY-MM-DDTHH) of days `fromDay` to `toDay`; only recent hours are kept. */
export function siteHourRows(sql: SqlStorage, fromDay: string, toDay: string): (Omit<DayRow, 'day'> & { hour: string })[] {
  return sql.exec<Omit<DayRow, 'day'> & { hour: string } & Record<string, SqlStorageValue>>(HOUR_ROWS, fromDay, `${toDay}U`).toArray();
}

export function siteDayRows(sql: SqlStorage, fromDay: string, toDay: string): DayRow[] {
  return sql.exec<DayRow & Record<string, SqlStorageValue>>(DAY_ROWS, fromDay, toDay).toArray();
}

const TOP_ITEMS = `SELECT item_id, sum(views) AS views, sum(purchases) AS purchases, sum(revenue) AS revenue FROM item_days
  WHERE day >= ? AND day <= ? GROUP BY item_id HAVING sum(views) > 0 OR sum(purchases) > 0 ORDER BY revenue DESC, views DESC LIMIT ?`;

export function topItemRows(sql: SqlStorage, fromDay: string, toDay: string, limit = 50) {
  return sql.exec<{ item_id: string; views: number; purchases: number; revenue: number }>(TOP_ITEMS, fromDay, toDay, limit).toArray();
}

/** Distinct visitors (people) seen from `fromDay` to `toDay`; exact when summed over shards, since a visitor lives in one. */
export function distinctVisitors(sql: SqlStorage, fromDay: string, toDay: string): number {
  return sql.exec<{ n: number }>('SELECT count(DISTINCT visitor_id) AS n FROM visitor_days WHERE day >= ? AND day <= ?', fromDay, toDay).one().n;
}

/** What a shard answers for the overview (gather.ts sums it over the shards): each list as packRows text. */
export interface PackedOverview {
  /** DAY_ROW_COLUMNS */
  days: string;
  /** HOUR_ROW_COLUMNS; only when asked for. */
  hours: string;
  visitors: number;
  /** ITEM_ROW_COLUMNS: the shard's top 50 items by revenue. */
  items: string;
  /** PROFILE_MIX_COLUMNS: visitors per lifecycle stage and segment, now. */
  mix: string;
}
export const DAY_ROW_COLUMNS = ['day', ...COUNTERS] as const;
export const HOUR_ROW_COLUMNS = ['hour', ...COUNTERS] as const;
export const ITEM_ROW_COLUMNS = ['item_id', 'views', 'purchases', 'revenue'] as const;

/** The overview's rows of this shard, days `fromDay` to `toDay`; the segment and lifecycle mix as of `now`. */
export function packedOverview(sql: SqlStorage, fromDay: string, toDay: string, now: number, hours: boolean, rules: LifecycleRules): PackedOverview {
  return {
    days: packRows(sql, DAY_ROWS, DAY_ROW_COLUMNS, fromDay, toDay),
    hours: hours ? packRows(sql, HOUR_ROWS, HOUR_ROW_COLUMNS, fromDay, `${toDay}U`) : '[]',
    visitors: distinctVisitors(sql, fromDay, toDay),
    items: packRows(sql, TOP_ITEMS, ITEM_ROW_COLUMNS, fromDay, toDay, 50),
    mix: packRows(sql, profileMixSelect(rules), PROFILE_MIX_COLUMNS, now),
  };
}
