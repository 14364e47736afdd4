// V-SKNN (Ludewig & Jannach, "Evaluation of session-based recommendation algorithms", 2018):
// find the past sessions most similar to the current one, weighting the current session's
// recent clicks more, and score their items. Competitive with neural models at a fraction of
// the cost. The defaults are the published ones (k 100, 500 most recent candidate sessions,
// "div" position weights and score decay).

export interface PastSession {
  items: readonly string[];
  /** Time of the session's last click. */
  time: number;
}

export interface SessionKnnOptions {
  /** Neighbours that score items. */
  k?: number;
  /** Candidate sessions, the most recent ones sharing an item with the current session. */
  sampleSize?: number;
}

export class SessionKnn {
  readonly k: number;
  readonly sampleSize: number;
  private readonly sessionItems: Set<string>[] = [];
  private readonly sessionTime: number[] = [];
  private readonly itemSessions = new Map<string, number[]>();
  /** True while sessions were added in time order: then the newest are the last of each list. */
  private inTimeOrder = true;

  constructor({ k = 100, sampleSize = 500 }: SessionKnnOptions = {}) {
    this.k = k;
    this.sampleSize = sampleSize;
  }

  /** Adds a finished session to the index (incremental: the worker calls it as sessions end). */
  add(session: PastSession): void {
    const id = this.sessionItems.length;
    if (id && session.time < this.sessionTime[id - 1]) this.inTimeOrder = false;
    const items = new Set(session.items);
    this.sessionItems.push(items);
    this.sessionTime.push(session.time);
    for (const item of items) {
      const list = this.itemSessions.get(item);
      if (list) list.push(id);
      else this.itemSessions.set(item, [id]);
    }
  }

  get size(): number {
    return this.sessionItems.length;
  }

  /** Neighbour sessions of the current clicks (oldest first): [session index, similarity], best first. */
  neighbours(clicks: readonly string[]): [number, number][] {
    // Position weights: the i-th of n clicks weighs i/n; a repeated item keeps its latest weight.
    const weight = new Map<string, number>();
    clicks.forEach((item, i) => weight.set(item, (i + 1) / clicks.length));
    const candidates = new Set<number>();
    for (const item of weight.keys()) {
      const list = this.itemSessions.get(item) ?? [];
      // In time order, the newest `sampleSize` of the union are among the last `sampleSize` of each list.
      for (let i = this.inTimeOrder ? Math.max(0, list.length - this.sampleSize) : 0; i < list.length; i++) candidates.add(list[i]);
    }
    let sample = [...candidates];
    if (sample.length > this.sampleSize) {
      sample.sort((a, b) => this.sessionTime[b] - this.sessionTime[a]);
      sample = sample.slice(0, this.sampleSize);
    }
    const scored: [number, number][] = [];
    for (const s of sample) {
      let sum = 0;
      for (const [item, w] of weight) if (this.sessionItems[s].has(item)) sum += w;
      if (sum > 0) scored.push([s, sum / weight.size]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    return scored.slice(0, this.k);
  }

  /** Item scores for the current clicks. Items of a neighbour count less when it matched only older clicks. */
  score(clicks: readonly string[]): Map<string, number> {
    const scores = new Map<string, number>();
    for (const [s, similarity] of this.neighbours(clicks)) {
      const items = this.sessionItems[s];
      let step = 1;
      for (let i = clicks.length - 1; i >= 0 && !items.has(clicks[i]); i--) step++;
      const add = similarity / step;
      for (const item of items) scores.set(item, (scores.get(item) ?? 0) + add);
    }
    return scores;
  }
}
