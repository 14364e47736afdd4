// /v1/recs ranks a request that reads only trending (no live session, no anchors) outside
// SiteBrain, from a trending list kept in the isolate for TRENDING_KEPT_MS (recs/serve.ts).
// Everything else is the brain's answer, fresh.
import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveItems } from '../../worker/src/catalog';
import { readsOnlyTrending, type RecRequest } from '../../worker/src/recs/blend';
import { buildDelta, type ItemObservation } from '../../worker/src/recs/brain-delta';
import { clearServedTrending, serveRecs, TRENDING_KEPT_MS } from '../../worker/src/recs/serve';
import type { SiteBrain } from '../../worker/src/site-brain';

const SITE = 'serve-shop';
const brain = () => env.BRAIN.get(env.BRAIN.idFromName(SITE));
/** The brain recomputes trending at most every 10 s: these tests make it recompute now. */
const forgetBrainTrending = () => runInDurableObject(brain(), (instance: SiteBrain) => void ((instance as unknown as { trendCache: unknown }).trendCache = null));

let sessions = 0;
/** A session that viewed `items` together and counted them in trending. */
const viewed = (items: string[]): ItemObservation => ({
  sessionId: `s-${++sessions}`, time: Date.now() - 60_000, items, itemsFrom: 0, bought: [], boughtFrom: 0, trendViews: items, trendBought: [],
});
const request = (over: Partial<RecRequest>): RecRequest => ({ site: SITE, context: 'home', limit: 5, views: [], recent: [], cart: [], bought: [], affinity: {}, ...over });
const ids = (answer: { items: { item_id: string }[] }) => answer.items.map((i) => i.item_id);

beforeAll(async () => {
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'new'];
  await saveItems(env.DB, SITE, items.map((id) => ({ id, name: id, category: `cat-${id}`, price: 10, inStock: true })));
  clearServedTrending();
});

describe('which requests read only trending', () => {
  it('a home page or an empty cart without a live session; not a product page, a cart with items, or a live session', () => {
    expect(readsOnlyTrending(request({ context: 'home' }))).toBe(true);
    expect(readsOnlyTrending(request({ context: 'cart' }))).toBe(true);
    expect(readsOnlyTrending(request({ context: 'home', views: ['a'] }))).toBe(false);
    expect(readsOnlyTrending(request({ context: 'cart', cart: ['a'] }))).toBe(false);
    expect(readsOnlyTrending(request({ context: 'product', item: 'a' }))).toBe(false);
  });
});

describe('serving outside the brain', () => {
  it('an empty trending list is not kept: a new shop shows its first trending items at once', async () => {
    const now = Date.now();
    expect(ids(await serveRecs(env, request({}), now))).toEqual([]);
    // a in three sessions, b in two, c in one: no ties (sessions made a millisecond apart decay apart)
    await brain().observe(SITE, buildDelta([viewed(['a', 'b']), viewed(['a', 'b', 'c']), viewed(['a'])]));
    await forgetBrainTrending();
    expect(ids(await serveRecs(env, request({}), now))).toEqual(['a', 'b', 'c']);
  });

  it('answers what the brain answers: same items, scores, reasons and model version, with the visitor\'s own lists', async () => {
    const req = request({ recent: ['f', 'b'], bought: ['c'], affinity: { 'cat-b': 2 }, limit: 4 });
    const served = await serveRecs(env, req);
    const ranked = await brain().recommend(req);
    expect(served).toEqual(ranked);
    expect(ids(served)).toContain('f'); // recently viewed
    expect(ids(served)).not.toContain('c'); // bought
    expect(served.items.length).toBeGreaterThan(2);
  });

  it('keeps the trending list for TRENDING_KEPT_MS, then reads the brain again', async () => {
    const now = Date.now() + 60_000; // later than any list kept so far
    const before = ids(await serveRecs(env, request({}), now));
    expect(before).not.toContain('new');
    for (let i = 0; i < 5; i++) await brain().observe(SITE, buildDelta([viewed(['new'])]));
    await forgetBrainTrending();
    expect(ids(await serveRecs(env, request({}), now + TRENDING_KEPT_MS - 1))).toEqual(before);
    const later = ids(await serveRecs(env, request({}), now + TRENDING_KEPT_MS));
    expect(later[0]).toBe('new');
  });

  it('a request with anchors is the brain\'s answer: a new pair shows at once', async () => {
    const product = request({ context: 'product', item: 'd' });
    expect(ids(await serveRecs(env, product))).not.toContain('e');
    await brain().observe(SITE, buildDelta([viewed(['d', 'e']), viewed(['d', 'e'])]));
    const answer = await serveRecs(env, product);
    expect(answer.items[0]).toMatchObject({ item_id: 'e', reason: 'viewed_together' });
  });
});
