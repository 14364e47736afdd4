// The past sessions that session-based recommenders (V-SKNN, STAN, VSTAN, sequential rules)
// read: each session's items in order, its time, and for each item the sessions that hold it.
// One index serves every model, in the worker (SiteBrain's newest sessions) and in the benchmark.

export interface PastSession {
  /** Items in the order they were viewed. */
  items: readonly string[];
  /** Time of the session's last click (ms). */
  time: number;
}

export class SessionIndex {
  private readonly lists: (readonly string[])[] = [];
  private readonly sets: Set<string>[] = [];
  private readonly times: number[] = [];
  private readonly byItem = new Map<string, number[]>();
  /** True while sessions were added in time order: then the newest are the last of each list. */
  private inTimeOrder = true;

  /** Adds a finished session; returns its id. */
  add(session: PastSession): number {
    const id = this.lists.length;
    if (id && session.time < this.times[id - 1]) this.inTimeOrder = false;
    const set = new Set(session.items);
    this.lists.push(session.items.slice());
    this.sets.push(set);
    this.times.push(session.time);
    for (const item of set) {
      const list = this.byItem.get(item);
      if (list) list.push(id);
      else this.byItem.set(item, [id]);
    }
    return id;
  }

  get size(): number {
    return this.lists.length;
  }

  items(id: number): readonly string[] {
    return this.lists[id];
  }

  itemSet(id: number): ReadonlySet<string> {
    return this.sets[id];
  }

  time(id: number): number {
    return this.times[id];
  }

  /** How many sessions hold the item. */
  frequency(item: string): number {
    return this.byItem.get(item)?.length ?? 0;
  }

  /** The newest `limit` sessions holding the item. */
  newestWith(item: string, limit: number): number[] {
    const list = this.byItem.get(item) ?? [];
    if (this.inTimeOrder) return list.slice(Math.max(0, list.length - limit));
    return [...list].sort((a, b) => this.times[b] - this.times[a]).slice(0, limit);
  }

  /**
   * The newest `sampleSize` sessions that share an item with `items` ("recent" sampling of
   * session-rec). In time order, they are among the last `sampleSize` of each item's list, so
   * the work is bounded by items × sampleSize, whatever the index size.
   */
  candidates(items: Iterable<string>, sampleSize: number): number[] {
    const found = new Set<number>();
    for (const item of items) for (const id of this.newestWith(item, sampleSize)) found.add(id);
    const all = [...found];
    if (all.length <= sampleSize) return all;
    return all.sort((a, b) => this.times[b] - this.times[a] || b - a).slice(0, sampleSize);
  }
}
