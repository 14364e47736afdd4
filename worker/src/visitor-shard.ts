// One Durable Object per (site, shard): it owns the events and the live state of the
// visitors hashed to it. Routing by visitor keeps a visitor's events, and later its
// profile and scores, in one place, so serving reads no other storage.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';
import { migrateShard } from './shard-schema';

/** An event as the collector stores it: validated, enriched, props as JSON. */
export interface EventRow {
  event_id: string;
  visitor_id: string;
  session_id: string;
  page_id: string | null;
  seq: number;
  name: string;
  client_ts: number;
  ts: number;
  received_at: number;
  url: string;
  referrer: string | null;
  title: string | null;
  utm: string | null;
  props: string;
  device: string;
  bot: number;
}

export interface StoredEvent extends Omit<EventRow, 'utm' | 'props' | 'bot'> {
  utm: Record<string, string> | null;
  props: Record<string, unknown>;
  bot: boolean;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

const INSERT_EVENT = `INSERT OR IGNORE INTO events (event_id, visitor_id, session_id, page_id, seq, name, client_ts, ts,
  received_at, url, referrer, title, utm, props, device, bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const TOUCH_VISITOR = `INSERT INTO visitors (visitor_id, first_seen, last_seen, events) VALUES (?, ?, ?, 1)
  ON CONFLICT (visitor_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen), events = events + 1`;

export class VisitorShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateShard(this.sql);
  }

  /** Stores each event once: an event id already stored counts as a duplicate. One transaction. */
  ingest(rows: EventRow[], dropped?: { visitorId: string; count: number }): IngestResult {
    return this.ctx.storage.transactionSync(() => {
      let accepted = 0;
      for (const r of rows) {
        const written = this.sql.exec(INSERT_EVENT, r.event_id, r.visitor_id, r.session_id, r.page_id, r.seq, r.name,
          r.client_ts, r.ts, r.received_at, r.url, r.referrer, r.title, r.utm, r.props, r.device, r.bot).rowsWritten;
        if (written === 0) continue;
        accepted++;
        this.sql.exec(TOUCH_VISITOR, r.visitor_id, r.ts, r.ts);
      }
      if (dropped?.count) {
        this.sql.exec('UPDATE visitors SET dropped = dropped + ? WHERE visitor_id = ?', dropped.count, dropped.visitorId);
      }
      return { accepted, duplicates: rows.length - accepted };
    });
  }

  /** A visitor's events in the order the browser recorded them. */
  events(visitorId: string, limit = 1_000): StoredEvent[] {
    const rows = this.sql
      .exec<EventRow & Record<string, SqlStorageValue>>(
        'SELECT * FROM events WHERE visitor_id = ? ORDER BY seq, client_ts LIMIT ?', visitorId, limit)
      .toArray();
    return rows.map((r) => ({ ...r, utm: r.utm ? JSON.parse(r.utm) : null, props: JSON.parse(r.props), bot: r.bot === 1 }));
  }

  /** The visitor's summary row, or null when the shard has never seen it. */
  visitor(visitorId: string) {
    return this.sql.exec('SELECT * FROM visitors WHERE visitor_id = ?', visitorId).toArray()[0] ?? null;
  }
}
