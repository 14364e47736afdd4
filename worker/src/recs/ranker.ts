// The learned ranker of the product page: gradient-boosted trees that score each candidate
// item from what every source says of it (its score scaled to the source's best, and its rank
// there), whether it is the product being viewed, how often and how many clicks ago the
// session viewed it, how long the session is, how many times in a row the product was just
// viewed, and how many indexed sessions viewed it relative to the most viewed candidate.
// Every feature is free of the shop's scale (no raw counts of the index), so one ranker
// trained on several validation periods serves any shop: `npm run bench:recs -- --write-ranker`
// trains the served one (docs/evaluation.md). Per request: at most CANDIDATES per source, a
// few comparisons per tree for each.
import { gbdtLogit, type GbdtModel } from '../ml/gbdt';
import { bestFirst } from './best-first';
import type { Source, SourceKey } from './sources';

export const RANKED_SOURCES: SourceKey[] = ['session', 'sequential', 'viewed_together', 'bought_together', 'reminder', 'trending'];

export const RANKER_FEATURES: string[] = [
  ...RANKED_SOURCES.flatMap((k) => [`${k}_score`, `${k}_log_rank`]),
  'is_anchor', 'session_views', 'log_session_length', 'log_relative_popularity',
  'clicks_since_last_view', 'clicks_since_first_view', 'anchor_streak', 'distinct_views',
];

/** Candidates: each source's best this many items. */
export const CANDIDATES = 50;
/** Ranks read per source; an item ranked lower, or absent, gets ln(RANKS + 1). */
const RANKS = 100;
/** Clicks since a view, for an item the session has not viewed. */
const NOT_VIEWED = 30;

export interface Ranker {
  kind: 'ranker';
  features: string[];
  model: GbdtModel;
}

/** Best score first; ties by item id. */
const byScoreThenItem = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Each candidate's features, in the order of RANKER_FEATURES. */
export function rankerRows(sources: readonly Source[], views: readonly string[], anchor: string | undefined, popularity: (item: string) => number): { items: string[]; X: number[][] } {
  const bySource = new Map<SourceKey, { max: number; scores: ReadonlyMap<string, number>; ranks: Map<string, number> }>();
  const candidates = new Set<string>();
  for (const { key, scores } of sources) {
    if (!RANKED_SOURCES.includes(key)) continue;
    // a source may score thousands of items: only its best RANKS are sorted
    const top: [string, number][] = [];
    for (const entry of bestFirst([...scores].filter(([, s]) => s > 0), byScoreThenItem)) {
      if (top.length === RANKS) break;
      top.push(entry);
    }
    const ranks = new Map(top.map(([item], i) => [item, i + 1]));
    bySource.set(key, { max: top.length ? top[0][1] : 0, scores, ranks });
    for (let i = 0; i < Math.min(CANDIDATES, top.length); i++) candidates.add(top[i][0]);
  }
  const counts = new Map<string, number>();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  views.forEach((item, j) => {
    counts.set(item, (counts.get(item) ?? 0) + 1);
    if (!first.has(item)) first.set(item, j);
    last.set(item, j);
  });
  const n = views.length;
  let streak = 0;
  while (streak < n && views[n - 1 - streak] === views[n - 1]) streak++;
  const absent = Math.log(RANKS + 1);
  const items = [...candidates];
  let maxPopularity = 0;
  const popularities = items.map((item) => {
    const p = Math.max(0, popularity(item));
    maxPopularity = Math.max(maxPopularity, p);
    return p;
  });
  const X = items.map((item, i) => {
    const x: number[] = [];
    for (const key of RANKED_SOURCES) {
      const s = bySource.get(key);
      const score = s?.scores.get(item) ?? 0;
      const rank = s?.ranks.get(item);
      x.push(s && s.max > 0 && score > 0 ? score / s.max : 0, rank ? Math.log(rank) : absent);
    }
    const l = last.get(item);
    const f = first.get(item);
    x.push(item === anchor ? 1 : 0, counts.get(item) ?? 0, Math.log1p(n), Math.log1p(popularities[i]) - Math.log1p(maxPopularity));
    x.push(l === undefined ? NOT_VIEWED : n - 1 - l, f === undefined ? NOT_VIEWED : n - 1 - f, streak, counts.size);
    return x;
  });
  return { items, X };
}

/** The ranker's score (a logit) of each candidate. */
export function rankerScores(ranker: Ranker, sources: readonly Source[], views: readonly string[], anchor: string | undefined, popularity: (item: string) => number): Map<string, number> {
  const { items, X } = rankerRows(sources, views, anchor, popularity);
  return new Map(items.map((item, i) => [item, gbdtLogit(ranker.model, X[i])]));
}
