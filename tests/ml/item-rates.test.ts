import { describe, expect, it } from 'vitest';
import { ITEM_RATE_FEATURES, itemKey, itemRateFeatures, MAX_SESSION_ITEMS, prequentialItemRates, rateRow, recentItemKeys } from '../../worker/src/scoring/item-rates';

type ItemSession = { items: number[]; bought: boolean };

/** The rows of `prequentialItemRates`, one array a session. */
function preq(sessions: ItemSession[], start: number[], end: number[]) {
  const { rates, table } = prequentialItemRates(sessions.map((s) => s.items), sessions.map((s) => s.bought), start, end);
  return { rows: sessions.map((_, i) => rateRow(rates, i)), table };
}

const [A, B, C, Z] = ['a', 'b', 'c', 'z'].map(itemKey);
const named = (row: number[]) => Object.fromEntries(ITEM_RATE_FEATURES.map((name, i) => [name, row[i]]));
/** Smoothed rate relative to the prior, as documented (smoothing 50). */
const relative = (bought: number, viewed: number, prior: number) => (bought + 50 * prior) / (viewed + 50) / prior;

describe('item buy rates', () => {
  it('keys the last distinct items, the last viewed last, whatever the ids', () => {
    expect(recentItemKeys(['a', 'b', 'a', 'c'])).toEqual([B, A, C]);
    const many = Array.from({ length: 30 }, (_, i) => `item-${i}`);
    expect(recentItemKeys(many)).toEqual(many.slice(-MAX_SESSION_ITEMS).map(itemKey));
    // hostile ids are hashed like any other: the table holds numbers only
    for (const id of ['__proto__', 'constructor', '', '😀'.repeat(50)]) expect(itemKey(id)).toBeGreaterThanOrEqual(0);
    expect(itemKey('__proto__')).not.toBe(itemKey('constructor'));
  });

  it('gives each training session the rates of the sessions that ended before it started, never its own', () => {
    // times: s0 [0, 10], s1 [5, 20] (bought), s2 [30, 40] (bought), s3 [50, 60]
    const sessions = [
      { items: [A, B], bought: false },
      { items: [A], bought: true },
      { items: [A, C], bought: true },
      { items: [B, A], bought: false },
    ];
    const { rows, table } = preq(sessions, [0, 5, 30, 50], [10, 20, 40, 60]);
    expect(rows[0]).toEqual([1, 1, 1]); // nothing had ended: no rate known
    // s1 started before s0 ended: it sees nothing either, and not its own purchase
    expect(rows[1]).toEqual([1, 1, 1]);
    // s2 sees s0 and s1: prior 1/2; a viewed by both (1 bought), c unknown
    const a2 = relative(1, 2, 0.5);
    expect(named(rows[2])).toEqual({ item_buy_rate_mean: expect.closeTo((a2 + 1) / 2, 12), item_buy_rate_max: expect.closeTo(Math.max(a2, 1), 12), item_buy_rate_last: 1 });
    // s3 sees s0–s2: prior 2/3; b viewed by s0 only, a by all three (2 bought)
    const [b3, a3] = [relative(0, 1, 2 / 3), relative(2, 3, 2 / 3)];
    expect(rows[3][0]).toBeCloseTo((b3 + a3) / 2, 12);
    expect(rows[3][1]).toBeCloseTo(Math.max(b3, a3), 12);
    expect(rows[3][2]).toBeCloseTo(a3, 12);
    // the table counts every session; a live score reads it as the rows were read
    expect(table).toMatchObject({ sessions: 4, buyers: 2 });
    expect(table.keys[0]).toBe(A);
    expect(table.viewed[0]).toBe(4);
    expect(table.bought[0]).toBe(2);
    const live = itemRateFeatures([Z, A], JSON.parse(JSON.stringify(table)));
    expect(live[2]).toBeCloseTo(relative(2, 4, 0.5), 12);
    expect(live[0]).toBeCloseTo((1 + relative(2, 4, 0.5)) / 2, 12);
    expect(itemRateFeatures([], table)).toEqual([0, 0, 0]); // no item viewed
  });

  it('changing a session\'s own label changes no row of its own, only later ones', () => {
    const sessions = Array.from({ length: 40 }, (_, i) => ({ items: [itemKey(`i${i % 5}`)], bought: i % 7 === 0 }));
    const start = sessions.map((_, i) => i * 10);
    const end = start.map((t) => t + 5);
    const before = preq(sessions, start, end).rows;
    const flipped = sessions.map((s, i) => (i === 20 ? { ...s, bought: !s.bought } : s));
    const after = preq(flipped, start, end).rows;
    for (let i = 0; i <= 20; i++) expect(after[i]).toEqual(before[i]);
    expect(after.slice(21)).not.toEqual(before.slice(21));
  });

  it('rates only the items the shipped table keeps, as a live score does', () => {
    // 6,000 items, each viewed by a session (every other one buys) and later by one without a purchase: the table keeps 5,000
    const first = Array.from({ length: 6_000 }, (_, i) => ({ items: [itemKey(`rare-${i}`)], bought: i % 2 === 0 }));
    const second = first.map((s) => ({ items: s.items, bought: false }));
    const sessions = [...first, ...second];
    const start = sessions.map((_, i) => i);
    const { rows, table } = preq(sessions, start, start);
    expect(table.keys.length).toBe(5_000);
    const kept = new Set(table.keys);
    const later = second.map((s, i) => ({ kept: kept.has(s.items[0]), row: rows[6_000 + i] }));
    // the second viewer of a kept item reads its rate; of a dropped one, none, in training as live
    expect(later.filter((l) => l.kept).every((l) => l.row[2] !== 1)).toBe(true);
    const dropped = later.filter((l) => !l.kept);
    expect(dropped.length).toBe(1_000);
    expect(dropped.every((l) => l.row.every((v) => v === 1))).toBe(true);
    const droppedKey = second.find((s) => !kept.has(s.items[0]))!.items;
    expect(itemRateFeatures(droppedKey, table)).toEqual([1, 1, 1]);
  });

  it('leaves out sessions whose items are unknown (a shard of an older version), counting them in nothing', () => {
    const items = [[A], undefined, [A], [A]];
    const { rates, table } = prequentialItemRates(items, [true, true, false, false], [0, 1, 2, 3], [0.5, 1.5, 2.5, 3.5]);
    expect(Number.isNaN(rates[3])).toBe(true); // session 1's row: NaN, which training leaves out
    expect(table).toMatchObject({ sessions: 3, buyers: 1, viewed: [3], bought: [1] });
    expect(rateRow(rates, 3)[2]).toBeCloseTo(relative(1, 2, 0.5), 12); // session 3 sees sessions 0 and 2 only
  });

  it('stays bounded whatever ids a sample carries, and keeps the most viewed items', () => {
    // 70,000 sessions of 10 distinct made-up ids each, and one item every tenth session views
    const items = Array.from({ length: 70_000 }, (_, i) => [...Array.from({ length: 9 }, (_, k) => itemKey(`x-${i}-${k}`)), ...(i % 10 ? [] : [itemKey('popular')])]);
    const times = items.map((_, i) => i);
    const { rates, table } = prequentialItemRates(items, items.map((_, i) => i % 20 === 0), times, times);
    expect(table.keys[0]).toBe(itemKey('popular'));
    expect(table.viewed[0]).toBe(7_000);
    expect(table.bought[0]).toBe(3_500);
    expect(table.keys.length).toBeLessThanOrEqual(5_000);
    expect(rates.every(Number.isFinite)).toBe(true);
  });

  it('takes sessions without times as seeing nothing, and refuses times that do not match', () => {
    const sessions = [{ items: [A], bought: true }, { items: [A], bought: false }];
    const { rows } = preq(sessions, [0, Number.NaN], [1, 2]);
    expect(rows[1]).toEqual([1, 1, 1]);
    expect(() => preq(sessions, [0], [1, 2])).toThrow(/start and end/);
  });
});
