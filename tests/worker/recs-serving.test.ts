// /v1/recs serves from what SiteBrain keeps in memory between requests (parsed neighbour lists,
// the model version): each must follow the stores the moment they change.
import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveItems } from '../../worker/src/catalog';
import { buildDelta, type ItemObservation } from '../../worker/src/recs/brain-delta';
import type { SiteBrain } from '../../worker/src/site-brain';
import { TEST_SITE } from './helpers';

const SITE = TEST_SITE.key;
const brain = () => env.BRAIN.get(env.BRAIN.idFromName(SITE));
const rulesOf = (item: string) => runInDurableObject(brain(), (instance: SiteBrain) => [...(instance as unknown as { sequential(item: string): Map<string, number> }).sequential(item).keys()]);
const neighboursOf = (item: string) => runInDurableObject(brain(), (instance: SiteBrain) => instance.neighbours('view', item).map((n) => n.item));

let sessions = 0;
/** `n` sessions that viewed `items` together. */
const viewedTogether = (n: number, items: string[]): ItemObservation[] =>
  Array.from({ length: n }, () => ({ sessionId: `s-${++sessions}`, time: Date.now() - 60_000, items, itemsFrom: 0, bought: [], boughtFrom: 0, trendViews: [], trendBought: [] }));

beforeAll(async () => {
  const items = ['a', 'b', 'c', 'd', 'e', 'f'];
  await saveItems(env.DB, SITE, items.map((id) => ({ id, name: id, category: `cat-${id}`, price: 10, inStock: true })));
  await brain().observe(SITE, buildDelta([...viewedTogether(3, ['a', 'b']), ...viewedTogether(3, ['e', 'f'])]));
});

describe('SiteBrain serving from memory', () => {
  it('a neighbour list read before serves the new counts once an observation changes them', async () => {
    expect(await neighboursOf('a')).toEqual(['b']);
    expect(await neighboursOf('a')).toEqual(['b']); // now kept in memory
    await brain().observe(SITE, buildDelta(viewedTogether(4, ['a', 'c'])));
    expect(await neighboursOf('a')).toEqual(['c', 'b']);
    // an item on the far side of a new pair changes too
    expect(await neighboursOf('c')).toEqual(['a']);
  });

  it('a list kept in memory is the one the rebuild leaves, and the version moves when it ends', async () => {
    expect(await neighboursOf('e')).toEqual(['f']);
    const before = await brain().recommend({ site: SITE, context: 'product', item: 'e', limit: 3, views: [], recent: [], cart: [], bought: [], affinity: {} });
    // pairs written behind the brain's back (as a repaired store would be) reach serving only through the rebuild
    await runInDurableObject(brain(), (_, state) => {
      state.storage.sql.exec("INSERT INTO item_stats (item, views, view_sessions) VALUES ('d', 9, 9)");
      state.storage.sql.exec("INSERT INTO pairs (kind, a, b, n) VALUES ('view', 'd', 'e', 9)"); // one row per pair, a < b
    });
    expect(await neighboursOf('e')).toEqual(['f']);
    await brain().rebuild(SITE);
    expect(await neighboursOf('e')).toEqual(['d', 'f']);
    const after = await brain().recommend({ site: SITE, context: 'product', item: 'e', limit: 3, views: [], recent: [], cart: [], bought: [], affinity: {} });
    expect(after.model_version).not.toBe(before.model_version);
    expect(before.items.map((i) => i.item_id)).not.toContain('d');
    expect(after.items.map((i) => i.item_id)).toContain('d');
  });

  it('what followed an item follows the sessions that come in', async () => {
    expect(await rulesOf('b')).toEqual([]); // nothing came after b
    expect(await rulesOf('b')).toEqual([]); // now kept in memory
    await brain().observe(SITE, buildDelta(viewedTogether(2, ['b', 'd'])));
    expect(await rulesOf('b')).toEqual(['d']);
  });
});
