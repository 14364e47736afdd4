// One round trip per page view: GET /v1/decide for the page's slots. Late or failed answers
// give no decisions at all, so every slot keeps the shop's default content.
import type { RenderHost } from '../render-host';

/** One slot's decision, as the network sent it: every field but `slot` is checked where it is used. */
export interface Decision {
  slot: string;
  /** The campaign id; null for a plain recommendation fallback. */
  campaign?: unknown;
  /** The variant's name, "holdout" for the control group; null for a fallback. */
  variant?: unknown;
  decision_id?: unknown;
  /** null for the holdout: the slot keeps its default content. */
  content?: Record<string, unknown> | null;
}

const PAGE_TYPE = /^(home|product|category|cart|checkout|search)$/;

/** The first value of a data attribute on the slots, or else on <body>. */
function attr(slots: HTMLElement[], name: string): string | undefined {
  for (const el of [...slots, document.body]) {
    const value = el.getAttribute(`data-linger-${name}`);
    if (value) return value.slice(0, 200);
  }
}

/**
 * `since` is when the slots' wait began (performance.now() time): the page view's start for the
 * page's slots, the exit intent for an exit overlay. The wait ends `decideTimeoutMs` after it.
 */
export async function decide(host: RenderHost, slots: HTMLElement[], exit: boolean, since: number): Promise<Decision[]> {
  const wait = (host.options.decideTimeoutMs ?? 800) + since - performance.now();
  const names = (filter: (s: HTMLElement) => boolean) =>
    slots.filter(filter).map((s) => s.dataset.lingerSlot).join(',');
  const page = attr(slots, 'page');
  // The parameters that have a value (page and slots always do).
  const q = new URLSearchParams(
    Object.entries({
      site: host.site,
      visitor: host.visitorId,
      token: host.token,
      page: PAGE_TYPE.test(page!) ? page : 'other', // (none: "undefined", other)
      slots: names(Boolean),
      item: attr(slots, 'item'),
      category: attr(slots, 'category'),
      exit: exit && '1',
      fallback: names((s) => s.hasAttribute('data-linger-fallback')),
    }).filter((p) => p[1]) as string[][],
  );

  // (The timer may fire after the answer was read: aborting a finished request does nothing.)
  const abort = new AbortController();
  setTimeout(() => abort.abort(), wait);
  try {
    // Past the wait's end (the tracker came late), asking is pointless: the default is on screen.
    // No token: consent was withdrawn since the page loaded, and nothing more is asked.
    if (wait > 0 && host.token) {
      const res = await fetch(`${host.origin}/v1/decide?${q}`, { signal: abort.signal, credentials: 'omit' });
      // Anything but a list of decisions (an error status, not JSON, no list) throws here.
      const body = (res.ok ? await res.json() : 0) as { decisions: Decision[] };
      return body.decisions.filter((d) => typeof d?.slot === 'string');
    }
  } catch {
    // timed out, offline, blocked, or not decisions
  }
  return [];
}
