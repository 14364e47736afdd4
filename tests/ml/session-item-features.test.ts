import { describe, expect, it } from 'vitest';
import { buildItemTable, MAX_TABLE_BYTES, outOfFoldItemFeatures, recentItems, SESSION_ITEM_FEATURES, sessionItemFeatures } from '../../worker/src/scoring/session-item-features';

describe('session item features', () => {
  // 10 training sessions, 2 buy: a is viewed by 4 (2 buy), b by 2 (one buys), c by 1
  const training = [
    { views: ['a', 'b'], bought: true },
    { views: ['a', 'a'], bought: true },
    { views: ['a', 'c'], bought: false },
    { views: ['a', 'b'], bought: false },
    ...Array.from({ length: 6 }, () => ({ views: ['z'], bought: false })),
  ];
  const table = JSON.parse(JSON.stringify(buildItemTable(training, new Map([['a', 10], ['b', 30]]))));
  const f = (views: string[]) => Object.fromEntries(SESSION_ITEM_FEATURES.map((name, i) => [name, sessionItemFeatures(views, table)[i]]));

  it('counts each item once per session and keeps the most viewed items', () => {
    expect(table.ids).toEqual(['z', 'a', 'b', 'c']);
    expect(table.viewed).toEqual([6, 4, 2, 1]);
    expect(table.bought).toEqual([0, 2, 1, 0]);
    expect(buildItemTable(training, new Map(), 2).ids).toEqual(['z', 'a']);
  });

  it('computes buy rates shrunk to the shop rate, popularity, prices and page value', () => {
    const prior = 2 / 10;
    const rate = (bought: number, viewed: number) => (bought + 20 * prior) / (viewed + 20);
    const ra = rate(2, 4);
    const rb = rate(1, 2);
    expect(f(['a', 'b', 'a', 'unknown'])).toEqual({
      item_buy_rate_mean: expect.closeTo((ra + rb + prior) / 3, 12),
      item_buy_rate_max: expect.closeTo(ra, 12),
      item_buy_rate_last: expect.closeTo(prior, 12), // an item outside the table gets the shop's rate
      item_popularity_mean: expect.closeTo((Math.log1p(4) + Math.log1p(2) + 0) / 3, 12),
      item_price_mean: 20,
      item_price_max: 30,
      page_value_mean: expect.closeTo((ra * 10 + rb * 30 + 0) / 3, 12),
    });
  });

  it('gives an empty session the shop\'s rate and zeros', () => {
    const empty = f([]);
    expect(empty.item_buy_rate_mean).toBeCloseTo(0.2, 12);
    expect(empty.item_popularity_mean).toBe(0);
    expect(empty.item_price_max).toBe(0);
  });

  it('treats ids an object prototype has as ordinary items', () => {
    const hostile = buildItemTable([{ views: ['__proto__', 'constructor'], bought: true }, { views: ['toString'], bought: false }], new Map([['__proto__', 5]]));
    expect(hostile.ids).toEqual(['__proto__', 'constructor', 'toString']);
    expect(hostile.price).toEqual([5, 0, 0]);
    const x = sessionItemFeatures(['constructor', '__proto__', 'hasOwnProperty'], hostile);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(x[4]).toBe(5); // the one priced item
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('looks at the last 10 distinct items, the last one last', () => {
    const views = ['x', ...Array.from({ length: 12 }, (_, i) => `i${i}`), 'i3'];
    expect(recentItems(views)).toEqual(['i2', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'i11', 'i3']);
    expect(recentItems(['a', 'b', 'a'])).toEqual(['b', 'a']);
  });

  it('keeps the table within its byte budget whatever the ids', () => {
    const long = Array.from({ length: 6_000 }, (_, i) => ({ views: [`${'é'.repeat(95)}${i}`], bought: i % 2 === 0 }));
    const big = buildItemTable(long);
    expect(big.ids.length).toBeLessThan(6_000);
    expect(new TextEncoder().encode(JSON.stringify(big)).length).toBeLessThanOrEqual(MAX_TABLE_BYTES + 200);
  });

  it('gives each training session the item features of a table without its fold', () => {
    // each session views an item of its own; 5 of 10 buy. In sample, a buyer's item would have a
    // buy rate of 1 in 1 and an other's 0 in 1; out of fold, no session's item is in its table
    const sessions = Array.from({ length: 10 }, (_, i) => ({ views: [`own${i}`], bought: i < 5 }));
    const rows = outOfFoldItemFeatures(sessions, new Map(), 5);
    const inSample = buildItemTable(sessions);
    expect(sessionItemFeatures(['own0'], inSample)[0]).toBeCloseTo((1 + 20 * 0.5) / 21, 12);
    // every fold holds one buyer and one other: the other folds' table has 4 buyers in 8, and not the session's item
    for (const row of rows) {
      expect(row[0]).toBe(0.5);
      expect(row[3]).toBe(0); // popularity: unseen
    }
  });
});
