// A lived visitor as the events the SDK and the demo shop would have sent (docs/events.md):
// page views, product and list views, searches, promotion views and clicks, cart, checkout,
// purchase, and each page's final engagement report. Ids are fixed by the seed.
import type { EventInput, Item } from '../sdk/schema/events';
import { fromCents, type SimCatalog, type SimProduct } from './catalog';
import { HOLDOUT } from './campaigns';
import type { Arms, Exposure, LivedPage, LivedSession, LivedVisitor } from './live';
import type { PagePlan } from './plan';
import { hexId } from './random';

export type SimEvent = EventInput;

const TITLES: Record<PagePlan['kind'], string> = {
  home: 'Linger Demo Shop',
  category: 'Category',
  product: 'Product',
  search: 'Search',
  cart: 'Cart',
  checkout: 'Checkout',
  order: 'Order confirmed',
};

function path(page: LivedPage, catalog: SimCatalog): string {
  const p = page.plan;
  switch (p.kind) {
    case 'home': return '/';
    case 'category': return `/c/${catalog.categories[p.category!].slug}`;
    case 'product': return `/p/${p.product!.id}`;
    case 'search': return `/search?q=${encodeURIComponent(p.searchTerm!)}`;
    case 'cart': return '/cart';
    case 'checkout': return '/checkout';
    case 'order': return `/order?id=${page.purchase?.transactionId ?? ''}`;
  }
}

const item = (p: SimProduct, extra: Partial<Item> = {}): Item => ({
  item_id: p.id,
  item_name: p.name,
  item_category: p.category,
  price: fromCents(p.priceCents),
  ...extra,
});

const utmQuery = (s: LivedSession) =>
  s.plan.utm ? `?utm_source=${s.plan.utm.source}&utm_medium=${s.plan.utm.medium}&utm_campaign=${s.plan.utm.campaign}` : '';

/** The events of a lived visitor in time order, seq from 1. `shop` is the shop's origin (e.g. http://127.0.0.1:8787). */
export function renderEvents(visitor: LivedVisitor, arms: Arms, catalog: SimCatalog, shop: string): SimEvent[] {
  const { plan } = visitor;
  const out: { ts: number; order: number; e: Omit<SimEvent, 'event_id' | 'seq'> }[] = [];
  let order = 0;
  const promoProps = (x: Exposure) => {
    const a = arms.get(x.campaign.key)!;
    return {
      promotion_id: a.campaignId,
      promotion_name: x.campaign.definition.name.slice(0, 200),
      creative: a.variant,
      campaign_id: a.campaignId,
      variant: a.variant,
      decision_id: a.decisionId,
      slot: a.slot,
      position: 0,
    };
  };

  for (const session of visitor.sessions) {
    const s = session.plan;
    const sessionId = hexId(plan.seed, 'session', plan.index, s.index);
    let referrer = s.referrer;
    session.pages.forEach((page, i) => {
      const p = page.plan;
      const url = shop + path(page, catalog) + (i === 0 && p.kind !== 'search' ? utmQuery(session) : '');
      const base = {
        visitor_id: plan.id,
        session_id: sessionId,
        page_id: hexId(plan.seed, 'page', plan.index, s.index, p.n),
        url,
        ...(referrer ? { referrer } : {}),
        title: TITLES[p.kind],
        ...(s.utm ? { utm: s.utm } : {}),
      };
      const emit = (ts: number, name: SimEvent['name'], props: SimEvent['props'] = {}) => out.push({ ts, order: order++, e: { ...base, name, ts, props } });
      emit(p.at, 'page_view');
      if (p.kind === 'category') {
        emit(p.at + 300, 'view_item_list', { item_list_name: catalog.categories[p.category!].name, items: p.list!.map((x, position) => item(x, { position })) });
      } else if (p.kind === 'search') {
        emit(p.at + 200, 'search', { search_term: p.searchTerm! });
      } else if (p.kind === 'product') {
        const x = p.product!;
        emit(p.at + 200, 'view_item', { item_id: x.id, item_name: x.name, item_category: x.category, price: fromCents(x.priceCents), currency: 'EUR', value: fromCents(x.priceCents), items: [item(x)] });
      }
      for (const x of page.exposures) {
        emit(x.at, 'view_promotion', promoProps(x));
        // A recommendation slot's treatment lists its products too (the holdout keeps the shop's default).
        const a = arms.get(x.campaign.key)!;
        if (x.campaign.definition.type === 'recommendation' && a.variant !== HOLDOUT) {
          const picks = catalog.categories[p.category ?? plan.prefs.indexOf(Math.max(...plan.prefs))].products.slice(0, 4);
          emit(x.at + 1, 'view_item_list', { ...promoProps(x), item_list_name: x.campaign.definition.name.slice(0, 200), items: picks.map((y, position) => item(y, { position })) });
        }
      }
      if (page.click) emit(page.click.at, 'select_promotion', promoProps(page.click));

      const promo = session.promotion;
      const promoFields = promo
        ? { promotion_id: arms.get(promo.campaign.key)!.campaignId, promotion_name: promo.campaign.definition.name.slice(0, 200), creative_slot: arms.get(promo.campaign.key)!.slot, decision_id: arms.get(promo.campaign.key)!.decisionId }
        : {};
      const lines = s.cart.map((l) => item(l.product, { quantity: l.quantity, ...promoFields }));
      const valueCents = s.cart.reduce((a, l) => a + l.product.priceCents * l.quantity, 0);
      if (page.addToCart !== undefined) {
        for (const [n, l] of s.cart.entries()) {
          emit(page.addToCart + n * 1500, 'add_to_cart', {
            item_id: l.product.id, item_name: l.product.name, item_category: l.product.category, price: fromCents(l.product.priceCents), quantity: l.quantity,
            currency: 'EUR', value: fromCents(l.product.priceCents * l.quantity), items: [lines[n]],
          });
        }
      }
      if (page.beginCheckout !== undefined) emit(page.beginCheckout, 'begin_checkout', { currency: 'EUR', value: fromCents(valueCents), items: lines });
      if (page.purchase) {
        emit(page.purchase.at, 'purchase', { transaction_id: page.purchase.transactionId, value: fromCents(page.purchase.valueCents), currency: 'EUR', items: lines });
      }
      emit(p.at + p.dwellMs, 'user_engagement', { engaged_ms: p.engagedMs, scroll_depth: p.scroll, final: true });
      referrer = url;
    });
  }
  out.sort((a, b) => a.ts - b.ts || a.order - b.order);
  return out.map(({ e }, i) => ({ event_id: hexId(plan.seed, 'event', plan.index, i + 1), seq: i + 1, ...e }) as SimEvent);
}
