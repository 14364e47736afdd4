import type { Utm } from '../schema/events';
import { SESSION_IDLE_MS } from '../schema/limits';

export interface Session {
  id: string;
  /** Last activity, client ms. */
  last: number;
  /** The campaign the session arrived through; every event of the session carries it. */
  utm?: Utm;
}

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/** The UTM parameters of a URL, or undefined when it has none. */
export function utmOf(url: string): Utm | undefined {
  const params = new URL(url).searchParams;
  let utm: Utm | undefined;
  for (const k of UTM_KEYS) {
    const value = params.get('utm_' + k);
    if (value) (utm ||= {})[k] = value.slice(0, 200);
  }
  return utm;
}

/**
 * The session an event at `now` belongs to. A new one starts after 30 minutes without
 * activity, or when the visitor arrives through another campaign; a page without UTM
 * parameters stays in the current session (and its campaign), as in GA.
 */
export function nextSession(prev: Session | undefined, now: number, utm: Utm | undefined, newId: () => string): Session {
  const alive = prev && now - prev.last < SESSION_IDLE_MS;
  const sameCampaign = !utm || JSON.stringify(utm) === JSON.stringify(prev?.utm);
  if (alive && sameCampaign) return { ...prev, last: now };
  return { id: newId(), last: now, utm };
}
