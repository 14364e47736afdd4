// bench:load's visitors (bench/load-driver.ts sends them; bench:shard-apply stores them): each
// browses product pages in 10-event batches as the SDK reports them, with a product view,
// engagement reports, a click, sometimes a cart add or a purchase, and a new session every ten
// batches, for thirty batches in all.

/** The browser bench:load's visitors browse with (a person's, so not a bot by its user agent). */
export const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36';

/** bench:load's visitors send this many batches each. */
export const BATCHES_PER_VISITOR = 30;
export const EVENTS_PER_BATCH = 10;
/** A visit of about ten product pages: a visitor makes three in its life here. */
const BATCHES_PER_SESSION = 10;
const ITEMS = 400;
const CATEGORIES = ['Shoes', 'Bags', 'Hats', 'Socks', 'Coats', 'Shirts', 'Dresses', 'Watches'];

/** A small seeded generator (a linear congruential one): each client draws its own visitors' pages. */
export function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** One browsing visitor: pages with a product view, engagement heartbeats, clicks, sometimes a cart add or a purchase. */
export class Visitor {
  readonly id: string;
  private seq = 0;
  private page = 0;
  private pageId = '';
  private pageStart = 0;
  private engaged = 0;
  private pending: { name: string; props: Record<string, unknown> }[] = [];
  private cart: string[] = [];
  private orders = 0;
  batches = 0;

  constructor(run: string, client: number, n: number, private readonly rnd: () => number) {
    this.id = `${run}-c${client}-v${n}`;
  }

  private nextPage(now: number) {
    this.page++;
    this.pageId = `${this.id}-p${this.page}`;
    this.pageStart = now;
    this.engaged = 0;
    const item = `i${Math.floor(ITEMS * this.rnd() ** 2)}`;
    const category = CATEGORIES[Number(item.slice(1)) % CATEGORIES.length];
    const price = 5 + (Number(item.slice(1)) % 90);
    this.pending.push({ name: 'page_view', props: {} });
    this.pending.push({ name: 'view_item', props: { item_id: item, item_category: category, price } });
    for (let h = 0; h < 3; h++) this.pending.push({ name: 'user_engagement', props: { engaged_ms: -1, scroll_depth: 20 * (h + 1) } });
    this.pending.push({ name: 'click', props: { label: 'details', element: 'button' } });
    if (this.rnd() < 0.15) {
      this.pending.push({ name: 'add_to_cart', props: { item_id: item, item_category: category, price, quantity: 1, value: price, currency: 'EUR' } });
      this.cart.push(item);
    }
    if (this.cart.length && this.rnd() < 0.05) {
      this.orders++;
      this.pending.push({ name: 'begin_checkout', props: { value: this.cart.length * 10, currency: 'EUR' } });
      this.pending.push({
        name: 'purchase',
        props: { transaction_id: `${this.id}-o${this.orders}`, value: this.cart.length * 10, currency: 'EUR', items: this.cart.map((item_id) => ({ item_id, quantity: 1, price: 10 })) },
      });
      this.cart = [];
    }
    this.pending.push({ name: 'user_engagement', props: { engaged_ms: -1, final: true } });
  }

  /** The next batch, as the SDK would send it at `now`. */
  batch(now = Date.now()): { events: object[]; sent_at: number } {
    const events: object[] = [];
    while (events.length < EVENTS_PER_BATCH) {
      if (!this.pending.length) this.nextPage(now);
      const e = this.pending.shift()!;
      const ts = now - (EVENTS_PER_BATCH - events.length) * 20;
      const props = { ...e.props };
      if (props.engaged_ms === -1) {
        // engaged time only grows, and never beyond the time the page has been open
        this.engaged = Math.min(Math.max(0, ts - this.pageStart), this.engaged + 5_000);
        props.engaged_ms = this.engaged;
      }
      this.seq++;
      events.push({
        event_id: `${this.id}-e${this.seq}`,
        name: e.name,
        visitor_id: this.id,
        session_id: `${this.id}-s${1 + Math.floor(this.batches / BATCHES_PER_SESSION)}`,
        page_id: this.pageId,
        seq: this.seq,
        ts,
        url: `https://load.example/p/${this.page}`,
        props,
      });
    }
    this.batches++;
    return { events, sent_at: now };
  }
}
