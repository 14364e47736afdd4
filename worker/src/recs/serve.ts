// What /v1/recs asks of SiteBrain. Most answers need the brain's models (co-occurrence of the
// anchors, VSTAN over the live session), so the brain ranks them. A request without a live
// session and without anchors (a home page, an empty cart) reads only what the visitor's shard
// gave (recent items, affinity) and the shop's trending list: that list is kept in this isolate
// for a moment, so such a request (a returning visitor's first page, an anonymous one) asks no
// Durable Object but the visitor's shard. A Durable Object call costs more than the ranking
// itself. The ranking is the same function either way (blend.ts).
import { catalogOf } from '../catalog';
import type { Env } from '../env';
import type { SiteBrain } from '../site-brain';
import { readsOnlyTrending, recommendItems, type RecModels, type RecRequest, type Recommendation } from './blend';

/**
 * How long a trending list read from the brain serves here. The brain itself recomputes it at
 * most every 10 s and learns from the shards every 2 s, so this adds little to its age.
 */
export const TRENDING_KEPT_MS = 2_000;
const KEPT_SITES = 1_000;

interface KeptTrending {
  at: number;
  limit: number;
  scores: ReadonlyMap<string, number>;
  modelVersion: string;
}

const trendingBySite = new Map<string, KeptTrending>();

/** Forgets the kept trending lists (tests). */
export function clearServedTrending() {
  trendingBySite.clear();
}

export type RecAnswer = { items: Recommendation[]; model_version: string };

/** Ranked items for a visitor in a context, each with its reason and the model version. */
export async function serveRecs(env: Env, req: RecRequest, now = Date.now()): Promise<RecAnswer> {
  const brain = () => env.BRAIN.get(env.BRAIN.idFromName(req.site));
  if (!readsOnlyTrending(req)) return brain().recommend(req);
  const [trending, catalog] = await Promise.all([keptTrending(brain, req.site, req.limit * 3, now), catalogOf(env.DB, req.site)]);
  const none = () => {
    throw new Error('this request reads only trending');
  };
  const models: RecModels = { neighbours: none, session: none, sequential: none, popularity: none, trending: () => trending.scores };
  return { items: recommendItems(req, models, catalog, now), model_version: trending.modelVersion };
}

/** The site's trending list, kept or read from its brain (`brain`: its stub, made only when needed). */
async function keptTrending(brain: () => DurableObjectStub<SiteBrain>, site: string, limit: number, now: number): Promise<KeptTrending> {
  const kept = trendingBySite.get(site);
  if (kept && kept.limit >= limit && now - kept.at < TRENDING_KEPT_MS && now >= kept.at) return kept;
  const answer = await brain().trendingList(limit);
  const fresh = { at: now, limit, scores: new Map(answer.items.map((t) => [t.item, t.score])), modelVersion: answer.model_version };
  // a new shop's empty list is not kept: its first trending items show at once
  if (answer.items.length) {
    if (trendingBySite.size >= KEPT_SITES && !trendingBySite.has(site)) trendingBySite.clear();
    trendingBySite.set(site, fresh);
  }
  return fresh;
}
