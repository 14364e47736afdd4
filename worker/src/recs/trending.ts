// Time-decayed popularity: each interaction adds 1, and every score halves every `halfLifeMs`.
// Kept as (score, as-of time) per item, so an update is O(1) and needs no rescan.

export class Trending {
  private readonly scores = new Map<string, { score: number; at: number }>();

  constructor(readonly halfLifeMs = 24 * 3_600_000) {}

  add(item: string, time: number, weight = 1): void {
    const s = this.scores.get(item);
    if (!s) return void this.scores.set(item, { score: weight, at: time });
    if (time >= s.at) {
      s.score = s.score * 2 ** (-(time - s.at) / this.halfLifeMs) + weight;
      s.at = time;
    } else {
      s.score += weight * 2 ** (-(s.at - time) / this.halfLifeMs); // a late event counts at its age
    }
  }

  /** Score of an item as of `now`. */
  score(item: string, now: number): number {
    const s = this.scores.get(item);
    return s ? s.score * 2 ** (-Math.max(0, now - s.at) / this.halfLifeMs) : 0;
  }

  top(now: number, limit = 20): [string, number][] {
    return [...this.scores.keys()]
      .map((item): [string, number] => [item, this.score(item, now)])
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit);
  }
}
