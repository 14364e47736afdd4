// The simulator's sender against an in-memory collector that speaks the contracts of issues 8
// and 9 (campaigns, decide, import): SDK-sized batches, retries that resend the same ids, one
// decision per visitor and page type, arms and decision ids carried into the events, and a
// demo history that loads once.
import { describe, expect, it } from 'vitest';
import { HOLDOUT, benchCampaigns, fallbackDemoDefinitions } from '../../sim/campaigns';
import { batches, HttpError, LingerClient, pool } from '../../sim/client';
import { loadDemoHistory, markerVisitor } from '../../sim/demo-history';
import type { SimEvent } from '../../sim/events';
import { runSimulation } from '../../sim/run';

const END = Date.UTC(2026, 2, 1, 12);
const BASE = 'http://collector.test';
const campaignCount = benchCampaigns().length;

interface Stored {
  event: SimEvent;
  order: number;
}

/** A collector in memory: campaigns, decide (hash of visitor × campaign), import with dedupe, visitor events. */
function fakeCollector(options: { failFirstImports?: number; holdout?: (visitor: string, campaign: string) => boolean } = {}) {
  const campaigns = new Map<string, Record<string, unknown> & { id: string; name: string; slots: string[]; holdout: number; variants: { name: string }[] }>();
  const events = new Map<string, Stored>();
  const bodies = new Map<string, string[]>(); // first event id of a request → bodies sent
  const decides: { visitor: string; page: string; slots: string[]; origin: string | null; exit: boolean }[] = [];
  const puts: Record<string, unknown>[] = [];
  let failures = options.failFirstImports ?? 0;
  let order = 0;
  let maxInFlight = 0;
  let inFlight = 0;
  const hash = (s: string) => [...s].reduce((h, ch) => (Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0), 2166136261) / 4294967296;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    try {
      const url = new URL(String(input));
      const headers = new Headers(init.headers);
      const admin = headers.get('authorization') === 'Bearer admin-key';
      const method = init.method ?? 'GET';
      if (url.searchParams.get('site') !== 'shop') return json(401, { error: 'unknown site' });
      if (url.pathname === '/v1/admin/campaigns' && method === 'GET') return admin ? json(200, { campaigns: [...campaigns.values()] }) : json(401, { error: 'key' });
      if (url.pathname === '/v1/admin/campaigns' && method === 'POST') {
        if (!admin) return json(401, { error: 'key' });
        const body = JSON.parse(String(init.body));
        const id = `cmp_${campaigns.size + 1}`;
        campaigns.set(id, { ...body, id });
        return json(201, { ...body, id });
      }
      if (url.pathname.startsWith('/v1/admin/campaigns/') && method === 'PUT') {
        puts.push(JSON.parse(String(init.body)));
        return json(200, {});
      }
      if (url.pathname === '/v1/decide') {
        const visitor = url.searchParams.get('visitor')!;
        const slots = url.searchParams.get('slots')!.split(',');
        decides.push({ visitor, page: url.searchParams.get('page')!, slots, origin: headers.get('origin'), exit: url.searchParams.get('exit') === '1' });
        const decisions = [];
        for (const slot of slots) {
          const c = [...campaigns.values()].find((x) => x.slots.includes(slot));
          if (!c) continue;
          const held = options.holdout ? options.holdout(visitor, c.id) : hash(`${visitor}:${c.id}`) < c.holdout;
          const variant = held ? HOLDOUT : c.variants[Math.floor(hash(`${c.id}:${visitor}`) * c.variants.length)].name;
          decisions.push({ slot, campaign: c.id, variant, decision_id: `d_${hash(visitor + c.id).toString(36).slice(2, 12)}`, content: held ? null : {} });
        }
        return json(200, { decisions });
      }
      if (url.pathname === '/v1/admin/import' && method === 'POST') {
        if (!admin) return json(401, { error: 'key' });
        const body = String(init.body);
        const batch = JSON.parse(body).events as SimEvent[];
        const first = batch[0].event_id;
        bodies.set(first, [...(bodies.get(first) ?? []), body]);
        if (failures > 0) {
          failures--;
          return json(503, { error: 'try again' });
        }
        let accepted = 0;
        let duplicates = 0;
        for (const e of batch) {
          if (events.has(e.event_id)) duplicates++;
          else {
            events.set(e.event_id, { event: e, order: order++ });
            accepted++;
          }
        }
        return json(202, { accepted, duplicates, rejected: [] });
      }
      const visitorEvents = /^\/v1\/visitors\/([^/]+)\/events$/.exec(url.pathname);
      if (visitorEvents) return json(200, { visitor_id: visitorEvents[1], events: [...events.values()].filter((s) => s.event.visitor_id === visitorEvents[1]).map((s) => s.event) });
      return json(404, { error: `no route for ${method} ${url.pathname}` });
    } finally {
      inFlight--;
    }
  };
  return { fetch: fetch as typeof globalThis.fetch, campaigns, events, bodies, decides, puts, get maxInFlight() { return maxInFlight; } };
}

const ev = (i: number, size = 0): SimEvent => ({
  event_id: `event_${String(i).padStart(6, '0')}`, name: 'page_view', visitor_id: 'visitor_1', session_id: 'session_1', seq: i + 1, ts: END, url: 'https://shop.example/',
  props: size ? { label: 'x'.repeat(size) } : {},
});

describe('batches', () => {
  it('hold at most 50 events and 16 KB, in order, all of them', () => {
    const small = Array.from({ length: 123 }, (_, i) => ev(i));
    expect(batches(small).map((b) => b.length)).toEqual([50, 50, 23]);
    const large = Array.from({ length: 60 }, (_, i) => ev(i, 90));
    const split = batches(large);
    for (const b of split) expect(JSON.stringify(b).length).toBeLessThanOrEqual(16_384);
    expect(split.length).toBeGreaterThan(1);
    expect(split.flat()).toEqual(large);
  }, 60_000);
});

describe('pool', () => {
  it('keeps at most the given number of tasks in flight, and throws the first failure', async () => {
    let inFlight = 0;
    let max = 0;
    const done: number[] = [];
    await pool(40, 6, async (i) => {
      max = Math.max(max, ++inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      inFlight--;
      done.push(i);
    });
    expect(max).toBe(6);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await expect(pool(10, 3, async (i) => { if (i === 4) throw new Error('boom'); })).rejects.toThrow('boom');
  }, 60_000);
});

describe('the client', () => {
  it('retries 5xx with the same body, and stops at once on a 4xx', async () => {
    const fake = fakeCollector({ failFirstImports: 2 });
    const client = new LingerClient({ base: BASE, site: 'shop', adminKey: 'admin-key', backoffMs: 1, fetch: fake.fetch });
    await client.send([ev(1), ev(2)], 'ua');
    const sent = fake.bodies.get(ev(1).event_id)!;
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    expect(client.stats).toEqual({ requests: 3, retries: 2 });
    const wrongKey = new LingerClient({ base: BASE, site: 'shop', adminKey: 'nope', backoffMs: 1, fetch: fake.fetch });
    await expect(wrongKey.send([ev(3)], 'ua')).rejects.toBeInstanceOf(HttpError);
    expect(wrongKey.stats.requests).toBe(1);
  }, 60_000);
});

describe('a run against the collector', () => {
  it('creates the campaigns once, asks one decision per visitor, and sends every event once with its arm', async () => {
    const fake = fakeCollector({ failFirstImports: 3 });
    const options = { visitors: 120, days: 14, seed: 9, end: END, base: BASE, site: 'shop', adminKey: 'admin-key', concurrency: 5, fetch: fake.fetch };
    const run = await runSimulation(options);
    expect(fake.campaigns.size).toBe(campaignCount);
    for (const c of fake.campaigns.values()) expect(Date.parse(c.start as string)).toBeLessThanOrEqual(END - 14 * 86_400_000);
    expect(fake.decides).toHaveLength(120);
    expect(new Set(fake.decides.map((d) => d.visitor)).size).toBe(120);
    expect(fake.decides.every((d) => d.page === 'home' && d.slots.length === campaignCount && d.origin === BASE)).toBe(true);
    expect(fake.events.size).toBe(run.sent.events);
    expect(run.sent).toMatchObject({ accepted: run.sent.events, duplicates: 0, rejected: 0, retries: 3 });
    expect(fake.maxInFlight).toBeLessThanOrEqual(5);

    // Every exposure carries the arm and decision id the collector decided for that visitor.
    const decided = new Map<string, { variant: string; decision_id: string }>();
    for (const d of [...fake.decides]) {
      const res = (await (await fake.fetch(`${BASE}/v1/decide?site=shop&visitor=${d.visitor}&page=home&slots=${d.slots.join(',')}`)).json()) as { decisions: { campaign: string; variant: string; decision_id: string }[] };
      for (const x of res.decisions) decided.set(`${d.visitor}/${x.campaign}`, x);
    }
    let exposures = 0;
    for (const { event: e } of fake.events.values()) {
      if (e.name !== 'view_promotion') continue;
      exposures++;
      const d = decided.get(`${e.visitor_id}/${e.props!.campaign_id}`)!;
      expect(e.props).toMatchObject({ variant: d.variant, decision_id: d.decision_id, promotion_id: e.props!.campaign_id });
    }
    expect(exposures).toBeGreaterThan(50);
    // seq increases per visitor in the order the collector received them.
    const byVisitor = new Map<string, Stored[]>();
    for (const s of fake.events.values()) byVisitor.set(s.event.visitor_id, [...(byVisitor.get(s.event.visitor_id) ?? []), s]);
    for (const list of byVisitor.values()) {
      const seqs = list.sort((a, b) => a.order - b.order).map((s) => s.event.seq);
      expect(seqs).toEqual(seqs.slice().sort((a, b) => a - b));
    }

    // A second run with the same seed reuses the campaigns and only resends duplicates.
    const again = await runSimulation(options);
    expect(fake.campaigns.size).toBe(campaignCount);
    expect(again.sent).toMatchObject({ accepted: 0, duplicates: run.sent.events });
  }, 60_000);

  it('breaks the split of one campaign with --break-srm: its holdout loses visitors, the others keep theirs', async () => {
    const fake = fakeCollector();
    const run = await runSimulation({ visitors: 400, days: 14, seed: 4, end: END, base: BASE, site: 'shop', adminKey: 'admin-key', fetch: fake.fetch, breakSrm: true, srmDrop: 0.5 });
    const [broken] = run.campaigns;
    const holdout = broken.arms.find((a) => a.variant === HOLDOUT)!;
    expect(broken.dropped).toBeGreaterThan(0.35 * holdout.assigned);
    const senders = new Set([...fake.events.values()].map((s) => s.event.visitor_id));
    expect(senders.size).toBe(400 - broken.dropped);
    expect(fake.decides).toHaveLength(400); // the buggy integration still asks for its decisions
  }, 60_000);
});

describe('the demo history', () => {
  it('creates the demo campaigns, sends its marker visitor last, and loads only once', async () => {
    const fake = fakeCollector();
    const keys = { admin: 'admin-key', read: 'read-key' };
    const definitions = fallbackDemoDefinitions();
    const first = await loadDemoHistory(BASE, 'shop', keys, { definitions, visitors: 150, days: 21, fetch: fake.fetch });
    expect(first.loaded).toBe(true);
    expect([...fake.campaigns.values()].map((c) => c.name).sort()).toEqual(definitions.map((d) => d.name).sort());
    // One decision per visitor and page type the campaigns are on (home, product, cart), up front;
    // the exit slot is asked only as a desktop visitor leaves a cart or product page with a full cart.
    const exits = fake.decides.filter((d) => d.exit);
    expect(fake.decides.length - exits.length).toBe(150 * 3);
    expect(exits.length).toBeGreaterThan(0);
    for (const d of exits) expect(d).toMatchObject({ slots: ['exit-intent'], page: expect.stringMatching(/^(cart|product)$/) });
    const marker = markerVisitor();
    const markerOrders = [...fake.events.values()].filter((s) => s.event.visitor_id === marker).map((s) => s.order);
    const otherOrders = [...fake.events.values()].filter((s) => s.event.visitor_id !== marker).map((s) => s.order);
    expect(markerOrders.length).toBeGreaterThan(0);
    expect(Math.min(...markerOrders)).toBeGreaterThan(Math.max(...otherOrders));
    const names = new Set([...fake.events.values()].map((s) => s.event.name));
    for (const name of ['page_view', 'view_item', 'view_promotion', 'add_to_cart', 'begin_checkout', 'purchase', 'user_engagement', 'search']) expect(names).toContain(name);

    const count = fake.events.size;
    const second = await loadDemoHistory(BASE, 'shop', keys, { definitions, visitors: 150, days: 21, fetch: fake.fetch });
    expect(second).toEqual({ loaded: false, reason: 'the demo history is already loaded' });
    expect(fake.events.size).toBe(count);
    expect(fake.campaigns.size).toBe(definitions.length);
  }, 60_000);

  it('moves the start of demo campaigns that were seeded today back before the history', async () => {
    const fake = fakeCollector();
    const client = new LingerClient({ base: BASE, site: 'shop', adminKey: 'admin-key', fetch: fake.fetch });
    const [hero] = fallbackDemoDefinitions();
    await client.createCampaign({ ...hero, start: new Date().toISOString() });
    await loadDemoHistory(BASE, 'shop', { admin: 'admin-key' }, { definitions: [hero], visitors: 20, fetch: fake.fetch });
    expect(fake.puts).toHaveLength(1);
    expect(Date.parse(fake.puts[0].start as string)).toBeLessThan(Date.now() - 21 * 86_400_000);
    expect(fake.puts[0]).not.toHaveProperty('id');
  }, 60_000);
});

describe('bench campaigns', () => {
  it('are valid definitions: holdout within 0–0.5, each its own slot, A/A arms identical in effect', () => {
    const list = benchCampaigns();
    expect(new Set(list.map((c) => c.definition.slots[0])).size).toBe(list.length);
    for (const c of list) {
      expect(c.definition.holdout).toBeGreaterThanOrEqual(0);
      expect(c.definition.holdout).toBeLessThanOrEqual(0.5);
      if (c.role === 'aa') expect([...c.effects.values()]).toEqual([1]);
      else expect([...c.effects.values()][0]).not.toBe(1);
    }
  }, 60_000);
});
