import { describe, expect, it } from 'vitest';
import { clipRow, fitClip } from '../../worker/src/ml/robust';

describe('clip ranges across feature-vector widths', () => {
  // 101 rows of [i, 2i], then 101 rows stored when a third feature existed: [i, 2i, 10 + i]
  const old = Array.from({ length: 101 }, (_, i) => [i, 2 * i]);
  const wide = Array.from({ length: 101 }, (_, i) => [i, 2 * i, 10 + i]);

  it('takes the widest rows\' features, each range from the rows that have it', () => {
    const c = fitClip([...old, ...wide], 0.1);
    // feature 0: 202 values 0,0,1,1,…,100,100 → the 10 % quantile is at floor(0.1 · 201) = 20 → 10
    expect(c.lo[0]).toBe(10);
    expect(c.hi[0]).toBe(90); // index floor(0.9 · 201) = 180 → 90
    // feature 2 from the 101 wide rows only: 10..110 → indices 10 and 90
    expect(c.lo[2]).toBe(20);
    expect(c.hi[2]).toBe(100);
  });

  it('makes every row as wide as the clip: a missing feature is its low end, an unknown one is dropped', () => {
    const c = { lo: [0, 0, 5], hi: [10, 10, 50] };
    expect(clipRow(c, [20, -3])).toEqual([10, 0, 5]);
    expect(clipRow(c, [1, 2, 3, 99])).toEqual([1, 2, 5]);
    expect(clipRow(c, [Number.NaN, Infinity, 7])).toEqual([0, 0, 7]);
    // a model from before the third feature scores today's rows on its two
    expect(clipRow({ lo: [0, 0], hi: [10, 10] }, [3, 4, 1000])).toEqual([3, 4]);
  });

  it('has no features without rows', () => {
    expect(fitClip([])).toEqual({ lo: [], hi: [] });
  });
});
