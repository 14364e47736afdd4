// The simulator's behaviour model: valid, deterministic events; segments that behave
// differently; the weekly rhythm; and arms that change only what they should.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EventSchema } from '../../sdk/schema/events';
import { localArms, withVariant } from '../../sim/assign';
import { benchCampaigns, HOLDOUT, type SimCampaign } from '../../sim/campaigns';
import { simCatalog } from '../../sim/catalog';
import { renderEvents, type SimEvent } from '../../sim/events';
import { live } from '../../sim/live';
import { DAY_MS, planVisitor } from '../../sim/plan';
import { runSimulation } from '../../sim/run';
import { WEEKDAY } from '../../sim/segments';

const catalog = simCatalog();
const END = Date.UTC(2026, 2, 1, 12); // fixed, so every run is identical
const WINDOW = { days: 14, end: END };
const campaigns = benchCampaigns();

function eventsOf(seed: number, index: number, list: SimCampaign[] = campaigns): SimEvent[] {
  const plan = planVisitor(seed, index, WINDOW, catalog);
  const arms = localArms(seed, index, list);
  return renderEvents(live(plan, arms, list), arms, catalog, 'https://shop.example');
}

describe('simulated events', () => {
  it('are the same for the same seed and differ for another', () => {
    const a = Array.from({ length: 30 }, (_, i) => eventsOf(7, i));
    const b = Array.from({ length: 30 }, (_, i) => eventsOf(7, i));
    expect(b).toEqual(a);
    const other = eventsOf(8, 0);
    expect(other[0].visitor_id).not.toBe(a[0][0].visitor_id);
    const ids = new Set(a[0].map((e) => e.event_id));
    expect(other.filter((e) => ids.has(e.event_id))).toEqual([]);
  }, 60_000);

  it('all pass the collector schema, with seq 1, 2, 3 …, time order, unique ids, inside the period', () => {
    const ids = new Set<string>();
    let purchases = 0;
    for (let i = 0; i < 300; i++) {
      const events = eventsOf(3, i);
      expect(events.length).toBeGreaterThan(0);
      events.forEach((e, k) => {
        const parsed = v.safeParse(EventSchema, e);
        if (!parsed.success) throw new Error(`${e.name}: ${parsed.issues[0].message}`);
        expect(e.seq).toBe(k + 1);
        if (k > 0) expect(e.ts).toBeGreaterThanOrEqual(events[k - 1].ts);
        expect(e.ts).toBeGreaterThanOrEqual(END - 14 * DAY_MS);
        expect(e.ts).toBeLessThan(END);
        expect(ids.has(e.event_id)).toBe(false);
        ids.add(e.event_id);
        expect(e.visitor_id).toBe(events[0].visitor_id);
      });
      // A page view's events share its page id and session, and follow its page_view.
      const pages = new Map<string, SimEvent>();
      for (const e of events) {
        if (e.name === 'page_view') pages.set(e.page_id!, e);
        else expect(pages.get(e.page_id!)?.session_id).toBe(e.session_id);
      }
      purchases += events.filter((e) => e.name === 'purchase').length;
    }
    expect(purchases).toBeGreaterThan(10);
  }, 60_000);

  it('keep money exact to the cent: a purchase is worth the sum of its items', () => {
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      for (const e of eventsOf(11, i)) {
        for (const x of [e.props?.value, e.props?.price, ...(e.props?.items ?? []).map((it) => it.price)]) {
          if (x !== undefined) expect(Math.round((x as number) * 100) / 100).toBe(x);
        }
        if (e.name !== 'purchase') continue;
        const cents = e.props!.items!.reduce((a, it) => a + Math.round(it.price! * 100) * it.quantity!, 0);
        expect(Math.round(e.props!.value! * 100)).toBe(cents);
        expect(e.props!.transaction_id).toMatch(/^T[0-9A-F]{16}$/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  }, 60_000);
});

describe('segments', () => {
  it('behave differently: loyal buyers buy most, browsers least; researchers search and dwell most', () => {
    const by = new Map<string, { visitors: number; buyers: number; pages: number; dwell: number; searches: number; sessions: number }>();
    for (let i = 0; i < 3000; i++) {
      const plan = planVisitor(5, i, WINDOW, catalog);
      const lived = live(plan, new Map(), []);
      const s = by.get(plan.segment.name) ?? { visitors: 0, buyers: 0, pages: 0, dwell: 0, searches: 0, sessions: 0 };
      s.visitors++;
      s.sessions += plan.sessions.length;
      if (lived.sessions.some((x) => x.pages.some((p) => p.purchase))) s.buyers++;
      for (const x of plan.sessions) for (const p of x.pages) {
        s.pages++;
        s.dwell += p.dwellMs;
        if (p.kind === 'search') s.searches++;
      }
      by.set(plan.segment.name, s);
    }
    const rate = (name: string) => by.get(name)!.buyers / by.get(name)!.visitors;
    const per = (name: string, k: 'dwell' | 'searches') => by.get(name)![k] / by.get(name)!.pages;
    expect(rate('loyal_buyer')).toBeGreaterThan(2 * rate('bargain_hunter'));
    expect(rate('bargain_hunter')).toBeGreaterThan(2 * rate('browser'));
    expect(per('researcher', 'dwell')).toBeGreaterThan(1.5 * per('bargain_hunter', 'dwell'));
    expect(per('researcher', 'searches')).toBeGreaterThan(2 * per('browser', 'searches'));
    expect(by.get('loyal_buyer')!.sessions / by.get('loyal_buyer')!.visitors).toBeGreaterThan(2 * (by.get('browser')!.sessions / by.get('browser')!.visitors));
    // The shares follow the model's mix (40 % browsers).
    expect(by.get('browser')!.visitors / 3000).toBeGreaterThan(0.36);
    expect(by.get('browser')!.visitors / 3000).toBeLessThan(0.44);
  }, 60_000);

  it('visit with the weekly rhythm: busy Sundays, quiet Fridays', () => {
    const byDay = new Array(7).fill(0);
    for (let i = 0; i < 4000; i++) for (const s of planVisitor(9, i, { days: 70, end: END }, catalog).sessions) byDay[new Date(s.start).getUTCDay()]++;
    const ratio = byDay[0] / byDay[5];
    expect(ratio).toBeGreaterThan(1.3);
    expect(Math.abs(ratio - WEEKDAY[0] / WEEKDAY[5])).toBeLessThan(0.3);
  }, 60_000);
});

describe('arms', () => {
  it('change only the funnel: the same browsing and first exposures in both arms, never fewer conversions under a positive effect', () => {
    const [hero] = campaigns;
    let differed = 0;
    for (let i = 0; i < 1500; i++) {
      const plan = planVisitor(21, i, WINDOW, catalog);
      const arms = localArms(21, i, campaigns);
      const treated = live(plan, withVariant(arms, hero, 'treatment'), campaigns);
      const held = live(plan, withVariant(arms, hero, HOLDOUT), campaigns);
      const browsing = (x: typeof treated) => x.sessions.map((s) => s.plan.pages.map((p) => [p.kind, p.at]));
      expect(browsing(treated)).toEqual(browsing(held));
      expect(treated.outcomes.get(hero.key)?.firstExposure).toBe(held.outcomes.get(hero.key)?.firstExposure);
      const t = treated.outcomes.get(hero.key);
      const h = held.outcomes.get(hero.key);
      if (t && h) {
        expect(t.converted || !h.converted).toBe(true);
        if (t.converted !== h.converted) differed++;
      }
    }
    expect(differed).toBeGreaterThan(0);
  }, 60_000);

  it('report exposures in both arms (holdout included) and clicks only on shown content', () => {
    const seen = { holdout: 0, treatment: 0, clicksHoldout: 0, clicks: 0 };
    for (let i = 0; i < 800; i++) {
      const plan = planVisitor(4, i, WINDOW, catalog);
      const arms = localArms(4, i, campaigns);
      for (const e of renderEvents(live(plan, arms, campaigns), arms, catalog, 'https://shop.example')) {
        if (e.name !== 'view_promotion' && e.name !== 'select_promotion') continue;
        const c = campaigns.find((x) => x.key === e.props!.campaign_id)!;
        const a = arms.get(c.key)!;
        expect(e.props).toMatchObject({ promotion_id: c.key, campaign_id: c.key, variant: a.variant, decision_id: a.decisionId, slot: c.definition.slots[0] });
        if (e.name === 'view_promotion') seen[a.variant === HOLDOUT ? 'holdout' : 'treatment']++;
        else if (a.variant === HOLDOUT) seen.clicksHoldout++;
        else seen.clicks++;
      }
    }
    expect(seen.holdout).toBeGreaterThan(0.8 * seen.treatment);
    expect(seen.clicks).toBeGreaterThan(0);
    expect(seen.clicksHoldout).toBe(0);
  }, 60_000);

  it('respect a campaign’s daily cap on impressions; the first exposure always counts', () => {
    const capped: SimCampaign = { ...campaigns[0], key: 'capped', definition: { ...campaigns[0].definition, holdout: 0, caps: { per_day: 1 } } };
    let visitorsSeen = 0;
    for (let i = 0; i < 500; i++) {
      const events = eventsOf(6, i, [capped]).filter((e) => e.name === 'view_promotion');
      const days = events.map((e) => Math.floor(e.ts / DAY_MS));
      expect(new Set(days).size).toBe(days.length);
      if (events.length) visitorsSeen++;
      const plan = planVisitor(6, i, WINDOW, catalog);
      expect(events.length > 0).toBe(live(plan, localArms(6, i, [capped]), [capped]).outcomes.has('capped'));
    }
    expect(visitorsSeen).toBeGreaterThan(100);
  }, 60_000);
});

describe('a dry run', () => {
  it('counts without sending, and --break-srm drops about a fifth of one holdout only', async () => {
    const fetch = () => Promise.reject(new Error('a dry run must not send'));
    const run = await runSimulation({ visitors: 1500, days: 14, seed: 2, end: END, dryRun: true, breakSrm: true, fetch });
    expect(Object.values(run.eventsByName).reduce((a, b) => a + b, 0)).toBe(run.sent.events);
    expect(run.sent.requests).toBe(0);
    const [broken, ...others] = run.campaigns;
    const holdout = broken.arms.find((a) => a.variant === HOLDOUT)!;
    expect(broken.dropped / holdout.assigned).toBeGreaterThan(0.15);
    expect(broken.dropped / holdout.assigned).toBeLessThan(0.25);
    expect(run.sent.visitors).toBe(1500 - broken.dropped);
    for (const c of others) expect(c.dropped).toBe(0);
    for (const c of run.campaigns) for (const a of c.arms) expect(a.exposed).toBeLessThanOrEqual(a.assigned);
  }, 60_000);
});
