// The simulator's journeys reach targeted campaigns where a real visitor would: the newsletter
// hero on home pages of sessions from the newsletter, the cart upsell on a cart page with
// something in it, the exit voucher when a desktop visitor leaves with a full cart. Against a
// collector, each such moment is asked after the visitor's events so far were sent.
import { describe, expect, it } from 'vitest';
import { DEMO_CAMPAIGNS } from '../../demo-shop/src/campaigns.js';
import { localArms } from '../../sim/assign';
import { HOLDOUT, simCampaignsFor, type CampaignDefinition } from '../../sim/campaigns';
import { simCatalog } from '../../sim/catalog';
import type { Decision } from '../../sim/client';
import { renderEvents, type SimEvent } from '../../sim/events';
import { journey } from '../../sim/journey';
import { live, type Assignment } from '../../sim/live';
import { planVisitor } from '../../sim/plan';
import { runSimulation } from '../../sim/run';
import { isDynamic, localGate, mayShow, type Moment } from '../../sim/targeting';

const catalog = simCatalog();
const END = Date.UTC(2026, 2, 1, 12);
const WINDOW = { days: 21, end: END };
const campaigns = simCampaignsFor(DEMO_CAMPAIGNS as CampaignDefinition[]);
const byId = (id: string) => campaigns.find((c) => (c.definition as { id?: string }).id === id)!;
const hero = byId('spring-sale-hero');
const newsletter = byId('newsletter-outdoor-hero');
const upsell = byId('cart-upsell');
const exit = byId('exit-voucher');

const moment = (over: Partial<Moment>): Moment => ({ id: 'm', at: END, page: 'home', exit: false, device: 'desktop', cartCents: 0, checkout: false, ...over });

describe('targeting in the simulator', () => {
  it('decides up front only the campaigns that target page types alone', () => {
    expect(campaigns.filter(isDynamic).map((c) => (c.definition as { id?: string }).id).sort()).toEqual(['cart-upsell', 'exit-voucher', 'newsletter-outdoor-hero']);
  });

  it('knows where each campaign may show, and gives a shared slot to the highest priority', () => {
    const fromNewsletter = moment({ utm: { source: 'newsletter', medium: 'email', campaign: 'weekly' } });
    expect(mayShow(newsletter, fromNewsletter)).toBe(true);
    expect(mayShow(newsletter, moment({}))).toBe(false);
    expect(mayShow(newsletter, moment({ ...fromNewsletter, page: 'product' }))).toBe(false);
    expect(localGate(fromNewsletter, [hero, newsletter])).toEqual([newsletter]);
    expect(localGate(moment({}), [hero])).toEqual([hero]);

    expect(mayShow(upsell, moment({ page: 'cart', cartCents: 4999 }))).toBe(true);
    expect(mayShow(upsell, moment({ page: 'cart' }))).toBe(false);
    expect(mayShow(exit, moment({ page: 'cart', cartCents: 4999 }))).toBe(false);
    expect(mayShow(exit, moment({ page: 'cart', cartCents: 4999, exit: true }))).toBe(true);
    expect(mayShow(exit, moment({ page: 'checkout', cartCents: 4999, exit: true }))).toBe(false);
    // high intent: locally, a visitor who began checkout
    expect(localGate(moment({ page: 'cart', cartCents: 4999, exit: true }), [exit])).toEqual([]);
    expect(localGate(moment({ page: 'cart', cartCents: 4999, exit: true, checkout: true }), [exit])).toEqual([exit]);
  });

  it('shows each targeted campaign only in the journeys it targets', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const plan = planVisitor(5, i, WINDOW, catalog);
      const arms = localArms(5, i, campaigns);
      const lived = live(plan, arms, campaigns);
      for (const s of lived.sessions) {
        s.pages.forEach((page, n) => {
          for (const x of page.exposures) {
            seen.set(x.campaign.key, (seen.get(x.campaign.key) ?? 0) + 1);
            if (x.campaign === newsletter) {
              expect(page.plan.kind).toBe('home');
              expect(s.plan.utm?.source).toBe('newsletter');
              // the newsletter hero takes the home-hero slot from the spring sale
              expect(page.exposures.some((y) => y.campaign === hero)).toBe(false);
            }
            if (x.campaign === upsell) {
              expect(page.plan.kind).toBe('cart');
              expect(s.pages.slice(0, n).some((p) => p.addToCart !== undefined)).toBe(true);
            }
            if (x.campaign === exit) {
              expect(plan.device).toBe('desktop');
              expect(page).toBe(s.pages[s.pages.length - 1]); // as the visitor leaves
              expect(['cart', 'product']).toContain(page.plan.kind);
              expect(s.pages.some((p) => p.purchase)).toBe(false);
              expect(s.pages.some((p) => p.addToCart !== undefined)).toBe(true);
            }
          }
        });
      }
    }
    for (const c of campaigns) expect(seen.get(c.key) ?? 0, c.definition.name).toBeGreaterThan(20);
  }, 60_000);

  it('reaches every demo campaign in both arms in a dry run the size of the demo', async () => {
    const run = await runSimulation({ visitors: 1500, days: 21, seed: 2026, end: END, dryRun: true, campaigns });
    for (const c of run.campaigns) {
      const holdout = c.arms.find((a) => a.variant === HOLDOUT)!;
      expect(holdout.exposed, `${c.name}: holdout`).toBeGreaterThan(0);
      for (const a of c.arms) expect(a.exposed, `${c.name}: ${a.variant}`).toBeGreaterThan(0);
      expect(c.arms.reduce((n, a) => n + a.conversions, 0), c.name).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('a journey against a collector', () => {
  it('sends the events up to each moment before asking, then lives on with the answer; every event once, in order', async () => {
    const ids = new Map(campaigns.map((c) => [c.key, c]));
    let asked = 0;
    let checked = 0;
    let exitsShown = 0;
    for (let i = 0; i < 400; i++) {
      const plan = planVisitor(7, i, WINDOW, catalog);
      const upFront = localArms(7, i, campaigns.filter((c) => !isDynamic(c)));
      const sent: SimEvent[] = [];
      const moments: Moment[] = [];
      const refused = new Set<string>();
      const decide = async (m: Moment): Promise<Decision[]> => {
        asked++;
        moments.push(m);
        // what the collector has when it is asked: everything before the moment, nothing after
        expect(sent.every((e) => e.ts <= m.at)).toBe(true);
        if (m.page === 'cart') {
          expect(sent.some((e) => e.name === 'add_to_cart')).toBe(true);
          checked++;
        }
        // a collector that shows every campaign asked about, in arms drawn as the simulator would,
        // except on every other visitor's exits (as a low intent score would)
        if (m.exit && i % 2 === 0) {
          refused.add(m.id);
          return [];
        }
        const arms = localArms(7, i, campaigns);
        return [...ids.values()]
          .filter((c) => mayShow(c, m))
          .map((c) => ({ slot: c.definition.slots[0], campaign: c.key, variant: arms.get(c.key)!.variant, decision_id: `d-${i}-${c.key}`, content: null }));
      };
      const arms = new Map<string, Assignment>(upFront);
      const { lived, events } = await journey(plan, arms, campaigns, {
        byId: ids,
        decide,
        send: async (batch) => void sent.push(...batch),
        render: (l, a) => renderEvents(l, a, catalog, 'https://shop.example'),
      });
      expect(sent).toEqual(events);
      // each moment asked once, in time order
      expect(new Set(moments.map((m) => m.id)).size).toBe(moments.length);
      expect(moments.map((m) => m.at)).toEqual(moments.map((m) => m.at).sort((a, b) => a - b));
      for (const key of lived.outcomes.keys()) expect(arms.has(key), key).toBe(true);
      for (const session of lived.sessions) {
        const last = session.pages[session.pages.length - 1];
        const exits = last.exposures.filter((x) => x.campaign === exit).length;
        if (refused.has(`${session.plan.index}/${last.plan.n}/exit`)) expect(exits).toBe(0);
        if (exits) exitsShown++;
      }
    }
    expect(asked).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(10);
    expect(exitsShown).toBeGreaterThan(0);
  }, 60_000);
});
