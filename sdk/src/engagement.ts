import { ENGAGEMENT_IDLE_MS } from '../schema/limits';

/** The page is visible: engaged time can count. (`document.hidden` is visibilityState's other side.) */
export const visible = () => !document.hidden;

/**
 * Engaged time of one page view: time the page was visible while the visitor had given
 * input within the last `idleMs`. Pure arithmetic over the moments it is told about,
 * so it needs no timers and costs nothing between inputs.
 */
export function engagedTime(idleMs = ENGAGEMENT_IDLE_MS) {
  let total = 0;
  /** Start of the stretch being counted, or -1 when none is. */
  let since = -1;
  /** The current stretch counts until here unless more input comes. */
  let until = 0;

  /** Engaged milliseconds up to `now`. */
  const at = (now: number) => (since < 0 ? total : total + Math.max(0, Math.min(now, until) - since));

  return {
    at,
    /** Input (or the page becoming visible) at `now`, while the page is visible. */
    active(now: number) {
      if (since < 0 || now > until) {
        total = at(now);
        since = now;
      }
      until = now + idleMs;
    },
    /** The page was hidden at `now`: stop counting until it is visible again. */
    hidden(now: number) {
      total = at(now);
      since = -1;
    },
  };
}
