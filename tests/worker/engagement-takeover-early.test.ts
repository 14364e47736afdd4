// A page's later engagement report that replaces one applied early (a read applied the visitor
// ahead of the mark) counts no new row, and adds only the extra engaged time.
import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, TEST_SITE, makeEvent, post, storedEvents } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };
const profile = async (v: string) => (await exports.default.fetch(`${BASE}/v1/visitors/${v}/profile?site=${TEST_SITE.key}`, { headers: ADMIN })).json<any>();

describe('engagement takeover after an early apply', () => {
  it('counts the page once and the engaged time once', async () => {
    const v = 'visitor-takeover-early';
    const t = Date.now() - 120_000;
    const base = { visitor_id: v, session_id: 'sess-toe', page_id: 'page-toe-1' };
    await post({ events: [makeEvent({ ...base, ts: t }), makeEvent({ ...base, name: 'user_engagement', ts: t + 15_000, props: { engaged_ms: 10_000 } })] });
    expect((await profile(v)).lifetime.engaged_ms).toBe(10_000); // applied early, ahead of the alarm
    const stub = shardOf(env, (await findSite(env.DB, TEST_SITE.key))!, v);
    expect(await runInDurableObject(stub, (_s: VisitorShard, st) => st.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM applied_early').one().n)).toBeGreaterThan(0);
    await post({ events: [makeEvent({ ...base, name: 'user_engagement', ts: t + 30_000, props: { engaged_ms: 25_000 } })] });
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    expect((await profile(v)).lifetime.engaged_ms).toBe(25_000);
    expect((await storedEvents(v)).body.summary.events).toBe(2);
    expect(await runInDurableObject(stub, (s: VisitorShard) => s.status().pending)).toBe(0);
  });
});
