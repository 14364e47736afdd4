// The served ranking (recs/blend.ts): sources, blend, filters, on hand-made stores.
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../worker/src/catalog';
import { blend, DEFAULT_BLEND, MAX_SESSION_CLICKS, rank, recommendItems, reminderScores, requestSources, servedFilters, type RecModels, type RecRequest } from '../../worker/src/recs/blend';
import { RANKER_FEATURES, rankerScores } from '../../worker/src/recs/ranker';

const request = (over: Partial<RecRequest> = {}): RecRequest => ({ site: 's', context: 'product', item: 'p', limit: 10, views: [], recent: [], cart: [], bought: [], affinity: {}, ...over });
const item = (id: string, category: string, inStock = true): CatalogItem => ({ id, name: id.toUpperCase(), category, price: 1, inStock });

describe('blend', () => {
  it('scales each source to its best item, weights and sums, and names the largest share', () => {
    const total = blend(
      [
        { key: 'session', scores: new Map([['x', 2], ['y', 1]]) },
        { key: 'sequential', scores: new Map([['y', 4], ['z', 2], ['w', 0]]) },
      ],
      { session: 1, sequential: 0.5 },
    );
    // x: 2/2 = 1; y: 1/2 + 0.5·4/4 = 1; z: 0.5·2/4 = 0.25; w scores nothing
    expect(total.get('x')).toEqual({ score: 1, reason: 'session_similar', best: 1 });
    expect(total.get('y')!.score).toBe(1);
    expect(total.get('y')!.reason).toBe('session_similar'); // a tie keeps the first
    expect(total.get('z')).toEqual({ score: 0.25, reason: 'viewed_together', best: 0.25 });
    expect(total.has('w')).toBe(false);
  });

  it('reads no source without weight', () => {
    expect(blend([{ key: 'trending', scores: new Map([['x', 1]]) }], { session: 1 }).size).toBe(0);
  });

  it('weights a session\'s views by recency, repeats adding up', () => {
    expect(Object.fromEntries(reminderScores(['a', 'b', 'a', 'c'], 0.5))).toEqual({ c: 1, a: 0.5 + 0.125, b: 0.25 });
  });
});

describe('rank', () => {
  const total = blend([{ key: 'session', scores: new Map([['a', 5], ['b', 4], ['c', 3], ['d', 2], ['e', 1], ['f', 1]]) }], { session: 1 });

  it('orders by score, ties by id, and applies the served filters', () => {
    const catalog = new Map([item('a', 'Shoes'), item('b', 'Shoes', false), item('c', 'Shoes'), item('d', 'Shoes'), item('e', 'Hats'), item('f', 'Hats')].map((i) => [i.id, i]));
    const req = request({ item: 'a', perCategory: 1 });
    const ids = rank(total, req, catalog, servedFilters(req), 0).map((r) => r.item_id);
    // a is the product itself, b out of stock, then one shoe (c) and one hat (e before f by id)
    expect(ids).toEqual(['c', 'e']);
  });

  it('without a catalog, filters nothing but what is excluded, and keeps the limit', () => {
    const ids = rank(total, request({ limit: 3 }), new Map(), { excluded: new Set(['b']), perCategory: 3 }, 0).map((r) => r.item_id);
    expect(ids).toEqual(['a', 'c', 'd']);
  });

  it('boosts the visitor\'s categories and ignores inherited keys', () => {
    const catalog = new Map([item('a', 'Shoes'), item('e', 'Hats'), item('c', 'constructor'), item('d', '__proto__')].map((i) => [i.id, i]));
    const out = rank(total, request({ affinity: { Hats: 2, Shoes: 1 } }), catalog, { excluded: new Set(), perCategory: 3 }, 0.5);
    // a: 1·(1 + 0.5·1/2) = 1.25; e: 0.2·(1 + 0.5) = 0.3; c and d, whose categories are only
    // inherited names of a plain object, get no boost: 0.6 and 0.4
    expect(out.map((r) => [r.item_id, r.score])).toEqual([['a', 1.25], ['c', 0.6], ['d', 0.4], ['e', 0.3]]);
  });
});

describe('recommendItems', () => {
  const calls: string[] = [];
  const models: RecModels = {
    neighbours: (kind, item) => (calls.push(`${kind}:${item}`), kind === 'view' ? [{ item: 'v', score: 1 }] : []),
    session: (views) => (calls.push(`session:${views.length}`), new Map([['s', 1], ['p', 2]])),
    sequential: (item) => (calls.push(`sequential:${item}`), new Map([['n', 1]])),
    trending: () => new Map([['t', 1]]),
    popularity: () => 1,
  };

  it('reads the product context\'s sources, bounded to the newest views', () => {
    calls.length = 0;
    const views = Array.from({ length: 30 }, (_, i) => `h${i}`);
    const out = recommendItems(request({ views: [...views, 'p'], limit: 50 }), models, new Map(), 0);
    expect(calls.sort()).toEqual(['buy:p', `session:${MAX_SESSION_CLICKS}`, 'sequential:p', 'view:p'].sort());
    expect(out.map((r) => r.item_id)).not.toContain('p'); // never the product itself
    expect(out.find((r) => r.item_id === 'n')?.reason).toBe('viewed_together');
    expect(out.find((r) => r.item_id === 's')?.reason).toBe('session_similar');
    expect(out.find((r) => r.item_id === 'h29')?.reason).toBe('recently_viewed');
  });

  it('without a ranker, orders the product page by the weighted sum of the sources, each scaled to its best', () => {
    const req = request({ views: ['h1', 'p'] });
    const w = DEFAULT_BLEND.contexts.product;
    const weights = { ...DEFAULT_BLEND, ranker: undefined };
    // session: s 1/2 of its best (p, the product itself, is hidden); sequential n and viewed v
    // their sources' best; h1 one click back in the reminder; t trending; no basket neighbours
    const expected: [string, number][] = [['s', w.session! / 2], ['n', w.sequential!], ['v', w.viewed_together!], ['h1', w.reminder! * DEFAULT_BLEND.reminderDecay], ['t', w.trending!]];
    expected.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    const out = recommendItems(req, models, new Map(), 0, { weights }).map((r) => [r.item_id, r.score]);
    expect(out).toEqual(expected.map(([id, v]) => [id, +v.toFixed(6)]));
  });

  it('orders the served product page by the served ranker, which reads the features ranker.ts computes', () => {
    const ranker = DEFAULT_BLEND.ranker!;
    expect(ranker.features).toEqual(RANKER_FEATURES);
    const req = request({ views: ['h1', 'p', 'h1', 'p'] });
    const sources = requestSources(req, models, DEFAULT_BLEND, 0);
    const logits = rankerScores(ranker, sources, req.views, 'p', models.popularity);
    const expected = [...logits].filter(([item]) => item !== 'p').sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([item]) => item);
    expect(recommendItems(req, models, new Map(), 0).map((r) => r.item_id)).toEqual(expected);
  });

  it('gives a visitor without history trending items on the home page', () => {
    const out = recommendItems(request({ context: 'home', item: undefined }), models, new Map(), 0);
    expect(out).toEqual([{ item_id: 't', score: DEFAULT_BLEND.contexts.home.trending, reason: 'trending', name: undefined, category: undefined, price: undefined }]);
  });
});
