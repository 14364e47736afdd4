// Recommendation algorithms on tiny hand-made data, with answers worked out by hand.
import { describe, expect, it } from 'vitest';
import { CoOccurrence } from '../../worker/src/recs/cooccurrence';
import { sequentialRules } from '../../worker/src/recs/sequential-rules';
import { SessionIndex } from '../../worker/src/recs/session-index';
import { SessionKnn } from '../../worker/src/recs/session-knn';
import { Trending } from '../../worker/src/recs/trending';

describe('co-occurrence', () => {
  // 4 sessions: {a,b}, {a,b,c}, {a,c}, {d}
  const co = new CoOccurrence();
  for (const s of [['a', 'b'], ['a', 'b', 'c', 'b'], ['a', 'c'], ['d']]) co.add(s);

  it('counts items and pairs once per session', () => {
    expect(co.sessionCount).toBe(4);
    expect(co.count('a')).toBe(3);
    expect(co.count('b')).toBe(2); // b twice in one session counts once
    expect(co.measures('a', 'b').count).toBe(2);
  });

  it('computes support, confidence and lift', () => {
    // a→b: support 2/4, confidence 2/3, lift (2·4)/(3·2) = 4/3
    expect(co.measures('a', 'b')).toMatchObject({ support: 0.5, confidence: 2 / 3, lift: 4 / 3 });
    // b→a: confidence 2/2 = 1
    expect(co.measures('b', 'a').confidence).toBe(1);
    // b→c: together once; lift (1·4)/(2·2) = 1
    expect(co.measures('b', 'c').lift).toBe(1);
    expect(co.measures('a', 'd')).toMatchObject({ count: 0, lift: 0 });
  });

  it('ranks neighbours by cosine: b (2/√6) before c (2/√6, tie broken by id) before nothing else', () => {
    const n = co.neighbours('a');
    expect(n.map((x) => x.item)).toEqual(['b', 'c']);
    expect(n[0].score).toBeCloseTo(2 / Math.sqrt(3 * 2), 12);
    expect(co.neighbours('d')).toEqual([]);
  });
});

describe('V-SKNN', () => {
  const knn = new SessionKnn({ k: 2, sampleSize: 10 });
  // past sessions (time order): s0 {a,b}, s1 {b,c}, s2 {a,c,d}, s3 {e}
  knn.add({ items: ['a', 'b'], time: 1 });
  knn.add({ items: ['b', 'c'], time: 2 });
  knn.add({ items: ['a', 'c', 'd'], time: 3 });
  knn.add({ items: ['e'], time: 4 });

  it('weights recent clicks more and finds the k nearest sessions', () => {
    // current session a, c: weights a = 1/2, c = 2/2; similarity = Σ weights of shared items / 2 items
    // s0 {a,b}: 0.5/2 = 0.25; s1 {b,c}: 1/2 = 0.5; s2 {a,c,d}: 1.5/2 = 0.75; s3: no overlap
    expect(knn.neighbours(['a', 'c'])).toEqual([[2, 0.75], [1, 0.5]]);
  });

  it('scores items of the neighbours, decayed by how far back the match was', () => {
    // s2 matches the last click c (step 1): a, c, d get 0.75; s1 matches c (step 1): b, c get 0.5
    const scores = knn.score(['a', 'c']);
    expect(Object.fromEntries(scores)).toEqual({ a: 0.75, c: 1.25, d: 0.75, b: 0.5 });
  });

  it('samples only the most recent candidate sessions', () => {
    const small = new SessionKnn({ k: 10, sampleSize: 1 });
    small.add({ items: ['x', 'old'], time: 1 });
    small.add({ items: ['x', 'new'], time: 2 });
    expect([...small.score(['x']).keys()].sort()).toEqual(['new', 'x']);
  });
});

describe('sequential rules', () => {
  it('weights what followed by 1/distance', () => {
    const index = new SessionIndex();
    index.add({ items: ['a', 'b', 'c', 'd'], time: 1 });
    index.add({ items: ['a', 'c'], time: 2 });
    // a→b: 1; a→c: 1/2 (first) + 1 (second); a→d: beyond 2 steps
    expect(Object.fromEntries(sequentialRules(index, 'a', { steps: 2 }))).toEqual({ b: 1, c: 1.5 });
  });

  it('reads only the newest sessions that hold the item', () => {
    const index = new SessionIndex();
    index.add({ items: ['a', 'old'], time: 1 });
    index.add({ items: ['x', 'y'], time: 2 });
    index.add({ items: ['a', 'new'], time: 3 });
    expect(Object.fromEntries(sequentialRules(index, 'a', { sessions: 1 }))).toEqual({ new: 1 });
  });
});

describe('trending', () => {
  it('halves scores every half-life and adds new interactions', () => {
    const t = new Trending(1_000);
    t.add('a', 0);
    t.add('a', 0);
    t.add('b', 1_000);
    expect(t.score('a', 1_000)).toBeCloseTo(1, 12); // 2 halved once
    expect(t.score('a', 2_000)).toBeCloseTo(0.5, 12);
    expect(t.top(1_000).map(([item]) => item)).toEqual(['a', 'b']); // tie 1 = 1, by id
    t.add('b', 1_000);
    expect(t.top(1_000)[0][0]).toBe('b');
  });
});

describe('V-SKNN candidate sampling', () => {
  it('finds the same most recent candidates as sorting them all', async () => {
    const { seededRandom } = await import('../../worker/src/ml/random');
    const r = seededRandom(3);
    const sessions = Array.from({ length: 400 }, (_, t) => ({ items: Array.from({ length: 2 + Math.floor(r() * 5) }, () => `i${Math.floor(r() ** 2 * 40)}`), time: t }));
    const knn = new SessionKnn({ k: 20, sampleSize: 25 });
    for (const s of sessions) knn.add(s);
    // the reference: every session sharing an item, sorted by time, newest 25
    const current = ['i1', 'i7', 'i3'];
    const candidates = sessions.map((s, id) => ({ id, s })).filter(({ s }) => s.items.some((i) => current.includes(i)));
    const newest = new Set(candidates.sort((a, b) => b.s.time - a.s.time).slice(0, 25).map((c) => c.id));
    const found = knn.neighbours(current).map(([id]) => id);
    expect(found.length).toBe(20);
    for (const id of found) expect(newest.has(id)).toBe(true);
  });
});
