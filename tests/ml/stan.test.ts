// STAN and VSTAN on tiny sessions, each score worked out from the definitions in stan.ts.
import { describe, expect, it } from 'vitest';
import { SessionIndex } from '../../worker/src/recs/session-index';
import { Stan } from '../../worker/src/recs/stan';

const DAY = 86_400_000;
const off = { spw: null, snhDays: null, inh: null, ipw: null, idf: null };

function indexOf(sessions: [string[], number][]) {
  const index = new SessionIndex();
  for (const [items, time] of sessions) index.add({ items, time });
  return index;
}

describe('STAN', () => {
  // s0 = a b c (a day before now), s1 = c d (now); the current session clicked a, then c
  const index = indexOf([[['a', 'b', 'c'], 0], [['c', 'd'], DAY]]);
  const stan = new Stan(index, { ...off, k: 10, sampleSize: 10, spw: 1, snhDays: 1, inh: 1 });

  it('weights recent clicks, decays old neighbours, and scores by distance to the shared item', () => {
    const wa = Math.exp(-1); // a is one click back
    const norm = Math.sqrt(wa * wa + 1);
    const sim0 = ((wa + 1) / (norm * Math.sqrt(3))) * Math.exp(-1); // a day old
    const sim1 = 1 / (norm * Math.sqrt(2));
    expect(stan.neighbours(['a', 'c'], DAY)).toEqual([[1, expect.closeTo(sim1, 12)], [0, expect.closeTo(sim0, 12)]]);
    // s0's last shared item is c (position 3): a is 2 away, b 1; s1's is c (position 1): d is 1 away
    const scores = stan.score(['a', 'c'], DAY);
    expect(scores.get('a')).toBeCloseTo(sim0 * Math.exp(-2), 12);
    expect(scores.get('b')).toBeCloseTo(sim0 * Math.exp(-1), 12);
    expect(scores.get('c')).toBeCloseTo(sim0 + sim1, 12);
    expect(scores.get('d')).toBeCloseTo(sim1 * Math.exp(-1), 12);
    expect(scores.size).toBe(4);
  });

  it('keeps only the k most similar neighbours', () => {
    const one = new Stan(index, { ...off, k: 1, sampleSize: 10 });
    // without weights: s0 shares 2 of 3 items, s1 1 of 2: cosine 2/(√2·√3) > 1/(√2·√2)
    expect(one.neighbours(['a', 'c'], DAY).map(([s]) => s)).toEqual([0]);
    expect([...one.score(['a', 'c'], DAY).keys()].sort()).toEqual(['a', 'b', 'c']);
  });

  it('samples the most recent candidate sessions', () => {
    const recent = new Stan(index, { ...off, k: 10, sampleSize: 1 });
    expect(recent.neighbours(['a', 'c'], DAY).map(([s]) => s)).toEqual([1]);
  });

  it('scores nothing for an empty session or unknown items', () => {
    expect(stan.score([], DAY).size).toBe(0);
    expect(stan.score(['zz'], DAY).size).toBe(0);
  });
});

describe('VSTAN', () => {
  // s0 = a b, s1 = c d, s2 = a e; current session: a, then c. Every similarity is 1/(√2·√2).
  const index = indexOf([[['a', 'b'], 1], [['c', 'd'], 2], [['a', 'e'], 3]]);

  it('lowers neighbours that matched only older clicks (λ_ipw)', () => {
    const scores = new Stan(index, { ...off, k: 10, sampleSize: 10, ipw: 1 }).score(['a', 'c'], 3);
    const old = 0.5 * Math.exp(-1); // s0 and s2 hold a, one click back
    expect(Object.fromEntries(scores)).toEqual({ a: expect.closeTo(2 * old, 12), b: expect.closeTo(old, 12), e: expect.closeTo(old, 12), c: expect.closeTo(0.5, 12), d: expect.closeTo(0.5, 12) });
  });

  it('raises rare items by their inverse document frequency (λ_idf)', () => {
    const scores = new Stan(index, { ...off, k: 10, sampleSize: 10, idf: 2 }).score(['a', 'c'], 3);
    // a is in 2 of 3 sessions, the others in 1
    expect(scores.get('a')).toBeCloseTo(1 * (1 + 2 * Math.log(3 / 2)), 12);
    expect(scores.get('d')).toBeCloseTo(0.5 * (1 + 2 * Math.log(3)), 12);
  });
});
