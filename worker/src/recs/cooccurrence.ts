// Item-to-item co-occurrence within sessions (or baskets), with the association-rule
// measures: support, confidence and lift. `neighbourList` is the one ranking of an item's
// neighbours: SiteBrain feeds it from its SQLite pair counts, the `CoOccurrence` class from
// memory (benchmarks, tests), so both rank alike.

export interface PairMeasures {
  item: string;
  /** Sessions holding both items. */
  count: number;
  /** count / sessions */
  support: number;
  /** P(other | item) = count / sessions holding item */
  confidence: number;
  /** confidence / P(other): above 1, the two go together more than chance */
  lift: number;
}

export type Neighbour = PairMeasures & {
  /** Cosine similarity of the two items' session sets. */
  score: number;
};

/** The measures of the rule item → other, from the counts. */
export function pairMeasures(other: string, count: number, nItem: number, nOther: number, sessions: number): PairMeasures {
  return {
    item: other,
    count,
    support: sessions ? count / sessions : 0,
    confidence: nItem ? count / nItem : 0,
    lift: nItem && nOther ? (count * sessions) / (nItem * nOther) : 0,
  };
}

/**
 * SiteBrain's SQL for an item's pairs: [other item, sessions holding both, sessions holding
 * other]. A pair is one row (a < b), found from either side; bound to (kind, item). The b side
 * names its index: without statistics SQLite would scan every pair of the kind instead.
 * Shared with bench/train-scale.ts, which runs it over node's SQLite.
 */
export const pairRowsSql = (countCol: 'view_sessions' | 'baskets') =>
  `SELECT p.b AS other, p.n AS n, s.${countCol} AS c FROM pairs p JOIN item_stats s ON s.item = p.b WHERE p.kind = ?1 AND p.a = ?2
   UNION ALL SELECT p.a, p.n, s.${countCol} FROM pairs p INDEXED BY pairs_by_b JOIN item_stats s ON s.item = p.a WHERE p.kind = ?1 AND p.b = ?2`;

/**
 * An item's neighbours by cosine, best first (ties by id), with their rule measures.
 * `pairs`: [other item, sessions holding both, sessions holding other].
 */
export function neighbourList(nItem: number, sessions: number, pairs: Iterable<[string, number, number]>, limit: number, minCount = 1): Neighbour[] {
  if (!nItem || !sessions) return [];
  const out: Neighbour[] = [];
  for (const [other, count, nOther] of pairs) {
    if (count < minCount) continue;
    out.push({ ...pairMeasures(other, count, nItem, nOther, sessions), score: count / Math.sqrt(nItem * Math.max(1, nOther)) });
  }
  return out.sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0)).slice(0, limit);
}

export class CoOccurrence {
  private sessions = 0;
  private readonly itemCounts = new Map<string, number>();
  private readonly pairs = new Map<string, Map<string, number>>();

  /** Only the first `maxItems` distinct items of a session count: pairs grow with its square. */
  constructor(readonly maxItems = 50) {}

  add(items: Iterable<string>): void {
    const distinct = [...new Set(items)].slice(0, this.maxItems);
    if (!distinct.length) return;
    this.sessions++;
    for (const a of distinct) {
      this.itemCounts.set(a, (this.itemCounts.get(a) ?? 0) + 1);
      let row = this.pairs.get(a);
      if (!row) this.pairs.set(a, (row = new Map()));
      for (const b of distinct) if (a !== b) row.set(b, (row.get(b) ?? 0) + 1);
    }
  }

  get sessionCount(): number {
    return this.sessions;
  }

  count(item: string): number {
    return this.itemCounts.get(item) ?? 0;
  }

  /** The measures of the rule item → other. */
  measures(item: string, other: string): PairMeasures {
    return pairMeasures(other, this.pairs.get(item)?.get(other) ?? 0, this.count(item), this.count(other), this.sessions);
  }

  /** Items that occur with `item`, by cosine similarity of their session sets, with their rule measures. */
  neighbours(item: string, { limit = 20, minCount = 1 } = {}): Neighbour[] {
    const row = this.pairs.get(item);
    if (!row) return [];
    const pairs = [...row].map(([other, count]): [string, number, number] => [other, count, this.count(other)]);
    return neighbourList(this.count(item), this.sessions, pairs, limit, minCount);
  }

  /** Every item with its session count (for popularity baselines). */
  counts(): ReadonlyMap<string, number> {
    return this.itemCounts;
  }
}
