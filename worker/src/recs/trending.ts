// Time-decayed popularity: each interaction adds its weight, and every score halves every
// `halfLifeMs`. Kept as (score, as-of time) per item, so an update is O(1) and needs no rescan.
// The two functions are the whole model: SiteBrain keeps the pair in its SQLite rows, the
// `Trending` class keeps it in memory (benchmarks, tests).

export interface Decayed {
  score: number;
  at: number;
}

/** The score as of `now` (never grown: a time before `at` counts as `at`). */
export function decayedScore(s: Decayed, now: number, halfLifeMs: number): number {
  return s.score * 2 ** (-Math.max(0, now - s.at) / halfLifeMs);
}

/** Adds an interaction of `weight` at `time`; a late one counts at its age. */
export function addDecayed(s: Decayed | undefined, time: number, weight: number, halfLifeMs: number): Decayed {
  if (!s) return { score: weight, at: time };
  const at = Math.max(time, s.at);
  return { score: s.score * 2 ** (-(at - s.at) / halfLifeMs) + weight * 2 ** (-(at - time) / halfLifeMs), at };
}

export class Trending {
  private readonly scores = new Map<string, Decayed>();

  constructor(readonly halfLifeMs = 24 * 3_600_000) {}

  add(item: string, time: number, weight = 1): void {
    this.scores.set(item, addDecayed(this.scores.get(item), time, weight, this.halfLifeMs));
  }

  /** Score of an item as of `now`. */
  score(item: string, now: number): number {
    const s = this.scores.get(item);
    return s ? decayedScore(s, now, this.halfLifeMs) : 0;
  }

  top(now: number, limit = 20): [string, number][] {
    return [...this.scores.keys()]
      .map((item): [string, number] => [item, this.score(item, now)])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit);
  }
}
