// bestFirst reads items in exactly the order a full sort gives (the served ranking depends on it).
import { describe, expect, it } from 'vitest';
import { byScoreThenId } from '../../worker/src/recs/blend';
import { bestFirst } from '../../worker/src/recs/best-first';
import { seededRandom } from '../../worker/src/ml/random';

const random = seededRandom(7);

/** `n` candidates with distinct ids; scores drawn from `levels` values, so many tie. */
const candidates = (n: number, levels: number) =>
  Array.from({ length: n }, (_, i) => ({ item_id: `i${Math.floor(random() * 1e9)}-${i}`, score: Math.floor(random() * levels) / levels }));

describe('bestFirst', () => {
  it('yields the order of a full sort, ties by id, for any size', () => {
    for (const n of [0, 1, 2, 3, 7, 64, 1_000]) {
      for (const levels of [1, 3, 1_000_000]) {
        const items = candidates(n, levels);
        const sorted = [...items].sort(byScoreThenId);
        expect([...bestFirst([...items], byScoreThenId)]).toEqual(sorted);
      }
    }
  });

  it('a partial read is the sort\'s first items', () => {
    const items = candidates(500, 10);
    const sorted = [...items].sort(byScoreThenId);
    const read: typeof items = [];
    for (const item of bestFirst([...items], byScoreThenId)) {
      read.push(item);
      if (read.length === 12) break;
    }
    expect(read).toEqual(sorted.slice(0, 12));
  });
});
