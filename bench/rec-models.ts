// The recommender's stores, in memory, fed the way SiteBrain feeds its SQLite: sessions stored
// as SiteBrain stores them (distinct items in first-view order, at most 50), the newest 20,000
// indexed, view and basket co-occurrence with top-50 neighbour lists, trending with the same
// half-life and weights. The sources and blend on top are the worker's own (recs/blend.ts).
import { CoOccurrence, type Neighbour } from '../worker/src/recs/cooccurrence';
import type { RecModels } from '../worker/src/recs/blend';
import { SessionIndex } from '../worker/src/recs/session-index';
import { BASKET_ITEMS, INDEXED_SESSIONS, NEIGHBOURS, SESSION_ITEMS, storedSessionItems, TREND_HALF_LIFE_MS, TREND_WEIGHTS, TRENDING_ROWS_PER_ITEM } from '../worker/src/recs/stores';
import { SessionModels } from '../worker/src/recs/session-models';
import type { SequentialRuleOptions } from '../worker/src/recs/sequential-rules';
import type { StanOptions } from '../worker/src/recs/stan';
import { Trending } from '../worker/src/recs/trending';
import type { Session } from './data';

export class MemoryRecModels implements RecModels {
  readonly index = new SessionIndex();
  readonly sessionModels: SessionModels;
  private readonly views = new CoOccurrence(SESSION_ITEMS);
  private readonly buys = new CoOccurrence(BASKET_ITEMS);
  private readonly lists = { view: new Map<string, Neighbour[]>(), buy: new Map<string, Neighbour[]>() };
  private readonly trend = new Trending(TREND_HALF_LIFE_MS);
  private readonly trendTop = new Map<number, Map<string, number>>();
  private readonly latest: number;

  /** `train` in any order; `baskets`: items bought together, with the time of the purchase. */
  constructor(train: readonly Session[], baskets: { items: string[]; time: number }[] = [], options: { stan?: StanOptions; rules?: SequentialRuleOptions; indexed?: number } = {}) {
    const byEnd = [...train].sort((a, b) => a.times[a.times.length - 1] - b.times[b.times.length - 1]);
    const indexed = options.indexed ?? INDEXED_SESSIONS;
    byEnd.forEach((s, i) => {
      const items = storedSessionItems(s.items);
      this.views.add(items);
      // as SiteBrain counts them: each stored item once per session, when first viewed
      for (const item of items) this.trend.add(item, s.times[s.items.indexOf(item)], TREND_WEIGHTS.view);
      if (i >= byEnd.length - indexed) this.index.add({ items, time: s.times[s.times.length - 1] });
    });
    for (const b of baskets) {
      this.buys.add(b.items);
      for (const item of [...new Set(b.items)].slice(0, BASKET_ITEMS)) this.trend.add(item, b.time, TREND_WEIGHTS.buy);
    }
    this.latest = Math.max(0, ...byEnd.slice(-1).map((s) => s.times[s.times.length - 1]));
    this.sessionModels = new SessionModels(this.index, options);
  }

  neighbours(kind: 'view' | 'buy', item: string): Neighbour[] {
    let list = this.lists[kind].get(item);
    if (!list) this.lists[kind].set(item, (list = (kind === 'view' ? this.views : this.buys).neighbours(item, { limit: NEIGHBOURS })));
    return list;
  }

  session(views: readonly string[], now: number): Map<string, number> {
    return this.sessionModels.session(views, now);
  }

  sequential(item: string): Map<string, number> {
    return this.sessionModels.sequential(item);
  }

  popularity(item: string): number {
    return this.sessionModels.popularity(item);
  }

  /**
   * The top rows, as SiteBrain reads them. Nothing is added after training, so their order,
   * and their scores scaled to the best, are the same at any later time.
   */
  trending(limit: number): Map<string, number> {
    let top = this.trendTop.get(limit);
    if (!top) this.trendTop.set(limit, (top = new Map(this.trend.top(this.latest, limit * TRENDING_ROWS_PER_ITEM))));
    return top;
  }
}
