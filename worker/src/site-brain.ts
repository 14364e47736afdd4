// One Durable Object per site: the shop-wide recommendation models. Item co-occurrence
// ("viewed together", "bought together"), trending and the session index for V-SKNN are
// updated incrementally as the shards report what visitors viewed and bought. Neighbour lists
// are precomputed: an item whose counts changed is marked stale and recomputed from its own
// pair counts when next read (or by the scheduled rebuild), so serving never scans raw events
// and the write path stays cheap.
import { DurableObject } from 'cloudflare:workers';
import { catalogOf, type CatalogItem } from './catalog';
import type { Env } from './env';
import { SessionKnn } from './recs/session-knn';
import type { ItemObservation } from './visitor-shard';

export type Reason = 'viewed_together' | 'bought_together' | 'session_similar' | 'trending' | 'recently_viewed' | 'category_affinity';
export type RecContext = 'home' | 'product' | 'cart';

export interface RecRequest {
  site: string;
  context: RecContext;
  item?: string;
  limit: number;
  /** Items viewed in the current session, in order. */
  views: string[];
  recent: string[];
  cart: string[];
  bought: string[];
  affinity: Record<string, number>;
  /** At most this many items of one category. */
  perCategory?: number;
}

export interface Recommendation {
  item_id: string;
  score: number;
  reason: Reason;
  name?: string;
  category?: string;
  price?: number;
}

interface Neighbour {
  item: string;
  score: number;
  count: number;
  support: number;
  confidence: number;
  lift: number;
}

const NEIGHBOURS = 50;
const SESSION_ITEMS = 50;
const KEPT_SESSIONS = 50_000;
const INDEXED_SESSIONS = 20_000;
const TREND_HALF_LIFE_MS = 3 * 24 * 3_600_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS item_stats (item TEXT PRIMARY KEY, views INTEGER NOT NULL DEFAULT 0, view_sessions INTEGER NOT NULL DEFAULT 0,
  baskets INTEGER NOT NULL DEFAULT 0, trend REAL NOT NULL DEFAULT 0, trend_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, a, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totals (kind TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, time INTEGER NOT NULL, items TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_time ON sessions (time);
CREATE TABLE IF NOT EXISTS neighbours (kind TEXT NOT NULL, item TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY (kind, item)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stale (kind TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (kind, item)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;`;

export class SiteBrain extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private knn: SessionKnn | null = null;
  private knnBuilt = 0;
  private dirty = true;
  private trendCache: { at: number; limit: number; scores: Map<string, number> } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
  }

  /** Learns from what visitors viewed and bought (called after each batch, off the response path). */
  observe(observations: ItemObservation[]): void {
    this.ctx.storage.transactionSync(() => {
      const touched = { view: new Set<string>(), buy: new Set<string>() };
      for (const o of observations) {
        const row = this.sql.exec<{ items: string }>('SELECT items FROM sessions WHERE session_id = ?', o.sessionId).toArray()[0];
        const items: string[] = row ? JSON.parse(row.items) : [];
        for (const item of o.views) {
          this.sql.exec('INSERT INTO item_stats (item, views) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET views = views + 1', item);
          this.addTrend(item, o.time, 1);
          if (items.includes(item) || items.length >= SESSION_ITEMS) continue;
          if (!items.length) this.bump('view');
          this.sql.exec('UPDATE item_stats SET view_sessions = view_sessions + 1 WHERE item = ?', item);
          for (const other of items) {
            this.pair('view', item, other);
            touched.view.add(other); // both sides of a new pair have a new neighbour
          }
          items.push(item);
          touched.view.add(item);
        }
        if (o.views.length) this.sql.exec('INSERT OR REPLACE INTO sessions (session_id, time, items) VALUES (?, ?, ?)', o.sessionId, o.time, JSON.stringify(items));
        for (const basket of o.baskets) {
          const distinct = [...new Set(basket)];
          this.bump('buy');
          for (const item of distinct) {
            this.sql.exec('INSERT INTO item_stats (item, baskets) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET baskets = baskets + 1', item);
            this.addTrend(item, o.time, 5);
            for (const other of distinct) if (other < item) this.pair('buy', item, other);
            touched.buy.add(item);
          }
        }
      }
      // Their neighbour lists are stale now: recomputed when next read, or by the rebuild.
      for (const [kind, items] of Object.entries(touched)) for (const item of items) this.sql.exec('INSERT OR IGNORE INTO stale (kind, item) VALUES (?, ?)', kind, item);
      if (observations.some((o) => o.views.length)) this.dirty = true;
    });
  }

  private bump(kind: string) {
    this.sql.exec('INSERT INTO totals (kind, n) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET n = n + 1', kind);
  }

  private pair(kind: string, a: string, b: string) {
    const upsert = 'INSERT INTO pairs (kind, a, b, n) VALUES (?, ?, ?, 1) ON CONFLICT (kind, a, b) DO UPDATE SET n = n + 1';
    this.sql.exec(upsert, kind, a, b);
    this.sql.exec(upsert, kind, b, a);
  }

  private addTrend(item: string, time: number, weight: number) {
    const row = this.sql.exec<{ trend: number; trend_at: number }>('SELECT trend, trend_at FROM item_stats WHERE item = ?', item).toArray()[0];
    const at = Math.max(time, row?.trend_at ?? 0);
    const decayed = (row?.trend ?? 0) * 2 ** (-(at - (row?.trend_at ?? at)) / TREND_HALF_LIFE_MS) + weight * 2 ** (-(at - time) / TREND_HALF_LIFE_MS);
    this.sql.exec('UPDATE item_stats SET trend = ?, trend_at = ? WHERE item = ?', decayed, at, item);
  }

  /** Recomputes one item's neighbour list with its association-rule measures. */
  private refreshNeighbours(kind: 'view' | 'buy', item: string) {
    const countCol = kind === 'view' ? 'view_sessions' : 'baskets';
    const total = this.sql.exec<{ n: number }>('SELECT n FROM totals WHERE kind = ?', kind).toArray()[0]?.n ?? 0;
    const own = this.sql.exec<{ c: number }>(`SELECT ${countCol} AS c FROM item_stats WHERE item = ?`, item).toArray()[0]?.c ?? 0;
    if (!own || !total) return;
    const rows = this.sql
      .exec<{ b: string; n: number; c: number }>(
        `SELECT p.b AS b, p.n AS n, s.${countCol} AS c FROM pairs p JOIN item_stats s ON s.item = p.b WHERE p.kind = ? AND p.a = ?`, kind, item)
      .toArray();
    const list: Neighbour[] = rows
      .map((r) => ({ item: r.b, count: r.n, score: r.n / Math.sqrt(own * Math.max(1, r.c)), support: r.n / total, confidence: r.n / own, lift: (r.n * total) / (own * Math.max(1, r.c)) }))
      .sort((a, b) => b.score - a.score || a.item.localeCompare(b.item))
      .slice(0, NEIGHBOURS);
    this.sql.exec('INSERT OR REPLACE INTO neighbours (kind, item, list) VALUES (?, ?, ?)', kind, item, JSON.stringify(list));
  }

  /** An item's neighbour list, recomputed first if events changed it since. */
  neighbours(kind: 'view' | 'buy', item: string): Neighbour[] {
    if (this.sql.exec('DELETE FROM stale WHERE kind = ? AND item = ?', kind, item).rowsWritten) this.refreshNeighbours(kind, item);
    const row = this.sql.exec<{ list: string }>('SELECT list FROM neighbours WHERE kind = ? AND item = ?', kind, item).toArray()[0];
    return row ? JSON.parse(row.list) : [];
  }

  /** Forgets sessions (a visitor's erasure): their items leave the session index; pair counts are sums and stay. */
  forgetSessions(sessionIds: string[]): void {
    for (const id of sessionIds) this.sql.exec('DELETE FROM sessions WHERE session_id = ?', id);
    this.dirty = true;
  }

  /** The scheduled rebuild: every neighbour list afresh, old sessions dropped, a new model version. */
  rebuild(): { version: number; items: number; sessions: number } {
    return this.ctx.storage.transactionSync(() => {
      const cutoff = this.sql.exec<{ time: number }>('SELECT time FROM sessions ORDER BY time DESC LIMIT 1 OFFSET ?', KEPT_SESSIONS).toArray()[0]?.time;
      if (cutoff !== undefined) this.sql.exec('DELETE FROM sessions WHERE time <= ?', cutoff);
      const items = this.sql.exec<{ item: string; v: number; b: number }>('SELECT item, view_sessions AS v, baskets AS b FROM item_stats').toArray();
      for (const { item, v, b } of items) {
        if (v) this.refreshNeighbours('view', item);
        if (b) this.refreshNeighbours('buy', item);
      }
      this.sql.exec('DELETE FROM stale');
      this.sql.exec("INSERT INTO meta (key, value) VALUES ('version', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1");
      this.dirty = true;
      return {
        version: this.version(),
        items: items.length,
        sessions: this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM sessions').one().n,
      };
    });
  }

  private version(): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM meta WHERE key = 'version'").toArray()[0]?.value ?? 0;
  }

  /** The V-SKNN index over the most recent sessions, rebuilt when new sessions came in (at most every 5 s for a big shop). */
  private sessionIndex(): SessionKnn {
    const now = Date.now();
    if (this.knn && (!this.dirty || (this.knn.size >= 1_000 && now - this.knnBuilt < 5_000))) return this.knn;
    const knn = new SessionKnn();
    const rows = this.sql.exec<{ time: number; items: string }>('SELECT time, items FROM sessions ORDER BY time DESC LIMIT ?', INDEXED_SESSIONS).toArray();
    for (const r of rows.reverse()) knn.add({ items: JSON.parse(r.items), time: r.time });
    this.knn = knn;
    this.knnBuilt = now;
    this.dirty = false;
    return knn;
  }

  /** The trending items; the list is kept for 10 s, since it moves slowly and sorting it costs. */
  private trending(limit: number): Map<string, number> {
    const now = Date.now();
    if (this.trendCache && this.trendCache.limit >= limit && now - this.trendCache.at < 10_000) return this.trendCache.scores;
    const rows = this.sql.exec<{ item: string; trend: number; trend_at: number }>('SELECT item, trend, trend_at FROM item_stats ORDER BY trend DESC LIMIT ?', limit * 4).toArray();
    const scores = new Map(rows.map((r): [string, number] => [r.item, r.trend * 2 ** (-Math.max(0, now - r.trend_at) / TREND_HALF_LIFE_MS)]));
    this.trendCache = { at: now, limit, scores };
    return scores;
  }

  /** Ranked items for a visitor in a context, each with the reason it is there. */
  async recommend(req: RecRequest): Promise<{ items: Recommendation[]; model_version: string }> {
    const catalog = await catalogOf(this.env.DB, req.site);
    const sources: [Reason, number, Map<string, number>][] = [];
    const fromNeighbours = (kind: 'view' | 'buy', items: string[]) => {
      const m = new Map<string, number>();
      for (const item of items) for (const n of this.neighbours(kind, item)) m.set(n.item, (m.get(n.item) ?? 0) + n.score);
      return m;
    };
    const anchor = req.context === 'product' && req.item ? [req.item] : req.context === 'cart' ? req.cart : [];
    if (anchor.length) {
      sources.push(['bought_together', req.context === 'cart' ? 1.3 : 1.1, fromNeighbours('buy', anchor)]);
      sources.push(['viewed_together', req.context === 'cart' ? 0.7 : 1, fromNeighbours('view', anchor)]);
    }
    if (req.views.length) sources.push(['session_similar', 0.9, this.sessionIndex().score(req.views.slice(-20))]);
    if (req.context === 'home') sources.push(['recently_viewed', 0.5, new Map(req.recent.slice(0, 10).map((item, i) => [item, 1 - i / 20]))]);
    sources.push(['trending', 0.3, this.trending(req.limit * 3)]);

    // Each source scaled to its best item, then weighted and summed; the reason is the largest share.
    const total = new Map<string, { score: number; reason: Reason; best: number }>();
    for (const [reason, weight, scores] of sources) {
      const max = Math.max(0, ...scores.values());
      if (!max) continue;
      for (const [item, s] of scores) {
        const part = (weight * s) / max;
        const t = total.get(item) ?? { score: 0, reason, best: 0 };
        t.score += part;
        if (part > t.best) (t.best = part), (t.reason = reason);
        total.set(item, t);
      }
    }
    // Re-rank by the visitor's category affinity.
    const maxAffinity = Math.max(0, ...Object.values(req.affinity));
    const excluded = new Set([...req.cart, ...req.bought, ...(req.item ? [req.item] : [])]);
    const ranked: Recommendation[] = [];
    for (const [item, t] of total) {
      if (excluded.has(item)) continue;
      const product: CatalogItem | undefined = catalog.get(item);
      if (catalog.size && (!product || !product.inStock)) continue; // only active, in-stock catalog items
      const boost = maxAffinity && product ? 0.5 * ((req.affinity[product.category] ?? 0) / maxAffinity) : 0;
      const reason = t.reason === 'trending' && boost > t.best ? 'category_affinity' : t.reason;
      ranked.push({ item_id: item, score: +(t.score * (1 + boost)).toFixed(6), reason, name: product?.name, category: product?.category, price: product?.price });
    }
    ranked.sort((a, b) => b.score - a.score || a.item_id.localeCompare(b.item_id));
    const perCategory = req.perCategory ?? 3;
    const counts = new Map<string, number>();
    const items = ranked.filter((r) => {
      const c = r.category ?? '';
      if ((counts.get(c) ?? 0) >= perCategory && c) return false;
      counts.set(c, (counts.get(c) ?? 0) + 1);
      return true;
    });
    return { items: items.slice(0, req.limit), model_version: `brain-${this.version()}` };
  }
}
