// SiteBrain stays bounded (issue 11): ids outside the catalog are skipped, a session and a basket
// add a bounded number of pairs, shards sum their deltas, and sessions are trimmed as they come in.
import { env, runInDurableObject } from 'cloudflare:test';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveItems } from '../../worker/src/catalog';
import { buildDelta, holdBought, newTaught, newTrendDay, retract, teach, type BrainDelta } from '../../worker/src/recs/brain-delta';
import { BASKET_ITEMS, KEPT_SESSION_MS, KEPT_SESSIONS, SESSION_ITEMS, TREND_WEIGHTS } from '../../worker/src/recs/stores';
import type { SiteBrain } from '../../worker/src/site-brain';
import { clearSiteCache, saveSite } from '../../worker/src/sites';
import { TEST_SITE, makeEvent, post, settle } from './helpers';

const SITE = 'bounds-shop';
const CATALOG = Array.from({ length: 120 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const brain = () => env.BRAIN.get(env.BRAIN.idFromName(SITE));
const inBrain = <T>(fn: (sql: SqlStorage, instance: SiteBrain) => T | Promise<T>) => runInDurableObject(brain(), (instance: SiteBrain, state) => fn(state.storage.sql, instance));
const count = (sql: SqlStorage, query: string, ...args: unknown[]) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${query}`, ...args).one().n;


/** A person's session through /v1/collect: views of `items` with engaged time, then one purchase of `basket`. */
async function visit(label: string, items: string[], basket: string[] = []) {
  const token = sha256(label).slice(0, 32);
  const visitor = sha256(`linger-visitor:${token}`).slice(0, 32);
  let seq = 0;
  const start = Date.now() - 20 * 60_000;
  const ev = (name: string, props: Record<string, any>) =>
    makeEvent({ event_id: `evt-bounds-${label}-${seq}`, visitor_id: visitor, session_id: `session-bounds-${label}`, page_id: `page-bounds-${label}`, seq: seq++, name: name as any, props, ts: start + seq * 1_000 });
  const events = [ev('page_view', {}), ev('user_engagement', { engaged_ms: 20_000 })];
  for (const item of items) events.push(ev('view_item', { item_id: item }));
  if (basket.length) events.push(ev('purchase', { transaction_id: `t-${label}`, value: 10, items: basket.map((item_id) => ({ item_id, price: 1, quantity: 1 })) }));
  for (let i = 0; i < events.length; i += 200) {
    const res = await post({ token, events: events.slice(i, i + 200) }, { site: SITE });
    expect(res.status).toBe(202);
    expect((await res.json<any>()).rejected).toEqual([]);
  }
}

beforeAll(async () => {
  await saveSite(env.DB, { ...TEST_SITE, key: SITE, name: SITE, adminKey: `${SITE}-admin`, readKey: `${SITE}-read`, shards: 2 });
  await saveItems(env.DB, SITE, CATALOG.map((id) => ({ id, name: id, category: 'c', price: 1, inStock: true })));
  clearSiteCache();
  // a session of 100 distinct items, buying all 100 in one basket (latest viewed listed first)
  const hundred = CATALOG.slice(0, 100);
  await visit('hundred', hundred, [...hundred].reverse());
  // ids the shop does not sell, beside one it does
  await visit('ghost', ['ghost-1', 'ghost-2', CATALOG[110], 'ghost-3'], ['ghost-1', CATALOG[110]]);
  await settle(SITE);
}, 60_000);

describe('SiteBrain bounds', () => {
  it('adds a bounded number of pairs for a 100-item session and basket', async () => {
    const pairs = await inBrain((sql) => ({ view: count(sql, "pairs WHERE kind = 'view'"), buy: count(sql, "pairs WHERE kind = 'buy'") }));
    // the first SESSION_ITEMS viewed and BASKET_ITEMS bought items, each unordered pair stored once
    expect(pairs.view).toBe((SESSION_ITEMS * (SESSION_ITEMS - 1)) / 2);
    expect(pairs.buy).toBe((BASKET_ITEMS * (BASKET_ITEMS - 1)) / 2);
    expect(await inBrain((sql) => count(sql, 'pairs WHERE a >= b'))).toBe(0);
    const stats = await inBrain((sql) => sql.exec<{ item: string; view_sessions: number; baskets: number }>('SELECT item, view_sessions, baskets FROM item_stats ORDER BY item').toArray());
    expect(stats.filter((s) => s.view_sessions > 0).length).toBe(SESSION_ITEMS + 1);
    expect(stats.filter((s) => s.baskets > 0).length).toBe(BASKET_ITEMS + 1);
  });

  it('ignores ids outside the catalog', async () => {
    const rows = await inBrain((sql) => ({
      ghosts: count(sql, "item_stats WHERE item LIKE 'ghost-%'") + count(sql, "pairs WHERE a LIKE 'ghost-%' OR b LIKE 'ghost-%'"),
      session: sql.exec<{ items: string }>("SELECT items FROM sessions WHERE session_id = 'session-bounds-ghost'").one().items,
      item: sql.exec<{ view_sessions: number; baskets: number }>('SELECT view_sessions, baskets FROM item_stats WHERE item = ?', CATALOG[110]).one(),
    }));
    expect(rows.ghosts).toBe(0);
    expect(JSON.parse(rows.session)).toEqual([CATALOG[110]]);
    expect(rows.item).toEqual({ view_sessions: 1, baskets: 1 });
  });

  it('keeps its tables bounded under a flood of sessions', async () => {
    const now = Date.now();
    const flood: BrainDelta = { totals: { view: 0, buy: 0 }, items: [], pairs: [], forget: [], sessions: [] };
    // sessions past the age limit go at once; past the count limit, the oldest go
    for (let i = 0; i < 100; i++) flood.sessions.push({ id: `old-${i}`, time: now - KEPT_SESSION_MS - 60_000, items: [CATALOG[0]] });
    const fresh = KEPT_SESSIONS + 2_000;
    for (let i = 0; i < fresh; i++) flood.sessions.push({ id: `flood-${i}`, time: now - fresh + i, items: [CATALOG[i % CATALOG.length], `ghost-${i}`] });
    const after = await inBrain(async (sql, instance) => {
      await instance.observe(SITE, flood);
      return {
        sessions: count(sql, 'sessions'),
        old: count(sql, "sessions WHERE session_id LIKE 'old-%'"),
        newest: count(sql, 'sessions WHERE session_id = ?', `flood-${fresh - 1}`),
        oldest: count(sql, "sessions WHERE session_id = 'flood-0'"),
        items: count(sql, 'item_stats'),
      };
    });
    expect(after).toMatchObject({ sessions: KEPT_SESSIONS, old: 0, newest: 1, oldest: 0 });
    expect(after.items).toBeLessThanOrEqual(CATALOG.length); // the flood's ghost ids made no rows
  });

  it('stores a pair once: a brain that kept both ways keeps one row per pair after its upgrade, and both items still see each other', async () => {
    const stub = env.BRAIN.get(env.BRAIN.idFromName('bounds-upgrade'));
    const after = await runInDurableObject(stub, (instance: SiteBrain, state) => {
      const sql = state.storage.sql;
      // as stored before: each pair both ways, and no upgrade mark
      sql.exec("INSERT INTO item_stats (item, views, view_sessions) VALUES ('x', 3, 3), ('y', 2, 2)");
      sql.exec("INSERT INTO totals (kind, n) VALUES ('view', 5)");
      sql.exec("INSERT INTO pairs (kind, a, b, n) VALUES ('view', 'x', 'y', 2), ('view', 'y', 'x', 2)");
      sql.exec("INSERT INTO stale (kind, item) VALUES ('view', 'x'), ('view', 'y')"); // their lists are recomputed when read
      sql.exec("DELETE FROM meta WHERE key = 'pairs_once'");
      const upgraded = new (instance.constructor as new (s: DurableObjectState, e: typeof env) => SiteBrain)(state, env);
      return {
        rows: sql.exec<{ a: string; b: string; n: number }>("SELECT a, b, n FROM pairs WHERE kind = 'view'").toArray().map((r) => ({ ...r })),
        x: upgraded.neighbours('view', 'x').map((n) => [n.item, n.count]),
        y: upgraded.neighbours('view', 'y').map((n) => [n.item, n.count]),
      };
    });
    expect(after.rows).toEqual([{ a: 'x', b: 'y', n: 2 }]);
    expect(after.x).toEqual([['y', 2]]);
    expect(after.y).toEqual([['x', 2]]);
  });
});

describe('what a shard sends', () => {
  it('sums sessions into one row per item and pair, and counts an item in trending once per visitor and day', () => {
    const a = newTaught();
    const b = newTaught();
    const again = newTaught(); // the first visitor's second session
    const dayA = newTrendDay();
    const dayB = newTrendDay();
    const viewed = () => false;
    const first = teach(a, 's-a', 1_000, ['x', 'y', 'x', 'y'], viewed, dayA)!;
    const more = teach(a, 's-a', 2_000, ['x', 'y', 'z'], viewed, dayA)!; // only z is new
    expect(teach(a, 's-a', 3_000, ['z', 'x'], viewed, dayA)).toBeNull();
    const second = teach(again, 's-a2', 4_000, ['y', 'x'], viewed, dayA)!;
    holdBought(b, ['x', 'never-viewed']);
    const other = teach(b, 's-b', 2_000, ['x', 'y'], viewed, dayB)!;
    const delta = buildDelta([first, more, second, other]);
    expect(delta.totals).toEqual({ view: 3, buy: 1 });
    const byItem = new Map(delta.items.map((d) => [d.item, d]));
    expect([...byItem.keys()].sort()).toEqual(['x', 'y', 'z']);
    expect(byItem.get('x')).toMatchObject({ viewSessions: 3, baskets: 1 });
    expect(byItem.get('z')).toMatchObject({ viewSessions: 1, baskets: 0 });
    // x: viewed by both visitors (the first one's second session counts no more) and bought once (it was viewed first);
    // a session's flush counts at its latest time
    expect(byItem.get('x')).toMatchObject({ trend: 2 * TREND_WEIGHTS.view + TREND_WEIGHTS.buy, trendAt: 2_000 });
    const pairs = Object.fromEntries(delta.pairs.map((p) => [`${p.kind}:${p.a}-${p.b}`, p.n]));
    expect(pairs).toEqual({ 'view:x-y': 3, 'view:x-z': 1, 'view:y-z': 1 });
    expect(delta.sessions).toEqual([
      { id: 's-a', time: 2_000, items: ['x', 'y', 'z'] },
      { id: 's-a2', time: 4_000, items: ['y', 'x'] },
      { id: 's-b', time: 2_000, items: ['x', 'y'] },
    ]);
    // the next day, the visitor counts again
    const tomorrow = teach(newTaught(), 's-a3', 1_000 + 86_400_000, ['x'], viewed, dayA)!;
    expect(buildDelta([tomorrow]).items).toEqual([{ item: 'x', viewSessions: 1, baskets: 0, trend: TREND_WEIGHTS.view, trendAt: 1_000 + 86_400_000 }]);
  });

  it('takes back what a session flagged later taught, and leaves out unknown ids', () => {
    const t = newTaught();
    const taught = teach(t, 's', 1_000, ['x', 'ghost', 'y'], () => false, newTrendDay())!;
    const before = buildDelta([taught], (id) => id !== 'ghost');
    expect(before.pairs).toEqual([{ kind: 'view', a: 'x', b: 'y', n: 1 }]);
    expect(before.sessions[0].items).toEqual(['x', 'y']);
    const back = retract(t, 's', 1_000)!;
    expect(retract(t, 's', 1_000)).toBeNull(); // once
    const delta = buildDelta([back], (id) => id !== 'ghost');
    expect(delta.totals).toEqual({ view: -1, buy: 0 });
    expect(delta.pairs).toEqual([{ kind: 'view', a: 'x', b: 'y', n: -1 }]);
    expect(delta.items.map((d) => [d.item, d.viewSessions, d.trend])).toEqual([['x', -1, -1], ['y', -1, -1]]);
    expect(delta.forget).toEqual(['s']);
    // taught and taken back in one flush: nothing reaches the brain but the forgetting
    const t2 = newTaught();
    const both = buildDelta([teach(t2, 's2', 1_000, ['x', 'y'], () => false, newTrendDay())!, retract(t2, 's2', 1_000)!]);
    expect(both).toEqual({ totals: { view: 0, buy: 0 }, items: [], pairs: [], sessions: [], forget: ['s2'] });
  });
});
