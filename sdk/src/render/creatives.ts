// What a decision's content looks like on the page: a promotion (title, text, code, image,
// call to action) or a list of recommended items, each with the reason it is there.
// Built from data only (./safe), with fixed class names the shop styles.
import type { Item } from '../../schema/events';
import { el, fillTemplate, safeHref, safeImage, str } from './safe';

type Content = Record<string, unknown>;

export function promotion(c: Content, images: string[]): HTMLElement {
  const code = str(c.code, 40) ?? '';
  // Plain-text placeholders only: {code} becomes the code, any other {name} disappears.
  const text = (v: unknown, max: number) => str(v, max)?.replace(/\{(\w*)\}/g, (_, k) => (k === 'code' ? code : ''));
  const box = el('div', 'linger-promo');
  const src = safeImage(c.image, images);
  if (src) box.appendChild(image(src));
  const title = text(c.title, 200);
  if (title) box.appendChild(el('strong', 'linger-title', title));
  const body = text(c.text, 500);
  if (body) box.appendChild(el('p', 'linger-text', body));
  if (code) box.appendChild(el('code', 'linger-code', code));
  const href = safeHref(c.link);
  if (href) box.appendChild(link(href, 'linger-cta', text(c.cta, 80) || title || href));
  return box;
}

const REASONS = new Map([
  ['viewed_together', 'Viewed together'],
  ['bought_together', 'Bought together'],
  ['session_similar', 'Like your visit'],
  ['trending', 'Trending'],
  ['recently_viewed', 'Seen before'],
  ['category_affinity', 'For your taste'],
  ['category_bestseller', 'Bestseller'],
  ['popular', 'Popular'],
  ['new', 'New in'],
]);

/** The items of a recommendation content, valid ones only, at most `limit`. */
export function itemsOf(c: Content, limit: number): (Item & { reason?: string })[] {
  const list = Array.isArray(c.items) ? c.items : [];
  return list
    .filter((i) => str(i?.item_id, 100))
    .slice(0, limit)
    .map((i, position) => ({
      item_id: str(i.item_id, 100)!,
      item_name: str(i.name, 200),
      item_category: str(i.category, 200),
      price: typeof i.price === 'number' && i.price >= 0 && i.price < 1e9 ? i.price : undefined,
      position,
      reason: str(i.reason, 40),
    }));
}

/**
 * A titled list of items. The slot's data attributes give the shop's URL templates
 * (data-linger-href="/p/{id}", data-linger-img="/img/{id}.jpg") and data-linger-currency.
 */
export function recommendation(c: Content, items: ReturnType<typeof itemsOf>, slot: HTMLElement, images: string[]): HTMLElement[] {
  const d = slot.dataset;
  const currency = d.lingerCurrency;
  // An ISO 4217 code, or plain numbers: an unknown currency would make the formatter throw.
  const format = (n: number) =>
    /^[A-Z]{3}$/.test(currency!) ? n.toLocaleString(undefined, { style: 'currency', currency }) : n.toFixed(2);
  const list = el('ul', 'linger-items');
  for (const item of items) {
    const li = el('li', 'linger-item');
    li.dataset.item = item.item_id;
    if (item.reason) li.dataset.reason = item.reason;
    const href = safeHref(fillTemplate(d.lingerHref, item.item_id));
    const target = href ? link(href, 'linger-link') : el('span', 'linger-link');
    const src = safeImage(fillTemplate(d.lingerImg, item.item_id), images);
    if (src) target.appendChild(image(src));
    target.appendChild(el('span', 'linger-name', item.item_name ?? item.item_id));
    li.appendChild(target);
    if (item.price !== undefined) li.appendChild(el('span', 'linger-price', format(item.price)));
    if (item.reason) li.appendChild(el('span', 'linger-reason', REASONS.get(item.reason) ?? item.reason.replace(/_/g, ' ')));
    list.appendChild(li);
  }
  const title = str(c.title, 200);
  return title ? [el('h2', 'linger-title', title), list] : [list];
}

// Attributes one at a time, through the DOM's own setters, from checked URLs only.
function link(href: string, cls: string, text?: string) {
  const a = el('a', cls, text);
  a.href = href;
  return a;
}

function image(src: string) {
  const img = el('img', 'linger-img');
  img.src = src;
  img.alt = '';
  return img;
}
