// Issue 10: a visitor's export and erasure everywhere (shard, R2 archive, recommender), the raw
// archive per day, retention, and URLs without their query strings.
import { exports } from 'cloudflare:workers';
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { archiveKey } from '../../worker/src/privacy/archive';
import { ipHash } from '../../worker/src/privacy/ip-hash';
import { shardByIndex, shardIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, TEST_SITE, importEvents, makeEvent, post, storedEvents } from './helpers';

const DAY = 86_400_000;
const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };


describe("a visitor's data", () => {
  it('is exported whole, then erased everywhere, leaving the others and the rollups', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const me = 'visitor-erase-me';
    const other = 'visitor-erase-other';
    const shard = shardIndex(site, me);
    // a neighbour in the same shard, whose archive lines must stay
    let n = 0;
    let neighbour = other;
    while (shardIndex(site, neighbour) !== shard) neighbour = `visitor-erase-other-${++n}`;
    const t = Date.now() - 3 * DAY;
    const mine = [makeEvent({ visitor_id: me, ts: t, url: 'https://shop.example/p?email=a@b.example&utm_source=news' }), makeEvent({ visitor_id: me, ts: t + 1000, name: 'purchase', props: { transaction_id: 'o1', value: 12.5 } })];
    await importEvents([...mine, makeEvent({ visitor_id: neighbour, ts: t + 2000 })]);

    // the archive of that day holds both visitors; the URL kept no e-mail address
    const stub = shardByIndex(env, site, shard);
    const run = await stub.archive(shard, 0);
    const day = new Date(t).toISOString().slice(0, 10);
    expect(run.archived).toContain(day);
    const archived = await (await env.ARCHIVE.get(archiveKey(site.key, day, String(shard))))!.text();
    expect(archived).toContain(me);
    expect(archived).toContain(neighbour);
    expect(archived).not.toContain('email');
    expect(archived).toContain('utm_source=news');

    const exported = await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}/export?site=${TEST_SITE.key}`, { headers: ADMIN });
    expect(exported.status).toBe(200);
    const data = (await exported.json<any>()).data;
    expect(data.events.map((e: any) => e.event_id).sort()).toEqual(mine.map((e) => e.event_id).sort());
    expect(data.profiles[0].state.purchases).toBe(1);
    expect(data.visitors[0].visitor_id).toBe(me);
    // the read key cannot export, the site key neither
    expect((await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}/export?site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } })).status).toBe(403);

    const erased = await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}?site=${TEST_SITE.key}`, { method: 'DELETE', headers: ADMIN });
    expect(erased.status).toBe(200);
    expect(await erased.json<any>()).toMatchObject({ erased: true, archives_rewritten: 1 });
    expect((await storedEvents(me)).body.events).toEqual([]);
    expect((await exports.default.fetch(`${BASE}/v1/admin/visitors/${me}/export?site=${TEST_SITE.key}`, { headers: ADMIN })).status).toBe(404);
    const after = await (await env.ARCHIVE.get(archiveKey(site.key, day, String(shard))))!.text();
    expect(after).not.toContain(me);
    expect(after).toContain(neighbour);
    expect((await storedEvents(neighbour)).body.events).toHaveLength(1);
  });

  it('keeps raw events for the retention period only, and only once archived', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const v = 'visitor-retention';
    const shard = shardIndex(site, v);
    await importEvents([makeEvent({ visitor_id: v, ts: Date.now() - 40 * DAY }), makeEvent({ visitor_id: v, ts: Date.now() - 2 * DAY })]);
    const stub = shardByIndex(env, site, shard);
    const run = await stub.archive(shard, 30);
    expect(run.purged).toBeGreaterThanOrEqual(1);
    const left = (await storedEvents(v)).body.events;
    expect(left).toHaveLength(1);
    expect(left[0].ts).toBeGreaterThan(Date.now() - 3 * DAY);
    // the purged day's range of arrival goes with its events; the kept day's stays
    const days = await runInDurableObject(stub, (_s: VisitorShard, state) => state.storage.sql.exec<{ day: number }>('SELECT day FROM event_days').toArray().map((r) => r.day));
    expect(days).not.toContain(Math.floor((Date.now() - 40 * DAY) / DAY));
    expect(days).toContain(Math.floor(left[0].ts / DAY));
  });

  it("purges the quarantine's errors and the dropped-event reports by the same retention", async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const v = 'visitor-retention-diagnostics';
    const shard = shardIndex(site, v);
    expect((await post({ events: [makeEvent({ visitor_id: v })], dropped: 3 })).status).toBe(202);
    const stub = shardByIndex(env, site, shard);
    const old = Date.now() - 40 * DAY;
    const rows = () => runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      const of = (table: string) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE visitor_id = ?`, v).one().n;
      return { quarantine: of('quarantine'), dropped: of('dropped_reports') };
    });
    await runInDurableObject(stub, (_s: VisitorShard, state) => {
      const sql = state.storage.sql;
      sql.exec('INSERT INTO quarantine (event_id, visitor_id, error, at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', 'old-error', v, 'Error: old', old, 'new-error', v, 'Error: new', Date.now());
      sql.exec('INSERT INTO dropped_reports (visitor_id, batch, count, at) VALUES (?, ?, ?, ?)', v, 'old-batch', 5, old);
    });
    expect(await rows()).toEqual({ quarantine: 2, dropped: 2 });
    await stub.archive(shard, 30);
    // the 40-day-old rows went; this week's stay, and the visitor's count of dropped events with them
    expect(await rows()).toEqual({ quarantine: 1, dropped: 1 });
    expect((await storedEvents(v)).body.summary.dropped).toBe(3);
  });

  it('stores a clicked link without its query string or fragment, whoever sent it', async () => {
    // the SDK strips them; a page's own `linger('track', 'click', …)` or a script may not
    const me = 'visitor-link-url';
    const res = await post({ events: [makeEvent({ visitor_id: me, name: 'click', props: { element: 'a', link_url: 'https://shop.example/reset?token=s3cret&email=a@b.example#top' } })] });
    expect(res.status).toBe(202);
    const [click] = (await storedEvents(me)).body.events;
    expect(click.props.link_url).toBe('https://shop.example/reset');
  });

  it('keeps a day\'s IP salt for that day and the next only', async () => {
    const day = Date.parse('2031-03-10T12:00:00Z');
    const salts = async () => (await env.DB.prepare("SELECT day FROM daily_salts WHERE day >= '2031-03-01' ORDER BY day").all<{ day: string }>()).results.map((r) => r.day);
    for (let k = 0; k < 3; k++) await ipHash(env.DB, TEST_SITE.key, '203.0.113.7', day + k * DAY);
    // made on the 10th, 11th and 12th: the 10th's went with the first request of the 12th
    expect(await salts()).toEqual(['2031-03-11', '2031-03-12']);
  });

  it('keeps no credentials of a URL, in the page address, the referrer or a clicked link', async () => {
    const me = 'visitor-url-credentials';
    const event = makeEvent({ visitor_id: me, name: 'click', url: 'https://ann:pw1@shop.example/p/1?utm_source=x', referrer: 'https://bob:pw2@ref.example/', props: { element: 'a', link_url: 'https://cat:pw3@shop.example/account?x=1' } });
    expect((await post({ events: [event] })).status).toBe(202);
    const [click] = (await storedEvents(me)).body.events;
    expect([click.url, click.referrer, click.props.link_url]).toEqual(['https://shop.example/p/1?utm_source=x', 'https://ref.example/', 'https://shop.example/account']);
  });
});
