// A row of an apply run that cannot be written (a state past the row size limit, say; a trigger
// stands in for it here) must not stop the shard: the run is undone, each visitor is written on
// its own, the events whose writes fail are quarantined, and the other visitors are scored.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { TEST_SITE, makeEvent, post } from './helpers';

describe('a visitor whose rows cannot be written', () => {
  it('is quarantined; the other visitors of its shard are still scored', async () => {
    const site = (await findSite(env.DB, TEST_SITE.key))!;
    const poison = 'visitor-write-poison';
    let bystander = 'visitor-write-by0';
    for (let i = 1; shardOf(env, site, bystander).id.toString() !== shardOf(env, site, poison).id.toString(); i++) bystander = `visitor-write-by${i}`;
    const stub = shardOf(env, site, poison);
    await post({ events: [makeEvent({ visitor_id: bystander, session_id: 'sess-by-1' })] }); // the shard knows its site
    await runDurableObjectAlarm(stub);
    await runInDurableObject(stub, (_s: VisitorShard, state) => {
      state.storage.sql.exec(`CREATE TRIGGER poison_session BEFORE INSERT ON sessions WHEN NEW.visitor_id = '${poison}'
        BEGIN SELECT RAISE(ABORT, 'row too big'); END`);
    });
    const res = await post({ events: [
      makeEvent({ visitor_id: poison, session_id: 'sess-poison', name: 'page_view' }),
      makeEvent({ visitor_id: bystander, session_id: 'sess-by-1', name: 'view_item', props: { item_id: 'sku-by' } }),
    ] });
    expect(res.status).toBe(202);
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    const status = await runInDurableObject(stub, (s: VisitorShard) => s.status());
    expect(status.pending).toBe(0);
    expect(status.quarantined).toBe(1);
    const productViews = await runInDurableObject(stub, (_s: VisitorShard, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT state ->> '$.productViews' AS n FROM profiles WHERE visitor_id = ?", bystander).one().n);
    expect(productViews).toBe(1);
  });
});
