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

export async function decide(host: RenderHost, slots: HTMLElement[], exit: boolean): Promise<Decision[]> {
  const names = (filter: (s: HTMLElement) => boolean) =>
    slots.filter(filter).map((s) => s.dataset.lingerSlot).join(',');
  const page = attr(slots, 'page') ?? '';
  const q = new URLSearchParams({
    site: host.site,
    visitor: host.visitorId,
    token: host.token,
    page: PAGE_TYPE.test(page) ? page : 'other',
    slots: names(() => true),
  });
  const item = attr(slots, 'item');
  const category = attr(slots, 'category');
  const fallback = names((s) => s.hasAttribute('data-linger-fallback'));
  if (item) q.set('item', item);
  if (category) q.set('category', category);
  if (exit) q.set('exit', '1');
  if (fallback) q.set('fallback', fallback);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), host.options.decideTimeoutMs ?? 800);
  try {
    const res = await fetch(`${host.origin}/v1/decide?${q}`, { signal: abort.signal, credentials: 'omit' });
    const body = res.ok ? ((await res.json()) as { decisions?: unknown }) : undefined;
    return Array.isArray(body?.decisions) ? body.decisions.filter((d) => typeof d?.slot === 'string') : [];
  } catch {
    return []; // timed out, offline, blocked or not JSON
  } finally {
    clearTimeout(timer);
  }
}
