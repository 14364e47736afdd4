// One Durable Object per site: the shop-wide recommendation models. Item co-occurrence
// ("viewed together", "bought together"), trending and the session index for VSTAN and
// sequential rules are updated incrementally as the shards report what visitors viewed and
// bought. Neighbour lists are precomputed: an item whose counts changed is marked stale and
// recomputed from its own pair counts when next read (or by the scheduled rebuild), so serving
// never scans raw events and the write path stays cheap. The ranking itself is recs/blend.ts,
// the same code `npm run bench:recs` measures.
import { DurableObject } from 'cloudflare:workers';
import { catalogOf } from './catalog';
import { insertRows } from './sql-rows';
import type { BrainDelta } from './recs/brain-delta';
import type { Env } from './env';
import { recommendItems, type RecModels, type RecRequest, type Recommendation } from './recs/blend';
import { neighbourList, pairRowsSql, type Neighbour } from './recs/cooccurrence';
import { chunkFailed, isRunning, rebuildChunk, rebuildJob, recordRebuild, startRebuild, type RebuildHost, type RebuildResult } from './recs/rebuild';
import { SessionIndex } from './recs/session-index';
import { SessionModels } from './recs/session-models';
import { INDEXED_SESSIONS, KEPT_SESSION_MS, KEPT_SESSIONS, NEIGHBOURS, SESSION_ITEMS, TREND_HALF_LIFE_MS, TRENDING_ROWS_PER_ITEM } from './recs/stores';
import { addDecayed, decayedScore } from './recs/trending';
import { keepRecent } from './recs/keep-recent';

/** Parsed neighbour lists kept in memory, at most (a full one holds 50 items: about 3 kB). */
const KEPT_NEIGHBOUR_LISTS = 2_000;
/** Items whose sequential-rule scores are kept per session index, at most (a popular one has a few hundred followers: about 20 kB). */
const KEPT_RULE_LISTS = 500;
const listKey = (kind: 'view' | 'buy', item: string) => `${kind} ${item}`;

export type { Reason, RecContext, RecRequest, Recommendation } from './recs/blend';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS item_stats (item TEXT PRIMARY KEY, views INTEGER NOT NULL DEFAULT 0, view_sessions INTEGER NOT NULL DEFAULT 0,
  baskets INTEGER NOT NULL DEFAULT 0, trend REAL NOT NULL DEFAULT 0, trend_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_by_b ON pairs (kind, b);
CREATE TABLE IF NOT EXISTS totals (kind TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, time INTEGER NOT NULL, items TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (time);
CREATE TABLE IF NOT EXISTS neighbours (kind TEXT NOT NULL, item TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY (kind, item)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stale (kind TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (kind, item)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;`;

export class SiteBrain extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private models: SessionModels | null = null;
  private modelsBuilt = 0;
  private dirty = true;
  private trendCache: { at: number; limit: number; scores: Map<string, number> } | null = null;
  /** Parsed neighbour lists read since they last changed: a popular item's list serves many requests. */
  private readonly neighbourLists = new Map<string, Neighbour[]>();
  /** Sequential-rule scores per item, of the session models built last (they change together). */
  private readonly rulesOf = new Map<string, Map<string, number>>();
  /** The model version, read once: only a finishing rebuild changes it. */
  private modelVersion: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    // A pair was stored both ways before; now once (a < b), read from both sides: half the writes.
    ctx.storage.transactionSync(() => {
      if (this.sql.exec("SELECT 1 FROM meta WHERE key = 'pairs_once'").toArray().length) return;
      this.sql.exec('DELETE FROM pairs WHERE a > b');
      this.sql.exec("INSERT INTO meta (key, value) VALUES ('pairs_once', 1)");
    });
  }

  /**
   * Learns what sessions that look like people's viewed and bought, summed by their shard
   * (recs/brain-delta.ts). Ids outside the shop's catalog are skipped (when it has one), so the
   * stores grow with the catalog, not with what pages send.
   */
  async observe(site: string, delta: BrainDelta): Promise<void> {
    const catalog = await catalogOf(this.env.DB, site);
    const known = (item: string) => !catalog.size || catalog.has(item);
    // from here on synchronous: one transaction
    this.ctx.storage.transactionSync(() => {
      for (const kind of ['view', 'buy'] as const) {
        const n = delta.totals[kind];
        if (n) this.sql.exec('INSERT INTO totals (kind, n) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET n = n + excluded.n', kind, n);
      }
      const stale = { view: new Set<string>(), buy: new Set<string>() };
      const stats: SqlStorageValue[][] = [];
      for (const d of delta.items) if (known(d.item)) stats.push([d.item, d.viewSessions, d.viewSessions, d.baskets]);
      insertRows(this.sql, 'item_stats (item, views, view_sessions, baskets)', stats, `ON CONFLICT (item) DO UPDATE SET
        views = views + excluded.views, view_sessions = view_sessions + excluded.view_sessions, baskets = baskets + excluded.baskets`);
      for (const d of delta.items) if (d.trend && known(d.item)) this.addTrend(d.item, d.trendAt, d.trend);
      const pairs: SqlStorageValue[][] = [];
      const takenBack: typeof delta.pairs = [];
      for (const p of delta.pairs) {
        if (!known(p.a) || !known(p.b) || p.a === p.b) continue;
        const [a, b] = p.a < p.b ? [p.a, p.b] : [p.b, p.a]; // one row per pair
        pairs.push([p.kind, a, b, p.n]);
        if (p.n < 0) takenBack.push({ ...p, a, b }); // a session flagged as a bot's takes back what it taught
        stale[p.kind].add(a).add(b); // both sides of a pair have a new count
      }
      insertRows(this.sql, 'pairs (kind, a, b, n)', pairs, 'ON CONFLICT (kind, a, b) DO UPDATE SET n = n + excluded.n');
      for (const p of takenBack) this.sql.exec('DELETE FROM pairs WHERE kind = ? AND a = ? AND b = ? AND n <= 0', p.kind, p.a, p.b);
      for (const d of delta.items) {
        if (d.viewSessions && known(d.item)) stale.view.add(d.item);
        if (d.baskets && known(d.item)) stale.buy.add(d.item);
      }
      // Their neighbour lists are stale now: recomputed when next read, or by the rebuild.
      const staleRows = Object.entries(stale).flatMap(([kind, items]) => [...items].map((item) => [kind, item]));
      insertRows(this.sql, 'stale (kind, item)', staleRows, 'ON CONFLICT DO NOTHING');
      for (const [kind, item] of staleRows) this.neighbourLists.delete(listKey(kind as 'view' | 'buy', item));
      for (const s of delta.sessions) {
        const items = s.items.filter(known).slice(0, SESSION_ITEMS);
        if (items.length) this.sql.exec('INSERT OR REPLACE INTO sessions (session_id, time, items) VALUES (?, ?, ?)', s.id, s.time, JSON.stringify(items));
      }
      for (const id of delta.forget ?? []) this.sql.exec('DELETE FROM sessions WHERE session_id = ?', id);
      if (delta.sessions.length || delta.forget?.length) {
        this.trimSessions(Date.now());
        this.dirty = true;
      }
    });
  }

  /** Keeps the newest KEPT_SESSIONS sessions, none older than KEPT_SESSION_MS, as they come in. */
  private trimSessions(now: number) {
    this.sql.exec('DELETE FROM sessions WHERE time < ?', now - KEPT_SESSION_MS);
    const n = this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM sessions').one().n;
    // a little slack, so that the oldest go a thousand at a time rather than one per observation
    if (n <= KEPT_SESSIONS + 1_000) return;
    const cutoff = this.sql.exec<{ time: number }>('SELECT time FROM sessions ORDER BY time DESC LIMIT 1 OFFSET ?', KEPT_SESSIONS - 1).one().time;
    this.sql.exec('DELETE FROM sessions WHERE time < ?', cutoff);
  }

  private addTrend(item: string, time: number, weight: number) {
    const row = this.sql.exec<{ trend: number; trend_at: number }>('SELECT trend, trend_at FROM item_stats WHERE item = ?', item).toArray()[0];
    const next = addDecayed(row && row.trend_at ? { score: row.trend, at: row.trend_at } : undefined, time, weight, TREND_HALF_LIFE_MS);
    // a weight taken back a little later than it was added is a little larger: never below 0
    this.sql.exec('UPDATE item_stats SET trend = ?, trend_at = ? WHERE item = ?', Math.max(0, next.score), next.at, item);
  }

  /** Recomputes one item's neighbour list with its association-rule measures. */
  private refreshNeighbours(kind: 'view' | 'buy', item: string) {
    this.neighbourLists.delete(listKey(kind, item));
    const countCol = kind === 'view' ? 'view_sessions' : 'baskets';
    const total = this.sql.exec<{ n: number }>('SELECT n FROM totals WHERE kind = ?', kind).toArray()[0]?.n ?? 0;
    const own = this.sql.exec<{ c: number }>(`SELECT ${countCol} AS c FROM item_stats WHERE item = ?`, item).toArray()[0]?.c ?? 0;
    if (!own || !total) return;
    const rows = this.sql.exec<{ other: string; n: number; c: number }>(pairRowsSql(countCol), kind, item).toArray();
    const list = neighbourList(own, total, rows.map((r): [string, number, number] => [r.other, r.n, r.c]), NEIGHBOURS);
    this.sql.exec('INSERT OR REPLACE INTO neighbours (kind, item, list) VALUES (?, ?, ?)', kind, item, JSON.stringify(list));
  }

  /** An item's neighbour list, recomputed first if events changed it since. */
  neighbours(kind: 'view' | 'buy', item: string): Neighbour[] {
    const key = listKey(kind, item);
    const kept = this.neighbourLists.get(key);
    // a list is forgotten when its item is marked stale or refreshed; a read makes it the newest
    if (kept) return keepRecent(this.neighbourLists, key, kept, KEPT_NEIGHBOUR_LISTS);
    // read before deleting: a fresh list's read writes nothing, so the answer waits for no commit
    if (this.sql.exec('SELECT 1 FROM stale WHERE kind = ? AND item = ?', kind, item).toArray().length) {
      this.sql.exec('DELETE FROM stale WHERE kind = ? AND item = ?', kind, item);
      this.refreshNeighbours(kind, item);
    }
    const row = this.sql.exec<{ list: string }>('SELECT list FROM neighbours WHERE kind = ? AND item = ?', kind, item).toArray()[0];
    return keepRecent(this.neighbourLists, key, row ? (JSON.parse(row.list) as Neighbour[]) : [], KEPT_NEIGHBOUR_LISTS);
  }

  /** Forgets sessions (a visitor's erasure): their items leave the session index; pair counts are sums and stay. */
  forgetSessions(sessionIds: string[]): void {
    for (const id of sessionIds) this.sql.exec('DELETE FROM sessions WHERE session_id = ?', id);
    this.dirty = true;
  }

  /**
   * The scheduled rebuild (recs/rebuild.ts), run to completion by the caller (the admin's
   * "retrain now", tests): chunk by chunk, each its own transaction, letting requests in between.
   */
  async rebuild(site = ''): Promise<RebuildResult> {
    startRebuild(this.sql, site, Date.now());
    for (;;) {
      const chunk = rebuildChunk(this.rebuildHost());
      if (!chunk) return JSON.parse(rebuildJob(this.sql)?.last_result ?? 'null'); // the alarm finished it
      if ('done' in chunk) {
        this.dirty = true;
        return chunk.done;
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // /v1/recs answers between chunks
    }
  }

  /** Starts the rebuild and returns at once; the alarm runs its chunks and records the outcome in D1. */
  async scheduleRebuild(site: string): Promise<{ started: number; phase: string | null }> {
    const job = startRebuild(this.sql, site, Date.now());
    await this.ctx.storage.setAlarm(Date.now());
    return { started: job.started, phase: job.phase };
  }

  /** One chunk of a running rebuild per alarm; a failed chunk is retried with backoff, a few times. */
  async alarm(): Promise<void> {
    const job = rebuildJob(this.sql);
    if (!isRunning(job)) return;
    let chunk: ReturnType<typeof rebuildChunk>;
    try {
      chunk = rebuildChunk(this.rebuildHost());
    } catch (err) {
      const error = String((err as Error)?.message ?? err);
      const delay = chunkFailed(this.sql, error);
      await recordRebuild(this.env.DB, job.site, { error });
      if (delay !== null) await this.ctx.storage.setAlarm(Date.now() + delay);
      return;
    }
    if (chunk && 'done' in chunk) {
      this.dirty = true;
      await recordRebuild(this.env.DB, job.site, { result: chunk.done });
    } else if (chunk) await this.ctx.storage.setAlarm(Date.now());
  }

  private rebuildHost(): RebuildHost {
    const transaction = <T>(run: () => T): T => {
      this.modelVersion = null; // a chunk may finish the rebuild, which counts the version up
      return this.ctx.storage.transactionSync(run);
    };
    return { sql: this.sql, transaction, refreshNeighbours: (kind, item) => this.refreshNeighbours(kind, item) };
  }

  private version(): number {
    return (this.modelVersion ??= this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'version'").toArray()[0]?.value ?? 0);
  }

  /** The session models over the most recent sessions, rebuilt when new sessions came in (at most every 5 s for a big shop). */
  private sessionModels(): SessionModels {
    const now = Date.now();
    if (this.models && (!this.dirty || (this.models.index.size >= 1_000 && now - this.modelsBuilt < 5_000))) return this.models;
    const index = new SessionIndex();
    const rows = this.sql.exec<{ time: number; items: string }>('SELECT time, items FROM sessions ORDER BY time DESC LIMIT ?', INDEXED_SESSIONS).toArray();
    for (const r of rows.reverse()) index.add({ items: JSON.parse(r.items), time: r.time });
    this.models = new SessionModels(index);
    this.rulesOf.clear();
    this.modelsBuilt = now;
    this.dirty = false;
    return this.models;
  }

  /** What followed the item in the indexed sessions; a popular item's answer is kept until the index changes. */
  private sequential(item: string): Map<string, number> {
    const models = this.sessionModels();
    return keepRecent(this.rulesOf, item, this.rulesOf.get(item) ?? models.sequential(item), KEPT_RULE_LISTS);
  }

  /** The trending items; the list is kept for 10 s, since it moves slowly and sorting it costs. */
  private trending(limit: number): Map<string, number> {
    const now = Date.now();
    if (this.trendCache && this.trendCache.limit >= limit && now - this.trendCache.at < 10_000) return this.trendCache.scores;
    const rows = this.sql.exec<{ item: string; trend: number; trend_at: number }>('SELECT item, trend, trend_at FROM item_stats ORDER BY trend DESC LIMIT ?', limit * TRENDING_ROWS_PER_ITEM).toArray();
    const scores = new Map(rows.map((r): [string, number] => [r.item, decayedScore({ score: r.trend, at: r.trend_at }, now, TREND_HALF_LIFE_MS)]));
    this.trendCache = { at: now, limit, scores };
    return scores;
  }

  /** The trending items with their scores (at least `limit` when there are) and the model version, for serving outside the brain (recs/serve.ts). */
  trendingList(limit: number): { items: { item: string; score: number }[]; model_version: string } {
    return { items: [...this.trending(limit)].map(([item, score]) => ({ item, score })), model_version: `brain-${this.version()}` };
  }

  /** Ranked items for a visitor in a context, each with the reason it is there. */
  async recommend(req: RecRequest): Promise<{ items: Recommendation[]; model_version: string }> {
    const catalog = await catalogOf(this.env.DB, req.site);
    const models: RecModels = {
      neighbours: (kind, item) => this.neighbours(kind, item),
      session: (views, now) => this.sessionModels().session(views, now),
      sequential: (item) => this.sequential(item),
      trending: (limit) => this.trending(limit),
      popularity: (item) => this.sessionModels().popularity(item),
    };
    return { items: recommendItems(req, models, catalog, Date.now()), model_version: `brain-${this.version()}` };
  }
}
