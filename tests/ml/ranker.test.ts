// The learned ranker's features, by hand, and how the served ranking uses it.
import { describe, expect, it } from 'vitest';
import { recommendItems, type RecModels, type RecRequest } from '../../worker/src/recs/blend';
import { RANKER_FEATURES, rankerRows, type Ranker } from '../../worker/src/recs/ranker';

const feature = (name: string) => RANKER_FEATURES.indexOf(name);

describe('ranker features', () => {
  const sources = [
    { key: 'session' as const, scores: new Map([['a', 4], ['b', 2], ['c', 0]]) },
    { key: 'sequential' as const, scores: new Map([['b', 1], ['n', 0.5]]) },
    { key: 'recent' as const, scores: new Map([['r', 1]]) }, // not a ranked source
  ];
  const { items, X } = rankerRows(sources, ['b', 'x', 'b', 'a', 'a'], 'a', (item) => (item === 'a' ? 9 : item === 'b' ? 4 : 0));
  const row = (item: string) => X[items.indexOf(item)];

  it('takes each ranked source\'s positive-scored candidates', () => {
    expect(items.sort()).toEqual(['a', 'b', 'n']);
  });

  it('gives each candidate its scaled score and log-rank per source, and the session\'s facts', () => {
    expect(row('a')[feature('session_score')]).toBe(1);
    expect(row('a')[feature('session_log_rank')]).toBe(0);
    expect(row('b')[feature('session_score')]).toBe(0.5);
    expect(row('b')[feature('session_log_rank')]).toBeCloseTo(Math.log(2), 12);
    expect(row('a')[feature('sequential_score')]).toBe(0);
    expect(row('a')[feature('sequential_log_rank')]).toBeCloseTo(Math.log(101), 12); // absent
    expect(row('b')[feature('sequential_score')]).toBe(1);
    expect(row('a')[feature('is_anchor')]).toBe(1);
    expect(row('b')[feature('is_anchor')]).toBe(0);
    expect(row('b')[feature('session_views')]).toBe(2);
    expect(row('a')[feature('session_views')]).toBe(2);
    expect(row('n')[feature('session_views')]).toBe(0);
    expect(row('a')[feature('log_session_length')]).toBeCloseTo(Math.log(6), 12);
    // popularity relative to the most popular candidate (a, 9 sessions), on a log scale
    expect(row('a')[feature('log_relative_popularity')]).toBe(0);
    expect(row('b')[feature('log_relative_popularity')]).toBeCloseTo(Math.log(5) - Math.log(10), 12);
    expect(row('n')[feature('log_relative_popularity')]).toBeCloseTo(-Math.log(10), 12);
    // clicks since the candidate's last and first views; 30 when the session never viewed it
    expect(row('a')[feature('clicks_since_last_view')]).toBe(0);
    expect(row('a')[feature('clicks_since_first_view')]).toBe(1);
    expect(row('b')[feature('clicks_since_last_view')]).toBe(2);
    expect(row('b')[feature('clicks_since_first_view')]).toBe(4);
    expect(row('n')[feature('clicks_since_last_view')]).toBe(30);
    // the session's facts: the product viewed twice in a row, 3 distinct items
    expect(row('n')[feature('anchor_streak')]).toBe(2);
    expect(row('b')[feature('distinct_views')]).toBe(3);
    expect(row('a').length).toBe(RANKER_FEATURES.length);
  });
});

describe('the served ranking with a ranker', () => {
  // one stump: a candidate the session viewed twice or more scores +2, others −1
  const ranker: Ranker = {
    kind: 'ranker',
    features: RANKER_FEATURES,
    model: { kind: 'gbdt', base: 0, trees: [{ feature: [feature('session_views'), -1, -1], threshold: [1.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -1, 2] }] },
  };
  const models: RecModels = {
    neighbours: () => [],
    session: () => new Map([['s1', 3], ['s2', 1], ['twice', 0.5]]),
    sequential: () => new Map(),
    trending: () => new Map(),
    popularity: () => 0,
  };
  const req: RecRequest = { site: 's', context: 'product', item: 'p', limit: 5, views: ['twice', 'p', 'twice', 'p'], recent: [], cart: [], bought: [], affinity: {} };
  const weights = { contexts: { product: { session: 1, reminder: 1 }, cart: {}, home: {} }, reminderDecay: 0.5, affinity: 0 };

  it('orders by the ranker, keeps the weighted sum\'s reasons, and still hides the product', () => {
    const ranked = recommendItems(req, models, new Map(), 0, { weights: { ...weights, ranker } });
    expect(ranked.map((r) => r.item_id)).toEqual(['twice', 's1', 's2']);
    expect(ranked[0].reason).toBe('recently_viewed');
    expect(ranked[1].reason).toBe('session_similar');
    // without the ranker the weighted sum orders them: s1 first
    expect(recommendItems(req, models, new Map(), 0, { weights }).map((r) => r.item_id)[0]).toBe('s1');
  });
});
