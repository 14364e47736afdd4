// The learned ranker of the product page: gradient-boosted trees that score each candidate
// item from what every source says of it (its score scaled to the source's best, and its rank
// there), whether it is the product being viewed, how often the session viewed it, how long
// the session is, and how many recent sessions viewed it. Trained on a validation period, so the blend's weights are learned
// rather than set: `npm run bench:recs` trains and measures it, and writes the served one.
// Per request: at most CANDIDATES per source, a few comparisons per tree for each.
import { gbdtLogit, type GbdtModel } from '../ml/gbdt';
import type { Source, SourceKey } from './sources';

export const RANKED_SOURCES: SourceKey[] = ['session', 'sequential', 'viewed_together', 'bought_together', 'reminder', 'trending'];

export const RANKER_FEATURES: string[] = [
  ...RANKED_SOURCES.flatMap((k) => [`${k}_score`, `${k}_log_rank`]),
  'is_anchor', 'session_views', 'log_session_length', 'log_popularity',
];

/** Candidates: each source's best this many items. */
export const CANDIDATES = 50;
/** Ranks read per source; an item ranked lower, or absent, gets ln(RANKS + 1). */
const RANKS = 100;

export interface Ranker {
  kind: 'ranker';
  features: string[];
  model: GbdtModel;
}

/** Each candidate's features, in the order of RANKER_FEATURES. */
export function rankerRows(sources: readonly Source[], views: readonly string[], anchor: string | undefined, popularity: (item: string) => number): { items: string[]; X: number[][] } {
  const bySource = new Map<SourceKey, { max: number; scores: ReadonlyMap<string, number>; ranks: Map<string, number> }>();
  const candidates = new Set<string>();
  for (const { key, scores } of sources) {
    if (!RANKED_SOURCES.includes(key)) continue;
    const top = [...scores].filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, RANKS);
    const ranks = new Map(top.map(([item], i) => [item, i + 1]));
    bySource.set(key, { max: top.length ? top[0][1] : 0, scores, ranks });
    for (let i = 0; i < Math.min(CANDIDATES, top.length); i++) candidates.add(top[i][0]);
  }
  const counts = new Map<string, number>();
  for (const item of views) counts.set(item, (counts.get(item) ?? 0) + 1);
  const absent = Math.log(RANKS + 1);
  const items = [...candidates];
  const X = items.map((item) => {
    const x: number[] = [];
    for (const key of RANKED_SOURCES) {
      const s = bySource.get(key);
      const score = s?.scores.get(item) ?? 0;
      const rank = s?.ranks.get(item);
      x.push(s && s.max > 0 && score > 0 ? score / s.max : 0, rank ? Math.log(rank) : absent);
    }
    x.push(item === anchor ? 1 : 0, counts.get(item) ?? 0, Math.log1p(views.length), Math.log1p(popularity(item)));
    return x;
  });
  return { items, X };
}

/** The ranker's score (a logit) of each candidate. */
export function rankerScores(ranker: Ranker, sources: readonly Source[], views: readonly string[], anchor: string | undefined, popularity: (item: string) => number): Map<string, number> {
  const { items, X } = rankerRows(sources, views, anchor, popularity);
  return new Map(items.map((item, i) => [item, gbdtLogit(ranker.model, X[i])]));
}
