// Item-to-item co-occurrence within sessions (or baskets), with the association-rule
// measures: support, confidence and lift. Counts update incrementally, one session at a time.

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
    const count = this.pairs.get(item)?.get(other) ?? 0;
    const nItem = this.count(item);
    const nOther = this.count(other);
    return {
      item: other,
      count,
      support: this.sessions ? count / this.sessions : 0,
      confidence: nItem ? count / nItem : 0,
      lift: nItem && nOther ? (count * this.sessions) / (nItem * nOther) : 0,
    };
  }

  /** Items that occur with `item`, by cosine similarity of their session sets, with their rule measures. */
  neighbours(item: string, { limit = 20, minCount = 1 } = {}): (PairMeasures & { score: number })[] {
    const row = this.pairs.get(item);
    if (!row) return [];
    const nItem = this.count(item);
    const out: (PairMeasures & { score: number })[] = [];
    for (const [other, count] of row) {
      if (count < minCount) continue;
      out.push({ ...this.measures(item, other), score: count / Math.sqrt(nItem * this.count(other)) });
    }
    return out.sort((a, b) => b.score - a.score || a.item.localeCompare(b.item)).slice(0, limit);
  }

  /** Every item with its session count (for popularity baselines). */
  counts(): ReadonlyMap<string, number> {
    return this.itemCounts;
  }
}
