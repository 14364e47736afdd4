// The slot renderer, loaded by the tracker only on pages with `[data-linger-slot]` elements.
// It asks for one decision per page view, fills the slots without moving anything on the page,
// and reports viewable impressions and clicks with the campaign, variant and decision id.
import type { EventProps, Item } from '../../schema/events';
import type { RenderHost } from '../render-host';
import { itemsOf, promotion, recommendation } from './creatives';
import { decide, type Decision } from './decide';
import { rememberPromotion } from './promo-context';
import { el, str } from './safe';
import { whenViewable } from './viewable';

const SLOT_NAME = /^[\w-]{1,64}$/;
const SLOTS = '[data-linger-slot]';
/** Slots already handled on this page: render() may be called again after a navigation. */
const taken = new WeakSet<Element>();
const isExit = (slot: HTMLElement) => slot.hasAttribute('data-linger-exit');
/** render()'s calls so far: one per page view with slots. */
let calls = 0;

export function render(host: RenderHost): void {
  const slots = [...document.querySelectorAll<HTMLElement>(SLOTS)].filter(
    (s) => !taken.has(s) && SLOT_NAME.test(s.dataset.lingerSlot ?? '') && !!taken.add(s),
  );
  // The anti-flicker CSS shows the default content 800 ms after the slot's first paint, on its
  // own clock; a decision after that would replace what the visitor has already seen. So the
  // wait runs from the page view's start, which no first paint precedes: the navigation for the
  // document's own page view (the first call, still at the URL of the navigation's entry, the
  // timeline's first), else (a single-page app's later page view) now.
  show(host, slots.filter((s) => !isExit(s)), false, !calls++ && performance.getEntries()[0]?.name == location.href ? 0 : performance.now());
  const exit = slots.filter(isExit);
  // Exit intent (desktop): the pointer leaves the page through the top edge. Asked for once.
  const onLeave = (e: MouseEvent) => {
    if (e.relatedTarget || e.clientY > 0) return;
    document.removeEventListener('mouseout', onLeave);
    show(host, exit, true, performance.now());
  };
  if (exit.length) document.addEventListener('mouseout', onLeave);
}

async function show(host: RenderHost, slots: HTMLElement[], exit: boolean, since: number) {
  if (!slots.length) return;
  // One element per slot name: the first one on the page.
  const byName = new Map<string, HTMLElement>();
  for (const s of slots) if (!byName.has(s.dataset.lingerSlot!)) byName.set(s.dataset.lingerSlot!, s);
  const images = host.options.imageOrigins ?? [location.origin, host.origin];
  for (const d of await decide(host, [...byName.values()], exit, since)) {
    const slot = byName.get(d.slot);
    byName.delete(d.slot);
    if (slot) apply(host, slot, d, images);
  }
  // Ends the anti-flicker window of every slot: decided, held out, or late.
  for (const s of slots) s.dataset.lingerState ||= 'default';
}

function apply(host: RenderHost, slot: HTMLElement, d: Decision, images: string[]) {
  const exit = isExit(slot);
  // A slot without a box could only be filled by pushing the page around.
  if (!exit && !slot.getBoundingClientRect().height) return;
  const name = d.slot;
  const campaign = str(d.campaign, 100);
  const base: EventProps = {
    slot: name,
    campaign_id: campaign,
    variant: str(d.variant, 100),
    decision_id: str(d.decision_id, 100),
    position: [...document.querySelectorAll(SLOTS)].indexOf(slot),
  };
  const c = d.content;
  const onClick = (target: Element, handler: (link: Element) => void) =>
    target.addEventListener('click', (e) => {
      const link = (e.target as Element).closest?.('a');
      if (link) handler(link);
    });

  let box: HTMLElement | undefined;
  if (c?.type === 'promotion' && campaign) {
    box = frame(slot, exit, [promotion(c, images)]);
    const props = { ...base, promotion_id: campaign, promotion_name: str(c.title, 200), creative: base.variant };
    whenViewable(slot, () => host.track('view_promotion', props));
    onClick(box, () => host.track('select_promotion', props));
  } else if (c?.type === 'recommendation') {
    const all = itemsOf(c, Math.min(Number(slot.dataset.lingerLimit) || 12, 50));
    const list = frame(slot, exit, recommendation(c, all, slot, images));
    // Fill up to the slot's size: an item more than half outside the box is left out (and
    // not reported). All are measured before any is removed.
    const edge = list.getBoundingClientRect();
    const lis = [...list.querySelectorAll('li')];
    const fits = lis.map((li) => li.getBoundingClientRect()).map((r) => r.bottom - edge.bottom <= r.height / 2 && r.right - edge.right <= r.width / 2);
    lis.forEach((li, i) => fits[i] || li.remove());
    const items: Item[] = all.filter((_, i) => fits[i]).map(({ reason, ...item }, position) => ({ ...item, position }));
    if (items.length) {
      box = list;
      const promo = campaign && { promotion_id: campaign, creative_slot: name, decision_id: base.decision_id };
      whenViewable(slot, () => {
        host.track('view_item_list', { ...base, item_list_name: name, items });
        if (promo) rememberPromotion(items.map((i) => i.item_id), promo);
      });
      onClick(list, (link) => {
        const item = items[[...list.querySelectorAll('li')].indexOf(link.closest('li')!)];
        if (!item) return;
        host.track('select_item', { ...base, ...item, item_list_name: name, items: [item] });
        if (promo) rememberPromotion([item.item_id], promo);
      });
    } else {
      // No item to show (none sent, or none fits): the slot is left as it was (an exit overlay hidden).
      list.remove();
      slot.style.position = '';
      slot.hidden = exit;
    }
  }

  if (box) {
    // Ours stays: the default content stays in place, invisible, and keeps the slot's box.
    for (const child of [...slot.childNodes]) {
      let hide = child as HTMLElement;
      // Bare text cannot be hidden by itself: it moves into a span, which lays out the same.
      if (child.nodeType === 3 && child.textContent!.trim()) child.replaceWith((hide = el('span', '', child.textContent!)));
      if (child != box && hide.style) hide.style.visibility = 'hidden';
    }
    slot.dataset.lingerState = 'filled';
  } else if (campaign) {
    // The default content stays: the holdout, or a treatment with nothing to show. Either way the
    // exposure fires at the same trigger as ours (the slot became viewable), so that the arms
    // compare like with like; our content's own exposure is never sent for an empty list.
    const props = { ...base, promotion_id: campaign };
    whenViewable(slot, () => host.track('view_promotion', props), exit);
    onClick(slot, () => host.track('select_promotion', props));
  }
}

/**
 * Puts our content into the slot without moving anything: ours lies over the default content,
 * clipped to the slot's box (apply() then hides the default). An exit overlay is fixed, out of
 * the flow, and simply shown.
 */
function frame(slot: HTMLElement, exit: boolean, nodes: HTMLElement[]): HTMLElement {
  const box = el('div', 'linger-box');
  nodes.forEach((n) => box.appendChild(n));
  if (exit) {
    const close = el('button', 'linger-close', '×');
    close.setAttribute('aria-label', 'Close');
    close.onclick = () => (slot.hidden = true);
    box.appendChild(close);
    slot.replaceChildren(box);
    slot.hidden = false;
    return box;
  }
  // Our box is positioned against the slot: a slot in the flow becomes its containing block.
  if (/^(static)?$/.test(getComputedStyle(slot).position)) slot.style.position = 'relative';
  box.style.cssText = 'position:absolute;inset:0;overflow:hidden;box-sizing:border-box;padding:inherit';
  slot.appendChild(box);
  return box;
}
