// One Durable Object per (site, shard): it owns the events and the live state of the
// visitors hashed to it. Routing by visitor keeps a visitor's events, sessions, profile and
// scores in one place, so serving a visitor reads no other storage.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';
import { predict } from './ml/intent-model';
import { siteModels, type SiteModels } from './models';
import { INTENT_FEATURES, intentFeatures } from './scoring/intent-features';
import { DEFAULT_LIFECYCLE, lifecycleStage } from './ml/lifecycle';
import { PRIOR_INTENT_MODEL } from './scoring/prior-model';
import { assignSegment, rfmScore, segmentFeatures } from './scoring/segments';
import { affinityAt, applyEvent, itemsOf, newProfile, newSession, type Profile, type SessionState } from './scoring/session-state';
import { migrateShard } from './shard-schema';
import { SESSION_IDLE_MS } from '../../sdk/schema/limits';
import { decideCampaigns, type DecideRequest } from './campaigns/decision';
import { applyCampaignEvent, migrateCampaignTables } from './campaigns/records';

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

/** What a batch taught about items, for the site-wide recommender (human sessions only). */
export interface ItemObservation {
  sessionId: string;
  time: number;
  /** Items viewed, in order. */
  views: string[];
  /** Items bought together, one list per purchase. */
  baskets: string[][];
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  observations: ItemObservation[];
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
    migrateCampaignTables(this.sql);
  }

  /**
   * Stores each event once (an event id already stored counts as a duplicate) and applies the
   * new ones to their session and visitor: features, intent score, segment. One transaction.
   */
  async ingest(site: string, rows: EventRow[], dropped?: { visitorId: string; count: number }): Promise<IngestResult> {
    const models = await siteModels(this.env.DB, site);
    return this.ctx.storage.transactionSync(() => {
      const fresh: EventRow[] = [];
      for (const r of rows) {
        const written = this.sql.exec(INSERT_EVENT, r.event_id, r.visitor_id, r.session_id, r.page_id, r.seq, r.name,
          r.client_ts, r.ts, r.received_at, r.url, r.referrer, r.title, r.utm, r.props, r.device, r.bot).rowsWritten;
        if (written === 0) continue;
        fresh.push(r);
        this.sql.exec(TOUCH_VISITOR, r.visitor_id, r.ts, r.ts);
      }
      if (dropped?.count) {
        this.sql.exec('UPDATE visitors SET dropped = dropped + ? WHERE visitor_id = ?', dropped.count, dropped.visitorId);
      }
      return { accepted: fresh.length, duplicates: rows.length - fresh.length, observations: this.apply(fresh, models) };
    });
  }

  /** Updates sessions and profiles with newly stored events, in the order the browser made them. */
  private apply(rows: EventRow[], models: SiteModels): ItemObservation[] {
    const profiles = new Map<string, Profile>();
    const sessions = new Map<string, SessionState>();
    const owner = new Map<string, Profile>(); // session id → its visitor's profile
    const observations = new Map<string, ItemObservation>();
    const sorted = [...rows].sort((a, b) => a.visitor_id.localeCompare(b.visitor_id) || a.seq - b.seq || a.ts - b.ts);
    for (const row of sorted) {
      let profile = profiles.get(row.visitor_id) ?? this.loadProfile(row.visitor_id);
      if (!profile) profile = newProfile(row.visitor_id, row.ts);
      profiles.set(row.visitor_id, profile);
      let session = sessions.get(row.session_id) ?? this.loadSession(row.session_id);
      if (!session) {
        session = newSession(row, profile);
        profile.visits++;
        if (session.campaign) profile.campaignVisits++;
      }
      sessions.set(row.session_id, session);
      owner.set(row.session_id, profile);
      const props = JSON.parse(row.props);
      applyEvent(session, profile, row, props, intentFeatures);
      applyCampaignEvent(this.sql, row, props);
      if (session.bot) continue;
      const obs = observations.get(row.session_id) ?? { sessionId: row.session_id, time: row.ts, views: [], baskets: [] };
      observations.set(row.session_id, obs);
      obs.time = Math.max(obs.time, row.ts);
      if (row.name === 'view_item') obs.views.push(...itemsOf(props).map((i) => i.item_id));
      if (row.name === 'purchase') obs.baskets.push(itemsOf(props).map((i) => i.item_id));
    }
    const intentModel = models.intent?.model ?? PRIOR_INTENT_MODEL;
    const latest = new Map<Profile, SessionState>();
    for (const s of sessions.values()) {
      const profile = owner.get(s.id)!;
      if (!latest.has(profile) || latest.get(profile)!.last < s.last) latest.set(profile, s);
      s.intent = predict(intentModel, s.preBuy ?? intentFeatures(s, profile));
      this.sql.exec(
        'INSERT OR REPLACE INTO sessions (session_id, visitor_id, last, purchased, bot, state) VALUES (?, ?, ?, ?, ?, ?)',
        s.id, profile.visitorId, s.last, s.purchased ? 1 : 0, s.bot ? 1 : 0, JSON.stringify(s),
      );
    }
    const now = Date.now();
    for (const p of profiles.values()) {
      const seg = models.segments ? assignSegment(models.segments.model, segmentFeatures(p, now)) : null;
      this.sql.exec(
        'INSERT OR REPLACE INTO profiles (visitor_id, state, segment, memberships, intent) VALUES (?, ?, ?, ?, ?)',
        p.visitorId, JSON.stringify(p), seg?.segment ?? null, seg ? JSON.stringify(seg.memberships) : null, latest.get(p)?.intent ?? null,
      );
    }
    return [...observations.values()].filter((o) => o.views.length || o.baskets.length);
  }

  private loadProfile(visitorId: string): Profile | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
    return row ? JSON.parse(row.state) : null;
  }

  private loadSession(sessionId: string): SessionState | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM sessions WHERE session_id = ?', sessionId).toArray()[0];
    return row ? JSON.parse(row.state) : null;
  }

  private latestSession(visitorId: string): SessionState | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM sessions WHERE visitor_id = ? ORDER BY last DESC LIMIT 1', visitorId).toArray()[0];
    return row ? JSON.parse(row.state) : null;
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

  /** What Linger knows of a visitor: the live session and its intent score, lifetime, segment, lifecycle. */
  async profile(site: string, visitorId: string): Promise<Record<string, unknown> | null> {
    const row = this.sql.exec<{ state: string; segment: string | null; memberships: string | null }>(
      'SELECT state, segment, memberships FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
    if (!row) return null;
    const p: Profile = JSON.parse(row.state);
    const s = this.latestSession(visitorId);
    const now = Date.now();
    const models = await siteModels(this.env.DB, site);
    const features = s ? s.preBuy ?? intentFeatures(s, p) : null;
    const affinity = Object.entries(affinityAt(p, now)).sort((a, b) => b[1] - a[1]).slice(0, 5);
    return {
      visitor_id: visitorId,
      session: s && {
        id: s.id,
        active: now - s.last < SESSION_IDLE_MS,
        purchased: s.purchased,
        intent: s.intent,
        features: Object.fromEntries(INTENT_FEATURES.map((name, i) => [name, features![i]])),
        viewed: s.views,
      },
      intent_model: models.intent ? { version: models.intent.version, kind: models.intent.model.kind } : { version: 0, kind: 'prior' },
      lifetime: {
        first_seen: p.firstSeen, last_seen: p.lastSeen, visits: p.visits, purchases: p.purchases, revenue: p.revenue,
        page_views: p.pageViews, product_views: p.productViews, engaged_ms: p.engagedMs, cart_adds: p.cartAdds, searches: p.searches,
      },
      lifecycle: lifecycleStage({
        daysSinceLastVisit: (now - p.lastSeen) / 86_400_000, visits: p.visits, purchases: p.purchases, engagedMs: p.engagedMs, productViews: p.productViews,
      }, DEFAULT_LIFECYCLE),
      segment: row.segment,
      memberships: row.memberships ? JSON.parse(row.memberships) : null,
      segment_model: models.segments ? { version: models.segments.version } : null,
      rfm: models.segments ? rfmScore(models.segments.model, p, now) : null,
      category_affinity: Object.fromEntries(affinity.map(([c, v]) => [c, +v.toFixed(3)])),
      recently_viewed: p.recent.slice(0, 10),
      cart: p.cart,
    };
  }

  /** One page view's campaign decisions (campaigns/decision.ts), and what recommendations need when asked for. */
  decide(visitorId: string, request: DecideRequest) {
    const { decisions, wantsRecs } = decideCampaigns(this.sql, visitorId, request);
    return { decisions, recs: wantsRecs ? this.recContext(visitorId) : null };
  }

  /** What recommendations for this visitor need to know. */
  recContext(visitorId: string) {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
    if (!row) return { views: [], recent: [], cart: [], bought: [], affinity: {} };
    const p: Profile = JSON.parse(row.state);
    const s = this.latestSession(visitorId);
    const now = Date.now();
    return {
      views: s && now - s.last < SESSION_IDLE_MS ? s.views : [],
      recent: p.recent,
      cart: p.cart,
      bought: p.bought,
      affinity: affinityAt(p, now),
    };
  }

  /**
   * Training data of this shard: finished human sessions (features before any purchase, and
   * whether they bought), and visitors' segment features with their purchase history.
   */
  trainingData(now = Date.now()) {
    const sessions = this.sql
      .exec<{ state: string; purchased: number; visitor_id: string }>(
        'SELECT state, purchased, visitor_id FROM sessions WHERE bot = 0 AND (purchased = 1 OR last < ?) ORDER BY last DESC LIMIT 50000',
        now - SESSION_IDLE_MS)
      .toArray();
    const profiles = new Map<string, Profile>();
    const visitors = this.sql.exec<{ state: string }>('SELECT state FROM profiles').toArray().map((r) => JSON.parse(r.state) as Profile);
    for (const p of visitors) profiles.set(p.visitorId, p);
    return {
      sessions: sessions.map((r) => {
        const s: SessionState = JSON.parse(r.state);
        return { x: s.preBuy ?? intentFeatures(s, profiles.get(r.visitor_id)!), y: r.purchased };
      }),
      visitors: visitors.map((p) => ({ x: segmentFeatures(p, now), purchases: p.purchases, revenue: p.revenue, days: (now - p.lastPurchase) / 86_400_000 })),
    };
  }
}

