// One Durable Object per (site, shard): it owns the events and the live state of the
// visitors hashed to it. Routing by visitor keeps a visitor's events, sessions, profile and
// scores in one place, so serving a visitor reads no other storage.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';
import { predictIntent } from './ml/calibrated-intent';
import { clipRow } from './ml/robust';
import { siteModels, type SiteModels } from './models';
import { featureNames, intentFeatures, intentRow, sessionFeatures } from './scoring/intent-features';
import { DEFAULT_LIFECYCLE, lifecycleStage } from './ml/lifecycle';
import { PRIOR_INTENT_MODEL } from './scoring/prior-model';
import { assignSegment, rfmScore, segmentFeatures } from './scoring/segments';
import { affinityAt, applyEvent, isRepeatOrder, itemsBeforePurchase, itemsOf, loadProfile, loadSession, newProfile, newSession, type Profile, type SessionState } from './scoring/session-state';
import { EVENT_FIELDS, migrateShard } from './shard-schema';
import { perShard, SAMPLE_CAPS, SAMPLE_SQL, sampleSessions, type Population, type SampleCaps, type ShardSample } from './training/sample';
import { SESSION_IDLE_MS } from '../../sdk/schema/limits';
import { claimVisitor, migrateVisitorTokens } from './access/visitor-token';
import { completeErasure, eraseVisitor, exportVisitor } from './privacy/visitor-data';
import { archiveKey, dayAsNdjson, daysToArchive, daysWithLateEvents, markArchived, migrateArchive, NDJSON, noteEventDays, purgeExpired, rewriteWithoutVisitor, withLateLines } from './privacy/archive';
import { slotAsks, slotItems, type SlotItems, type VisitorRecContext } from './campaigns/content';
import { decideCampaigns, recordDecisions, type DecideRequest, type SlotDecision } from './campaigns/decision';
import { applyCampaignEvent, isCampaignEvent, migrateCampaignTables } from './campaigns/records';
import { servingCampaigns } from './campaigns/store';
import { migrateCampaignRollups, packedCampaignRollups, refreshVisitorOutcomes, type CampaignWindow, type PackedCampaignRollups, type RollupShape } from './reports/campaign-rollups';
import { packedAttributionRows } from './reports/attribution-rollups';
import type { AttributionModel } from './reports/attribution';
import { ReportCache } from './reports/shard-cache';
import { LIFECYCLE_COLUMNS, SiteRollupBatch, lifecycleInputs, migrateSiteRollups, packedOverview, type PackedOverview } from './reports/site-rollups';
import { botReason, botSessionCounts, countAsPerson, mayTeach, viewedBefore, watchEvent, watchOf, type WatchedSession } from './bots/session-watch';
import { buildDelta, holdBought, newTaught, newTrendDay, retract, teach, type ItemObservation, type Taught, type TrendDay } from './recs/brain-delta';
import { catalogOf } from './catalog';
import { insertRows } from './sql-rows';

/** A session as the shard stores it: its state, its bot watch, and what it has taught the brain. */
type TeachingSession = WatchedSession & { taught?: Taught };
/** A profile as the shard stores it, with what the visitor counted in trending today. */
type TeachingProfile = Profile & { trendDay?: TrendDay };

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

/** A visitor's token hash, sent with a batch: the first one sent is the visitor's (access/visitor-token.ts). */
export interface VisitorClaim {
  visitorId: string;
  hash: string;
}

/** A batch waiting for its turn to be stored, and its caller's answer. */
interface WaitingBatch {
  site: string;
  rows: EventRow[];
  dropped?: DroppedReport;
  token?: VisitorClaim;
  resolve(stored: { accepted: number }): void;
  reject(error: unknown): void;
}

/** A browser queue's report of events it had to drop, once per batch however often the batch is resent. */
export interface DroppedReport {
  visitorId: string;
  /** The batch's first event id. */
  batch: string;
  count: number;
}

/** How far behind a shard's scoring is, and what it had to set aside. */
export interface ShardStatus {
  pending: number;
  quarantined: number;
  outbox: number;
  last_error: string | null;
  /** Sessions flagged as bots, by reason (bots/behaviour.ts). */
  bots: { reason: string; sessions: number }[];
}

/**
 * Scoring runs this long after the first unapplied event: long enough to batch, short enough to
 * stay fresh (reads apply a visitor's pending events first, so only background figures wait).
 * A run costs mostly per visitor (reading, scoring and writing their states), so a longer delay,
 * in which a visitor's batches meet in one run, costs less per batch: in workerd, on bench:load's
 * traffic, 119–142 µs a batch at 500 ms, 85–97 µs at 1 s, 64–66 µs at 2 s (`npm run bench:shard-apply`).
 */
export const APPLY_DELAY_MS = 1_000;
/** Events applied per transaction. */
const APPLY_BATCH = 2_000;
const RETRY_MS = 2_000;
/**
 * Item observations reach the site's recommender at most this often per shard, summed: one
 * RPC and one brain transaction per shard every couple of seconds instead of one per apply
 * (the recommender may lag that much; the intent score is still made in the apply).
 */
export const OBSERVE_EVERY_MS = 2_000;

/** At most this many waiting batches are stored in a turn of their own, so such a turn never holds the shard for long. */
export const MAX_BATCHES_PER_TURN = 64;
/** Outbox rows (one per apply) that are delivered at once, however recent the last delivery. */
const OBSERVE_ROWS = 100;

// An event already stored (the same id from the same visitor) is ignored. A page view's
// engagement reports share one row: a later report (more engaged time, or as much and a later
// seq) takes it over in the insert itself (shard-schema.ts, `events_report_takes_over`), so the
// old row goes and the new one is stored after it, in arrival order, where scoring will find it;
// an older or resent report changes nothing (`events_report_turned_away`). Rows go
// in several to a statement (a statement's fixed cost in workerd is most of the cost of a row);
// RETURNING lists the rows stored, so duplicates are not counted; it also lists a report that a
// later one of the same call took over (its row is gone), so a page view counts once per call.
const EVENT_COLUMNS = EVENT_FIELDS.split(', ').length;
/** Rows per statement, within the 100 bound parameters a query may have. */
export const ROWS_PER_INSERT = Math.floor(100 / EVENT_COLUMNS);
const insertEvents = (rows: number) => `INSERT INTO events (${EVENT_FIELDS})
  VALUES ${Array(rows).fill(`(${Array(EVENT_COLUMNS).fill('?').join(', ')})`).join(', ')} ON CONFLICT DO NOTHING
  RETURNING n, ts, CASE WHEN name = 'user_engagement' AND page_id IS NOT NULL THEN json_array(visitor_id, page_id) END AS page_view`;
const INSERT_EVENTS = Array.from({ length: ROWS_PER_INSERT + 1 }, (_, n) => insertEvents(Math.max(1, n)));
const UNAPPLIED = `SELECT n, ${EVENT_FIELDS}, fresh FROM events`;
const TOUCH_VISITOR_CONFLICT = `ON CONFLICT (visitor_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen), events = events + excluded.events`;

/** A stored event not applied yet: `n` its place in arrival order; `fresh` 0 when it took over a page view's engagement row that was already applied (or was not fresh itself). */
type Row = EventRow & { n: number; fresh: number } & Record<string, SqlStorageValue>;

/**
 * What applying visitors' events writes to their sessions, profiles, visitor rows and the
 * overview's rollups: gathered per visitor, kept only when that visitor's apply succeeded, and
 * written for the whole run in a few many-row statements (a statement's fixed cost dominates).
 * Each visitor appears once per run, so no row is written twice.
 */
class ApplyWrites {
  readonly sessions: SqlStorageValue[][] = [];
  readonly profiles: SqlStorageValue[][] = [];
  readonly visitors: SqlStorageValue[][] = [];
  readonly overview = new SiteRollupBatch();

  absorb(other: ApplyWrites) {
    this.sessions.push(...other.sessions);
    this.profiles.push(...other.profiles);
    this.visitors.push(...other.visitors);
    this.overview.absorb(other.overview);
  }

  flush(sql: SqlStorage) {
    insertRows(sql, 'sessions (visitor_id, session_id, last, purchased, bot, state)', this.sessions, 'ON CONFLICT (visitor_id, session_id) DO UPDATE SET last = excluded.last, purchased = excluded.purchased, bot = excluded.bot, state = excluded.state');
    insertRows(sql, `profiles (${PROFILE_COLUMNS.join(', ')})`, this.profiles, `ON CONFLICT (visitor_id) DO UPDATE SET ${PROFILE_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`);
    insertRows(sql, 'visitors (visitor_id, first_seen, last_seen, events)', this.visitors, TOUCH_VISITOR_CONFLICT);
    this.overview.flush(sql);
  }
}

/** A profile row's columns: its state as JSON, and the lifecycle inputs the overview reads beside it (reports/site-rollups.ts). */
const PROFILE_COLUMNS = ['visitor_id', 'state', 'segment', 'memberships', 'intent', ...LIFECYCLE_COLUMNS];

/** Visitors' stored profiles by visitor id, and sessions by "visitor\nsession", as JSON. */
interface StoredStates {
  profiles: ReadonlyMap<string, string>;
  sessions: ReadonlyMap<string, string>;
}

/** The order a browser made a visitor's events in. */
const inBrowserOrder = (a: Row, b: Row) => a.seq - b.seq || a.client_ts - b.client_ts || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);

export class VisitorShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private site: string | null = null;
  /** When the alarm is due, as this instance set it (null: none set since the last one ran). */
  private alarmAt: number | null = null;
  /** When observations were last delivered to the recommender (0: not by this instance). */
  private lastObserved = 0;
  private lastError: string | null = null;
  /** Report answers, dropped whenever events are applied (reports/shard-cache.ts). */
  private readonly reports = new ReportCache();
  private applied = 0;
  /** Every event stored up to this number (arrival order) has been applied, save those applied early (table applied_early). */
  private appliedThrough = 0;
  /** The last event stored (arrival order): none stored after `appliedThrough` means nothing waits to be applied. */
  private storedThrough = 0;
  /** Batches waiting for the next turn's store (`ingest`), and whether that turn is set. */
  private waiting: WaitingBatch[] = [];
  private turnScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateShard(this.sql);
    migrateCampaignTables(this.sql);
    migrateCampaignRollups(this.sql);
    migrateSiteRollups(this.sql);
    migrateVisitorTokens(this.sql);
    migrateArchive(this.sql);
    this.site = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value ?? null;
    this.appliedThrough = this.sql.exec<{ n: number }>('SELECT applied_through AS n FROM scoring_mark').one().n;
    this.storedThrough = this.sql.exec<{ n: number }>('SELECT coalesce(max(n), 0) AS n FROM events').one().n;
  }

  /**
   * Stores a batch's events (see `store`) and answers once they are durable. Batches that reach
   * the shard while others wait for their turn are stored in that same turn, one after another,
   * and so share its commit: here one write to disk serves several requests. A shard with
   * nothing waiting stores at the next tick.
   */
  ingest(site: string, rows: EventRow[], dropped?: DroppedReport, token?: VisitorClaim): Promise<{ accepted: number }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ site, rows, dropped, token, resolve, reject });
      this.scheduleTurn();
    });
  }

  private scheduleTurn() {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setTimeout(() => {
      this.turnScheduled = false;
      this.storeWaiting(MAX_BATCHES_PER_TURN);
      if (this.waiting.length) this.scheduleTurn();
    }, 0);
  }

  /**
   * Stores the first `limit` batches that wait, each in a savepoint of the turn's transaction:
   * a batch is stored whole or not at all, and the turn still commits once. A batch that fails
   * fails its own request alone; a failure of the commit itself (disk full) fails every answer
   * of the turn, which the output gate holds until then. Reads, erasures and the archive call it
   * first, with no limit (what arrived since the last tick): they follow every batch that
   * reached the shard before them, acknowledged or not.
   */
  private storeWaiting(limit = Infinity) {
    if (!this.waiting.length) return;
    for (const b of this.waiting.splice(0, limit)) {
      const { storedThrough, site, alarmAt } = this;
      try {
        b.resolve(this.ctx.storage.transactionSync(() => this.store(b.site, b.rows, b.dropped, b.token)));
      } catch (error) {
        // its writes were rolled back (the alarm's among them): so are the fields that follow them
        Object.assign(this, { storedThrough, site, alarmAt });
        console.error('storing a batch failed', error);
        b.reject(error);
      }
    }
  }

  /**
   * Stores each event once (an event id already stored counts as a duplicate) and queues the
   * new ones for scoring; returns how many were new. Nothing here can fail on the content of
   * an event that passed `prepareBatch`, so a bug in scoring never makes a batch fail or block.
   * The collect route comes through `ingest`; this is the synchronous write, public for the
   * tests and the workerd benchmarks.
   */
  store(site: string, rows: EventRow[], dropped?: DroppedReport, token?: VisitorClaim): { accepted: number } {
    if (token) claimVisitor(this.sql, token.visitorId, token.hash); // the first one sent is the visitor's
    if (this.site !== site) {
      this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('site', ?)", site);
      this.site = site;
    }
    // Should a write fail, the caller answers 503 and the resend stores the batch: an event
    // stored twice is impossible.
    let accepted = 0;
    const pageViews = new Set<string>();
    const stored: { n: number; ts: number }[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const part = rows.slice(i, i + ROWS_PER_INSERT);
      const values = part.flatMap((r) => [r.event_id, r.visitor_id, r.session_id, r.page_id, r.seq, r.name,
        r.client_ts, r.ts, r.received_at, r.url, r.referrer, r.title, r.utm, r.props, r.device, r.bot]);
      for (const row of this.sql.exec<{ n: number; ts: number; page_view: string | null }>(INSERT_EVENTS[part.length], ...values)) {
        stored.push(row);
        this.storedThrough = Math.max(this.storedThrough, row.n);
        if (row.page_view !== null && pageViews.has(row.page_view)) continue;
        if (row.page_view !== null) pageViews.add(row.page_view);
        accepted++;
      }
    }
    noteEventDays(this.sql, stored);
    if (dropped?.count) {
      this.sql.exec('INSERT OR IGNORE INTO dropped_reports (visitor_id, batch, count, at) VALUES (?, ?, ?, ?)', dropped.visitorId, dropped.batch, dropped.count, Date.now());
    }
    if (accepted) this.scheduleAlarm(Date.now() + APPLY_DELAY_MS);
    return { accepted };
  }

  /** Sets the alarm for `at` unless one is already due by then: an alarm serves all that waits. */
  private scheduleAlarm(at: number) {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  /** The next delivery of observations: OBSERVE_EVERY_MS after the last one. */
  private scheduleObserve() {
    this.scheduleAlarm(Math.max(Date.now(), this.lastObserved + OBSERVE_EVERY_MS));
  }

  /**
   * Applies what was stored since the last run, then hands item observations to the site's
   * recommender when they are due: OBSERVE_EVERY_MS after the last delivery, when many have
   * piled up, or when this alarm found nothing to apply (it was set for the delivery).
   */
  async alarm(): Promise<void> {
    this.alarmAt = null;
    try {
      const applied = await this.applyAll();
      const outbox = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM brain_outbox').one().n;
      if (!outbox) return;
      if (applied && outbox < OBSERVE_ROWS && Date.now() < this.lastObserved + OBSERVE_EVERY_MS) return this.scheduleObserve();
      if (!(await this.flushObservations())) this.scheduleAlarm(Date.now() + RETRY_MS);
    } catch (err) {
      // storage or the models could not be read: nothing was applied, try again shortly
      this.lastError = `${new Date().toISOString()} ${String(err)}`;
      console.error('applying events failed', err);
      this.scheduleAlarm(Date.now() + RETRY_MS);
    }
  }

  /** Applies every stored event that waits, run after run; answers how many were applied. */
  private async applyAll(): Promise<number> {
    let applied = 0;
    for (let more = true; more; ) {
      const run = await this.applyPending();
      applied += run.applied;
      more = run.more;
    }
    return applied;
  }

  /**
   * Applies stored, unapplied events (of one visitor, or the oldest of all) to sessions and
   * profiles, each exactly once: an event's effect and the move of the mark past it (or its
   * note in applied_early, for a visitor applied ahead of the others) commit together, since
   * nothing here awaits once the rows are read. A visitor's events go in the order the browser
   * made them. An event that makes scoring throw is quarantined and the rest go on.
   */
  private async applyPending(visitorId?: string): Promise<{ applied: number; more: boolean }> {
    this.storeWaiting();
    // nothing stored past the mark: nothing waits (a read usually finds it so, and awaits nothing)
    if (!this.site || this.storedThrough <= this.appliedThrough) return { applied: 0, more: false };
    const models = await siteModels(this.env.DB, this.site);
    const campaigns = await this.campaignWindows();
    // from here on synchronous: no other call can interleave
    const mark = this.appliedThrough;
    const rows = visitorId
      ? this.sql.exec<Row>(`${UNAPPLIED} WHERE visitor_id = ? AND n > ? AND n NOT IN (SELECT n FROM applied_early)`, visitorId, mark).toArray()
      : this.sql.exec<Row>(`${UNAPPLIED} WHERE n > ? ORDER BY n LIMIT ?`, mark, APPLY_BATCH).toArray();
    if (!rows.length) return { applied: 0, more: false };
    const last = rows[rows.length - 1].n;
    const early = visitorId ? new Set<number>() : new Set(this.sql.exec<{ n: number }>('SELECT n FROM applied_early WHERE n <= ?', last).toArray().map((r) => r.n));
    const byVisitor = new Map<string, Row[]>();
    let applied = 0;
    for (const row of rows) {
      if (early.has(row.n)) continue;
      applied++;
      const list = byVisitor.get(row.visitor_id);
      if (list) list.push(row);
      else byVisitor.set(row.visitor_id, [row]);
    }
    this.applied++; // the rollups change: kept report answers go
    for (const list of byVisitor.values()) list.sort(inBrowserOrder);
    const stored = this.storedStates(byVisitor);
    /** The run's effects and the mark, in one transaction; `ownWrites`: each visitor's rows written on their own. Answers whether it observed items. */
    const run = (ownWrites: boolean) =>
      this.ctx.storage.transactionSync(() => {
        const observations: ItemObservation[] = [];
        const writes = new ApplyWrites();
        for (const list of byVisitor.values()) this.applyVisitorSafely(list, models, campaigns, observations, writes, stored, ownWrites);
        writes.flush(this.sql);
        if (visitorId) {
          insertRows(this.sql, 'applied_early (n)', rows.map((r) => [r.n]));
        } else {
          if (early.size) this.sql.exec('DELETE FROM applied_early WHERE n <= ?', last);
          this.sql.exec('UPDATE scoring_mark SET applied_through = ?', last);
        }
        if (observations.length) this.sql.exec('INSERT INTO brain_outbox (body) VALUES (?)', JSON.stringify(observations));
        return observations.length > 0;
      });
    let observed: boolean;
    try {
      observed = run(false);
    } catch (err) {
      // A row of the run could not be written (one visitor's state past the row size limit, say):
      // the run was undone. Each visitor goes again with its own writes, so only the events whose
      // writes fail are quarantined, and the shard's other visitors are still scored.
      this.lastError = `${new Date().toISOString()} writing an apply run: ${String(err)}`;
      console.error('writing an apply run failed; its visitors are written one by one', err);
      observed = run(true);
    }
    if (!visitorId) this.appliedThrough = last;
    if (observed && visitorId) this.scheduleObserve(); // the alarm delivers them
    return { applied, more: !visitorId && rows.length === APPLY_BATCH };
  }

  /**
   * One visitor's events together; if that throws, each event alone, quarantining the ones that
   * throw. `ownWrites`: the visitor's rows are written at once (not with the run's at its end).
   */
  private applyVisitorSafely(rows: Row[], models: SiteModels, campaigns: ReadonlyMap<string, CampaignWindow>, observations: ItemObservation[], writes: ApplyWrites, stored: StoredStates, ownWrites: boolean) {
    // `alone`: the rows' effects are written at once, in a savepoint, from freshly read states
    // (one event of a visitor whose events failed together: the next event's apply reads what it
    // leaves). Otherwise the writes wait in `mine`, and a visitor whose apply writes nothing else
    // to storage (no campaign records or outcomes) needs no savepoint: a throw leaves nothing to undo.
    const writesNow = campaigns.size > 0 || rows.some((r) => isCampaignEvent(r.name));
    const attempt = (part: Row[], alone: boolean) => {
      const seen: ItemObservation[] = [];
      const mine = new ApplyWrites();
      const apply = () => {
        this.applyVisitor(part, models, campaigns, seen, mine, alone ? this.storedStates(new Map([[part[0].visitor_id, part]])) : stored);
        if (alone) mine.flush(this.sql);
      };
      if (writesNow || alone) this.ctx.storage.transactionSync(apply);
      else apply();
      observations.push(...seen);
      if (!alone) writes.absorb(mine);
    };
    try {
      attempt(rows, ownWrites);
    } catch {
      for (const row of rows) {
        try {
          attempt([row], true);
        } catch (err) {
          this.lastError = `${new Date().toISOString()} event ${row.event_id}: ${String(err)}`;
          console.error('quarantined event', row.event_id, err);
          this.sql.exec('INSERT OR REPLACE INTO quarantine (event_id, visitor_id, error, at) VALUES (?, ?, ?, ?)', row.event_id, row.visitor_id, String(err).slice(0, 500), Date.now());
        }
      }
    }
  }

  /**
   * Updates one visitor's sessions and profile with their new events (sorted), and scores them.
   * Their rows and rollups go into `writes`, written for every visitor of the run at its end.
   */
  private applyVisitor(rows: Row[], models: SiteModels, campaigns: ReadonlyMap<string, CampaignWindow>, observations: ItemObservation[], writes: ApplyWrites, stored: StoredStates): void {
    const visitorId = rows[0].visitor_id;
    const storedProfile = stored.profiles.get(visitorId);
    const profile: TeachingProfile = storedProfile ? loadProfile(storedProfile) : newProfile(visitorId, rows[0].ts);
    const sessions = new Map<string, SessionState>();
    const bought = new Map<string, string[]>();
    const overview = writes.overview;
    let first = Infinity;
    let last = -Infinity;
    for (const row of rows) {
      first = Math.min(first, row.ts);
      last = Math.max(last, row.ts);
      const storedSession = stored.sessions.get(`${visitorId}\n${row.session_id}`);
      let session = sessions.get(row.session_id) ?? (storedSession ? loadSession(storedSession) : null);
      const sessionStarted = !session;
      if (!session) {
        session = newSession(row, profile);
        profile.visits++;
        if (session.campaign) profile.campaignVisits++;
      }
      sessions.set(row.session_id, session);
      const props = JSON.parse(row.props);
      const engagedBefore = profile.engagedMs;
      const purchasedBefore = session.purchased;
      const repeatOrder = row.name === 'purchase' && isRepeatOrder(profile, props);
      applyEvent(session, profile, row, props, intentFeatures);
      applyCampaignEvent(this.sql, row, props);
      // A session whose behaviour shows a bot (bots/behaviour.ts): what it counted as a person's moves to the bot columns.
      if (watchEvent(session, profile, row, props) && !sessionStarted) overview.reclassifyAsBot(watchOf(session).counted);
      const applied = {
        visitorId, ts: row.ts, name: row.name, props, bot: session.bot, sessionStarted,
        engagedDelta: profile.engagedMs - engagedBefore, firstPurchase: row.name === 'purchase' && !repeatOrder && !purchasedBefore, repeatOrder,
      };
      // (an updated engagement row of a bot's session: its one bot event was counted when it was new)
      if (row.fresh || !session.bot) overview.add(applied);
      if (!session.bot) countAsPerson(watchOf(session), applied);
      if (row.name === 'purchase' && !repeatOrder) bought.set(session.id, [...(bought.get(session.id) ?? []), ...itemsOf(props).map((i) => i.item_id)]);
    }
    // What people's sessions teach the shop-wide models (recs/brain-delta.ts); bots teach nothing.
    for (const s of sessions.values() as Iterable<TeachingSession>) {
      if (s.bot) {
        // flagged after it taught: what it taught is taken back
        const o = s.taught && retract(s.taught, s.id, s.last);
        if (o) observations.push(o);
        continue;
      }
      s.taught ??= newTaught();
      holdBought(s.taught, bought.get(s.id) ?? []);
      if (!mayTeach(s)) continue;
      const o = teach(s.taught, s.id, s.last, s.views, (item) => viewedBefore(s, profile, item), (profile.trendDay ??= newTrendDay()));
      if (o) observations.push(o);
    }
    const intentModel = models.intent?.model ?? PRIOR_INTENT_MODEL;
    let latest: SessionState | null = null;
    for (const s of sessions.values()) {
      if (!latest || latest.last < s.last) latest = s;
      s.intent = predictIntent(intentModel, clipRow(models.intent?.clip, intentRow(s, profile, models.intent?.items)));
      writes.sessions.push([visitorId, s.id, s.last, s.purchased ? 1 : 0, s.bot ? 1 : 0, JSON.stringify(s)]);
    }
    const seg = models.segments ? assignSegment(models.segments.model, segmentFeatures(profile, Date.now())) : null;
    writes.profiles.push([visitorId, JSON.stringify(profile), seg?.segment ?? null, seg ? JSON.stringify(seg.memberships) : null, latest?.intent ?? null, ...lifecycleInputs(profile)]);
    writes.visitors.push([visitorId, first, last, rows.reduce((n, r) => n + r.fresh, 0)]); // stored rows, not reports
    // The visitor's campaign outcomes, afresh from their stored events (bots count in none).
    if (campaigns.size) refreshVisitorOutcomes(this.sql, visitorId, campaigns, seg?.segment ?? null, !!latest?.bot);
  }

  /**
   * The cron's daily care: finished days' raw events to R2 as NDJSON (at most a week of days per
   * run), then raw events older than the retention purged, from archived days only.
   */
  archive(shard: number, retentionDays: number, now = Date.now()) {
    this.storeWaiting();
    return this.inArchiveTurn(async () => {
      const site = this.site;
      if (!site) return { archived: [] as string[], completed: [] as string[], purged: 0 };
      const archived: string[] = [];
      for (const day of daysToArchive(this.sql, now)) {
        const { body, events, through } = dayAsNdjson(this.sql, day);
        if (events) await this.env.ARCHIVE.put(archiveKey(site, day, String(shard)), body, NDJSON);
        markArchived(this.sql, day, events, through, now);
        archived.push(day);
      }
      // events stored for a day after it was archived join its file (before retention can purge them)
      const completed: string[] = [];
      for (const { day, through: after } of daysWithLateEvents(this.sql)) {
        const { body, events, through } = dayAsNdjson(this.sql, day, after);
        if (events) {
          const key = archiveKey(site, day, String(shard));
          const object = await this.env.ARCHIVE.get(key);
          await this.env.ARCHIVE.put(key, withLateLines(object ? await object.text() : '', body), NDJSON);
        }
        markArchived(this.sql, day, events, through, now);
        completed.push(day);
      }
      return { archived, completed, purged: purgeExpired(this.sql, retentionDays, now) };
    });
  }

  /**
   * An erasure's archived days (`eraseVisitor`'s `days`) rewritten without the visitor's lines;
   * how many files there were. In the archive's turn: a day's file that the archive read or built
   * before the erasure, and uploads after it, is rewritten after that upload, never before.
   */
  rewriteArchivedDays(visitorId: string, days: string[], shard: number): Promise<number> {
    return this.inArchiveTurn(async () => {
      let rewritten = 0;
      for (const day of days) if (this.site && (await rewriteWithoutVisitor(this.env.ARCHIVE, archiveKey(this.site, day, String(shard)), visitorId))) rewritten++;
      return rewritten;
    });
  }

  /** Writes to the R2 archive, one piece of work at a time (a turn that fails lets the next one run). */
  private archiveTurn: Promise<unknown> = Promise.resolve();
  private inArchiveTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.archiveTurn.then(work);
    this.archiveTurn = turn.catch(() => undefined);
    return turn;
  }

  /** Everything this shard holds about the visitor (its events applied first), or null for an unknown visitor. */
  async exportVisitor(visitorId: string) {
    await this.applyPending(visitorId);
    const data = exportVisitor(this.sql, visitorId);
    return Object.values(data).some((rows) => rows.length) ? { ...data } : null;
  }

  /** Erases every row about the visitor here; rollups keep only their sums. (What a retry needs stays until `erasureComplete`.) */
  eraseVisitor(visitorId: string) {
    this.storeWaiting(); // a batch that arrived before the erasure is erased with the rest
    return this.ctx.storage.transactionSync(() => {
      const erased = eraseVisitor(this.sql, visitorId);
      return { ...erased, deleted: { ...erased.deleted } };
    });
  }

  /** An erasure's archives are rewritten and its sessions forgotten: what it kept for a retry goes too. */
  erasureComplete(visitorId: string): void {
    completeErasure(this.sql, visitorId);
  }

  /** Every campaign's outcome window, for the rollups (cached per isolate, like the serving list). */
  private async campaignWindows(site = this.site): Promise<Map<string, CampaignWindow>> {
    const list = site ? await servingCampaigns(this.env.DB, site) : [];
    return new Map(list.map((c) => [c.id, { windowDays: c.window_days }]));
  }

  // Report reads: each applies the shard's pending events first (a report counts what was
  // stored), then answers packed rows (reports/packed.ts), kept until events are applied again.

  /** The rollup rows of these campaigns that `shape` asks for, entries from `from` to `to` (UTC days), for the reports. */
  async campaignRollups(ids: string[], from: string, to: string, shape?: RollupShape): Promise<PackedCampaignRollups> {
    await this.applyAll();
    return this.reports.answer(this.applied, JSON.stringify(['campaigns', ids, from, to, shape]), () => packedCampaignRollups(this.sql, ids, from, to, shape));
  }

  /** The attribution rollup rows of one model, purchase days from `from` to `to`, for the reports. */
  async attributionRollups(model: AttributionModel, from: string, to: string): Promise<string> {
    await this.applyAll();
    return this.reports.answer(this.applied, JSON.stringify(['attribution', model, from, to]), () => packedAttributionRows(this.sql, model, from, to));
  }

  /** The overview's rollups of this shard: days (and recent hours when asked), distinct visitors, items, and the segment and lifecycle mix now. */
  async overviewRollups(from: string, to: string, hours = true): Promise<PackedOverview> {
    await this.applyAll();
    const now = Date.now();
    // The lifecycle mix moves with the clock too: kept for a minute at most.
    return this.reports.answer(this.applied, JSON.stringify(['overview', from, to, hours, Math.floor(now / 60_000)]), () => packedOverview(this.sql, from, to, now, hours, DEFAULT_LIFECYCLE));
  }

  /** Delivers queued item observations to the site's recommender; false when it could not be reached. */
  private async flushObservations(): Promise<boolean> {
    if (!this.site || !this.sql.exec('SELECT 1 FROM brain_outbox LIMIT 1').toArray().length) return true;
    let rows: { id: number; body: string }[];
    try {
      const catalog = await catalogOf(this.env.DB, this.site);
      // read after the catalog's await: an erasure meanwhile has taken its sessions out of the rows
      rows = this.sql.exec<{ id: number; body: string }>('SELECT id, body FROM brain_outbox ORDER BY id LIMIT ?', OBSERVE_ROWS).toArray();
      if (!rows.length) return true;
      // summed here, so the brain writes each item and pair once per flush
      const delta = buildDelta(rows.flatMap((r) => JSON.parse(r.body) as ItemObservation[]), (item) => !catalog.size || catalog.has(item));
      await this.env.BRAIN.get(this.env.BRAIN.idFromName(this.site)).observe(this.site, delta);
    } catch (err) {
      this.lastError = `${new Date().toISOString()} recommender: ${String(err)}`;
      return false;
    }
    this.lastObserved = Date.now();
    this.sql.exec('DELETE FROM brain_outbox WHERE id <= ?', rows[rows.length - 1].id);
    if (rows.length === OBSERVE_ROWS) this.scheduleAlarm(Date.now());
    return true;
  }

  /** Unapplied events, quarantined ones and undelivered observations. */
  status(): ShardStatus {
    this.storeWaiting();
    const count = (table: string) => this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
    const pending = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM events WHERE n > ? AND n NOT IN (SELECT n FROM applied_early)', this.appliedThrough).one().n;
    return { pending, quarantined: count('quarantine'), outbox: count('brain_outbox'), last_error: this.lastError, bots: botSessionCounts(this.sql) };
  }

  /** The stored profiles and sessions (JSON) of the visitors about to be applied, read in two statements. */
  private storedStates(byVisitor: ReadonlyMap<string, Row[]>): StoredStates {
    const visitors = JSON.stringify([...byVisitor.keys()]);
    const sessionIds = JSON.stringify([...new Set([...byVisitor.values()].flatMap((rows) => rows.map((r) => r.session_id)))]);
    const profiles = new Map<string, string>();
    for (const r of this.sql.exec<{ visitor_id: string; state: string }>('SELECT visitor_id, state FROM profiles WHERE visitor_id IN (SELECT value FROM json_each(?))', visitors)) profiles.set(r.visitor_id, r.state);
    const sessions = new Map<string, string>();
    for (const r of this.sql.exec<{ visitor_id: string; session_id: string; state: string }>(
      'SELECT visitor_id, session_id, state FROM sessions WHERE visitor_id IN (SELECT value FROM json_each(?)) AND session_id IN (SELECT value FROM json_each(?))', visitors, sessionIds)) {
      sessions.set(`${r.visitor_id}\n${r.session_id}`, r.state);
    }
    return { profiles, sessions };
  }

  private latestSession(visitorId: string): SessionState | null {
    const row = this.sql.exec<{ state: string }>('SELECT state FROM sessions WHERE visitor_id = ? ORDER BY last DESC LIMIT 1', visitorId).toArray()[0];
    return row ? loadSession(row.state) : null;
  }

  /** A visitor's events in the order the browser recorded them. */
  events(visitorId: string, limit = 1_000): StoredEvent[] {
    this.storeWaiting();
    const rows = this.sql
      .exec<EventRow & Record<string, SqlStorageValue>>(
        `SELECT ${EVENT_FIELDS} FROM events WHERE visitor_id = ? ORDER BY seq, client_ts LIMIT ?`, visitorId, limit)
      .toArray();
    return rows.map((r) => ({ ...r, utm: r.utm ? JSON.parse(r.utm) : null, props: JSON.parse(r.props), bot: r.bot === 1 }));
  }

  /** The visitor's summary row (its events applied first), or null when the shard has never seen it. */
  async visitor(visitorId: string) {
    await this.applyPending(visitorId);
    const row = this.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM visitors WHERE visitor_id = ?', visitorId).toArray()[0];
    if (!row) return null;
    const reported = this.sql.exec<{ n: number }>('SELECT coalesce(sum(count), 0) AS n FROM dropped_reports WHERE visitor_id = ?', visitorId).one().n;
    return { ...row, dropped: Number(row.dropped) + reported };
  }

  /** What Linger knows of a visitor: the live session and its intent score, lifetime, segment, lifecycle. */
  async profile(site: string, visitorId: string): Promise<Record<string, unknown> | null> {
    await this.applyPending(visitorId); // reads are always fresh
    const row = this.sql.exec<{ state: string; segment: string | null; memberships: string | null }>(
      'SELECT state, segment, memberships FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
    if (!row) return null;
    const p = loadProfile(row.state);
    const s = this.latestSession(visitorId);
    const now = Date.now();
    const models = await siteModels(this.env.DB, site);
    const features = s ? intentRow(s, p, models.intent?.items) : null;
    const affinity = Object.entries(affinityAt(p, now)).sort((a, b) => b[1] - a[1]).slice(0, 5);
    return {
      visitor_id: visitorId,
      session: s && {
        id: s.id,
        active: now - s.last < SESSION_IDLE_MS,
        purchased: s.purchased,
        bot: botReason(s),
        intent: s.intent,
        features: Object.fromEntries(featureNames(models.intent?.items).map((name, i) => [name, features![i]])),
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

  /**
   * One page view's campaign decisions (campaigns/decision.ts) and the items of its slots that
   * show recommendations; null when `tokenHash` is not the visitor's (access/visitor-token.ts).
   * The recommender is asked before the first assignments are written, so it works while they
   * commit: the answer still waits until they are durable.
   */
  async decide(visitorId: string, tokenHash: string, request: DecideRequest): Promise<{ decisions: SlotDecision[]; recs: SlotItems[] } | null> {
    this.storeWaiting(); // the token a waiting batch claims first is the visitor's
    if (!claimVisitor(this.sql, visitorId, tokenHash)) return null;
    await this.applyPending(visitorId); // target on what the visitor just did
    // from here on synchronous until the recommender answers: no other call can interleave
    const decided = decideCampaigns(this.sql, visitorId, request);
    const asks = slotAsks(request.campaigns, decided, request.item);
    const recs = asks.length ? slotItems(this.env, request.site, asks, request.item, this.readRecContext(visitorId)) : Promise.resolve([]);
    recs.catch(() => {}); // awaited below; this keeps a failure from going unhandled meanwhile
    recordDecisions(this.sql, visitorId, decided.firsts, request.now);
    const answer = { decisions: decided.decisions, recs: await recs };
    // A new assignment counts in intent-to-treat at once, as a zero outcome until the visitor's
    // events say more: a visitor who leaves right after the decision is still in their arm.
    // (If it fails, the decision stands: the visitor's next applied event counts them.)
    if (decided.firsts.length) {
      try {
        const campaigns = await this.campaignWindows(request.site);
        const profile = this.sql.exec<{ segment: string | null; bot: number | null }>(
          'SELECT segment, (SELECT bot FROM sessions WHERE visitor_id = ?1 ORDER BY last DESC LIMIT 1) AS bot FROM profiles WHERE visitor_id = ?1', visitorId).toArray()[0];
        refreshVisitorOutcomes(this.sql, visitorId, campaigns, profile?.segment ?? null, profile?.bot === 1);
        this.applied++; // the rollups changed: kept report answers go
      } catch (err) {
        this.lastError = `${new Date().toISOString()} decide: ${String(err)}`;
      }
    }
    return answer;
  }

  /** What recommendations for this visitor need to know; null when `tokenHash` is not the visitor's. */
  async recContext(visitorId: string, tokenHash: string) {
    this.storeWaiting(); // the token a waiting batch claims first is the visitor's
    if (!claimVisitor(this.sql, visitorId, tokenHash)) return null;
    await this.applyPending(visitorId);
    return this.readRecContext(visitorId);
  }

  /** The visitor's session views, recent items, cart, bought items and category affinity, as stored now. */
  private readRecContext(visitorId: string): VisitorRecContext {
    // the profile and the latest session in one statement: a statement's fixed cost is most of a small read's
    const row = this.sql.exec<{ profile: string; session: string | null }>(
      `SELECT state AS profile, (SELECT state FROM sessions WHERE visitor_id = ?1 ORDER BY last DESC LIMIT 1) AS session
       FROM profiles WHERE visitor_id = ?1`, visitorId).toArray()[0];
    if (!row) return { views: [], recent: [], cart: [], bought: [], affinity: {} };
    const p = loadProfile(row.profile);
    const s = row.session === null ? null : loadSession(row.session);
    const now = Date.now();
    return {
      views: s && now - s.last < SESSION_IDLE_MS ? s.views : [],
      recent: p.recent,
      cart: p.cart,
      bought: p.bought,
      // RPC cannot carry a prototype-less object; fromEntries makes every key, "__proto__" too, an own property
      affinity: Object.fromEntries(Object.entries(affinityAt(p, now))),
    };
  }

  /**
   * A bounded, stratified training sample of this shard (training/sample.ts): the most recent
   * finished human sessions, at most `caps.purchases` with a purchase and `caps.others` without
   * (features before any purchase, and whether they bought); visitors' segment features, at most
   * `caps.visitors` of all and `caps.buyers` of buyers; and how many of each the shard holds.
   * A zero cap skips that part, so each training step reads only what it needs.
   */
  async trainingData(now = Date.now(), caps: SampleCaps = perShard(SAMPLE_CAPS, 1)): Promise<ShardSample> {
    await this.applyAll();
    // the recommender's rebuild follows: it should have seen every observation too
    while (this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM brain_outbox').one().n && (await this.flushObservations()));
    const idleBefore = now - SESSION_IDLE_MS;
    const population: Population = { purchases: 0, others: 0, visitors: 0, buyers: 0 };
    let sessions: ShardSample['sessions'] = [];
    if (caps.purchases > 0 || caps.others > 0) {
      const profileOf = (visitorId: string) => {
        const row = this.sql.exec<{ state: string }>('SELECT state FROM profiles WHERE visitor_id = ?', visitorId).toArray()[0];
        return row ? loadProfile(row.state) : newProfile(visitorId, now);
      };
      const sample = sampleSessions(this.sql, idleBefore, caps, (r) => {
        const s = loadSession(r.state);
        return { x: sessionFeatures(s, profileOf(r.visitor_id)), start: s.start, items: itemsBeforePurchase(s) };
      });
      sessions = sample.sessions;
      Object.assign(population, sample.counts);
    }
    const visitorRow = (state: string) => {
      const p = loadProfile(state);
      return { x: segmentFeatures(p, now), purchases: p.purchases, revenue: p.revenue, days: (now - p.lastPurchase) / 86_400_000 };
    };
    const visitors: ShardSample['visitors'] = [];
    const buyers: ShardSample['buyers'] = [];
    if (caps.visitors > 0 || caps.buyers > 0) {
      const counts = this.sql.exec<{ n: number; b: number | null }>(SAMPLE_SQL.visitorCounts).one();
      population.visitors = counts.n;
      population.buyers = counts.b ?? 0;
      if (caps.visitors > 0) for (const r of this.sql.exec<{ state: string }>(SAMPLE_SQL.visitors, caps.visitors)) visitors.push(visitorRow(r.state));
      if (caps.buyers > 0) for (const r of this.sql.exec<{ state: string }>(SAMPLE_SQL.buyers, caps.buyers)) buyers.push(visitorRow(r.state));
    }
    return { sessions, visitors, buyers, population };
  }
}

