// The shape of SiteBrain's stores, shared with the benchmark's in-memory mirror of them
// (bench/rec-models.ts), so the benchmark feeds its models what the brain would hold.

/** Items a session keeps: distinct, in the order first viewed, at most this many. */
export const SESSION_ITEMS = 50;
/** Items of a session's purchases that count, distinct: pairs grow with its square. */
export const BASKET_ITEMS = 20;
/** Sessions kept: the newest this many, none older than `KEPT_SESSION_MS` (trimmed as they come in). */
export const KEPT_SESSIONS = 50_000;
export const KEPT_SESSION_MS = 30 * 24 * 3_600_000;
/**
 * The sessions held in memory for the session-based models: every kept one (about 25 MB at
 * 50,000). Fewer costs accuracy: indexing only the newest 20,000 of yoochoose-1pct's training
 * sessions lowered VSTAN's validation MRR@20 by 1.5 % and HR@20 by 2 points.
 */
export const INDEXED_SESSIONS = KEPT_SESSIONS;
/** Length of each item's precomputed co-occurrence neighbour list. */
export const NEIGHBOURS = 50;
/** Trending: half-life, and the weight of a viewed and of a bought item, each counted once per visitor and day. */
export const TREND_HALF_LIFE_MS = 3 * 24 * 3_600_000;
export const TREND_WEIGHTS = { view: 1, buy: 5 } as const;
/** Items one visitor can count in trending per day, viewed and bought each (every one at most once). */
export const TREND_ITEMS_PER_DAY = 100;
/** A visitor's sessions per UTC day that count in co-occurrence: more sessions cannot outvote other people. */
export const PAIR_SESSIONS_PER_DAY = 3;
/** Trending rows read per requested item (the list is cut after the blend and filters). */
export const TRENDING_ROWS_PER_ITEM = 4;

/** A session's views as SiteBrain stores them (its `observe` appends the same way). */
export function storedSessionItems(views: Iterable<string>, max = SESSION_ITEMS): string[] {
  const out: string[] = [];
  for (const item of views) {
    if (out.length >= max) break;
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
