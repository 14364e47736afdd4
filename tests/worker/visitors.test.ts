import { exports } from 'cloudflare:workers';
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, TEST_SITE, makeEvent, post, storedEvents } from './helpers';

describe('GET /v1/visitors/:id/events', () => {
  it('needs the admin key of the site', async () => {
    await post({ events: [makeEvent({ visitor_id: 'visitor-auth' })] });
    expect((await storedEvents('visitor-auth')).status).toBe(200);
    expect((await storedEvents('visitor-auth', 'wrong-key')).status).toBe(403);
    expect((await storedEvents('visitor-auth', TEST_SITE.readKey)).status).toBe(403);
    // another site's admin key does not open this site
    expect((await storedEvents('visitor-auth', 'other-admin-key')).status).toBe(403);
    const none = await exports.default.fetch(`${BASE}/v1/visitors/visitor-auth/events?site=test-shop`);
    expect(none.status).toBe(401);
    expect((await none.json<any>()).error).toMatch(/Authorization/);
  });

  it('keeps sites apart', async () => {
    await post({ events: [makeEvent({ visitor_id: 'visitor-shared-id' })] });
    const other = await storedEvents('visitor-shared-id', 'other-admin-key', 'other-shop');
    expect(other.status).toBe(200);
    expect(other.body.events).toHaveLength(0);
  });

  it('rejects malformed visitor ids and limits', async () => {
    expect((await storedEvents('bad id!')).status).toBe(400);
    const res = await exports.default.fetch(`${BASE}/v1/visitors/visitor-auth/events?site=test-shop&limit=0`, {
      headers: { authorization: `Bearer ${TEST_SITE.adminKey}` },
    });
    expect(res.status).toBe(400);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json<any>()).error).toMatch(/no route/);
  });
});

describe('storage', () => {
  it('persists events in the shard that owns the visitor', async () => {
    const e = makeEvent({ visitor_id: 'visitor-persist' });
    await post({ events: [e] });
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const stub = shardOf(env, site, 'visitor-persist');
    const rows = await runInDurableObject(stub, (_shard: VisitorShard, state) =>
      state.storage.sql.exec('SELECT event_id, visitor_id FROM events WHERE visitor_id = ?', 'visitor-persist').toArray(),
    );
    expect(rows).toEqual([{ event_id: e.event_id, visitor_id: 'visitor-persist' }]);
  });

  it('spreads visitors over the site\'s shards', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const ids = new Set(Array.from({ length: 64 }, (_, i) => shardOf(env, site, `visitor-spread-${i}`).id.toString()));
    expect(ids.size).toBe(TEST_SITE.shards);
  });
});
