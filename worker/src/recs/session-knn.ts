// V-SKNN (Ludewig & Jannach, "Evaluation of session-based recommendation algorithms", 2018):
// find the past sessions most similar to the current one, weighting the current session's
// recent clicks more, and score their items. The defaults are the published ones (k 100, 500
// most recent candidate sessions, linear position weights, "div" score decay). The benchmark's
// tuned baseline; what serves is VSTAN (stan.ts) on the same index.
import { SessionIndex, type PastSession } from './session-index';

export type { PastSession } from './session-index';

export interface SessionKnnOptions {
  /** Neighbours that score items. */
  k?: number;
  /** Candidate sessions, the most recent ones sharing an item with the current session. */
  sampleSize?: number;
}

export class SessionKnn {
  readonly k: number;
  readonly sampleSize: number;

  constructor({ k = 100, sampleSize = 500 }: SessionKnnOptions = {}, readonly index = new SessionIndex()) {
    this.k = k;
    this.sampleSize = sampleSize;
  }

  /** Adds a finished session to the index. */
  add(session: PastSession): void {
    this.index.add(session);
  }

  get size(): number {
    return this.index.size;
  }

  /** Neighbour sessions of the current clicks (oldest first): [session id, similarity], best first. */
  neighbours(clicks: readonly string[]): [number, number][] {
    // Position weights: the i-th of n clicks weighs i/n; a repeated item keeps its latest weight.
    const weight = new Map<string, number>();
    clicks.forEach((item, i) => weight.set(item, (i + 1) / clicks.length));
    const scored: [number, number][] = [];
    for (const s of this.index.candidates(weight.keys(), this.sampleSize)) {
      const items = this.index.itemSet(s);
      let sum = 0;
      for (const [item, w] of weight) if (items.has(item)) sum += w;
      if (sum > 0) scored.push([s, sum / weight.size]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    return scored.slice(0, this.k);
  }

  /** Item scores for the current clicks. Items of a neighbour count less when it matched only older clicks. */
  score(clicks: readonly string[]): Map<string, number> {
    const scores = new Map<string, number>();
    for (const [s, similarity] of this.neighbours(clicks)) {
      const items = this.index.itemSet(s);
      let step = 1;
      for (let i = clicks.length - 1; i >= 0 && !items.has(clicks[i]); i--) step++;
      const add = similarity / step;
      for (const item of items) scores.set(item, (scores.get(item) ?? 0) + add);
    }
    return scores;
  }
}
