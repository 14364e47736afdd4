import { ENGAGEMENT_IDLE_MS } from '../schema/limits';

/**
 * Engaged time of one page view: time the page was visible while the visitor had given
 * input within the last `idleMs`. Pure arithmetic over the moments it is told about,
 * so it needs no timers and costs nothing between inputs.
 */
export class EngagedTime {
  #total = 0;
  /** Start of the stretch being counted, or -1 when none is. */
  #since = -1;
  /** The current stretch counts until here unless more input comes. */
  #until = 0;

  readonly #idleMs: number;

  constructor(idleMs = ENGAGEMENT_IDLE_MS) {
    this.#idleMs = idleMs;
  }

  /** Input (or the page becoming visible) at `now`, while the page is visible. */
  active(now: number): void {
    if (this.#since < 0 || now > this.#until) {
      this.#total = this.at(now);
      this.#since = now;
    }
    this.#until = now + this.#idleMs;
  }

  /** The page was hidden at `now`: stop counting until it is visible again. */
  hidden(now: number): void {
    this.#total = this.at(now);
    this.#since = -1;
  }

  /** Engaged milliseconds up to `now`. */
  at(now: number): number {
    return this.#since < 0 ? this.#total : this.#total + Math.max(0, Math.min(now, this.#until) - this.#since);
  }
}
