// STAN and VSTAN: the sequence- and time-aware extensions of session kNN.
// STAN: Garg et al., "Sequence and Time Aware Neighborhood for Session-based Recommendations", SIGIR 2019.
// VSTAN: Ludewig et al., "Empirical analysis of session-based recommendation algorithms", UMUAI 2021
// (STAN with V-SKNN's ideas added back: the position of the matching click, and IDF).
// Written from the papers' definitions; rn5l/session-rec's knn/stan.py and vstan.py were read to
// check details (cosine over the item sets, the last shared position in the neighbour).
//
// For the current session s (n clicks, newest last), a candidate past session c, an item i of c:
//   w1(j)     = exp((j − n) / spw)                 weight of s's j-th click (1-based), latest j per item
//   sim(s, c) = Σ_{x ∈ s ∩ c} w1(x) / (sqrt(Σ_{x ∈ s} w1(x)²) · sqrt(|c|))   cosine
//               · exp(−(now − time(c)) / snh)      older neighbours count less
//   w3(i, c)  = exp(−|pos_c(i) − pos_c(i*)| / inh) i* is the last item of c that s holds
//   score(i)  = Σ_{c ∈ top k} sim(s, c) · w3(i, c)                                      (STAN)
//             · exp((j* − n) / ipw)                j* the newest click of s that c holds   (VSTAN)
//             · (1 + idf · log(N / df(i)))          rarer items count more                 (VSTAN)
// Any of the λ set to null switches its factor off. The per-request work is bounded by
// sampleSize × |s| for the similarities and k × |c| for the scores, whatever the index size.
import { bestFirst } from './best-first';
import type { SessionIndex } from './session-index';

export interface StanOptions {
  /** Neighbours that score items. */
  k: number;
  /** Candidate sessions: the most recent ones sharing an item with the current session. */
  sampleSize: number;
  /** λ_spw, in clicks: how fast older clicks of the current session lose weight. */
  spw: number | null;
  /** λ_snh, in days: how fast older neighbour sessions lose weight. */
  snhDays: number | null;
  /** λ_inh, in positions: how fast a neighbour's items lose weight away from the shared item. */
  inh: number | null;
  /** λ_ipw (VSTAN), in clicks: a neighbour that matched only older clicks counts less. */
  ipw: number | null;
  /** λ_idf (VSTAN): weight of the inverse document frequency of the item. */
  idf: number | null;
}

/** STAN with the published defaults of session-rec. */
export const STAN_DEFAULTS: StanOptions = { k: 100, sampleSize: 5_000, spw: 1.02, snhDays: 5, inh: 2.05, ipw: null, idf: null };
/** VSTAN with the published defaults of session-rec. */
export const VSTAN_DEFAULTS: StanOptions = { k: 100, sampleSize: 5_000, spw: 1.02, snhDays: 5, inh: 2.05, ipw: 1.02, idf: 5 };

const DAY_MS = 86_400_000;

export class Stan {
  readonly options: StanOptions;

  constructor(readonly index: SessionIndex, options: Partial<StanOptions> = {}) {
    this.options = { ...VSTAN_DEFAULTS, ...options };
  }

  /** The k most similar past sessions: [session id, similarity], best first. */
  neighbours(clicks: readonly string[], now: number): [number, number][] {
    const { spw, snhDays, k, sampleSize } = this.options;
    const n = clicks.length;
    const weight = new Map<string, number>();
    clicks.forEach((item, j) => weight.set(item, spw === null ? 1 : Math.exp((j + 1 - n) / spw)));
    let norm = 0;
    for (const w of weight.values()) norm += w * w;
    norm = Math.sqrt(norm);
    const scored: [number, number][] = [];
    for (const c of this.index.candidates(weight.keys(), sampleSize)) {
      const items = this.index.itemSet(c);
      let shared = 0;
      for (const [item, w] of weight) if (items.has(item)) shared += w;
      if (shared <= 0) continue;
      let sim = shared / (norm * Math.sqrt(items.size));
      if (snhDays !== null) sim *= Math.exp(-Math.max(0, now - this.index.time(c)) / (snhDays * DAY_MS));
      if (sim > 0) scored.push([c, sim]);
    }
    // the k best of up to sampleSize, in the order a full sort gives
    const best: [number, number][] = [];
    for (const entry of bestFirst(scored, (a, b) => b[1] - a[1] || b[0] - a[0])) {
      if (best.length === k) break;
      best.push(entry);
    }
    return best;
  }

  /** Item scores for the current clicks (newest last) at time `now`. */
  score(clicks: readonly string[], now: number): Map<string, number> {
    const { inh, ipw, idf } = this.options;
    const scores = new Map<string, number>();
    if (!clicks.length) return scores;
    const inSession = new Set(clicks);
    const n = clicks.length;
    const total = this.index.size;
    // an item's IDF factor, computed once per request (items recur across neighbours)
    const idfOf = new Map<string, number>();
    const idfFactor = (item: string) => {
      let f = idfOf.get(item);
      if (f === undefined) idfOf.set(item, (f = 1 + idf! * Math.log(total / Math.max(1, this.index.frequency(item)))));
      return f;
    };
    for (const [c, sim] of this.neighbours(clicks, now)) {
      const items = this.index.items(c);
      // i*: the last position of c holding an item of the current session (1-based)
      let star = 0;
      for (let p = items.length - 1; p >= 0; p--) if (inSession.has(items[p])) (star = p + 1), (p = -1);
      let base = sim;
      if (ipw !== null) {
        const set = this.index.itemSet(c);
        let newest = 0;
        for (let j = n - 1; j >= 0; j--) if (set.has(clicks[j])) (newest = j + 1), (j = -1);
        base *= Math.exp((newest - n) / ipw);
      }
      // an item's weight comes from its last position in c
      const last = new Map<string, number>();
      items.forEach((item, p) => last.set(item, p + 1));
      for (const [item, pos] of last) {
        let add = inh === null ? base : base * Math.exp(-Math.abs(pos - star) / inh);
        if (idf !== null) add *= idfFactor(item);
        scores.set(item, (scores.get(item) ?? 0) + add);
      }
    }
    return scores;
  }
}
