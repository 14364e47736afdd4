// A campaign assignment's time is the server's decision: a page's event stamped earlier (a wrong
// client clock, or an event sent late) must not date the assignment, or the exposure, back. Only
// history an admin imports (received at its own time) dates it back to its first impression.
import { describe, expect, it } from 'vitest';
import { makeEvent, postImport, settle } from './helpers';
import { assignment, create, decide, inShard, promotion, send, slotEvent, vid } from './campaigns-helpers';

const DAY = 86_400_000;

describe('a campaign assignment', () => {
  it('keeps the time of its decision when an impression is stamped before it', async () => {
    const c = await create(promotion(['at-slot'], { holdout: 0.5 }));
    const v = vid('visitor-assignment-time');
    const d = (await decide(`visitor=${v}&page=home&slots=at-slot`)).body.decisions[0];
    const decided = (await assignment(c.id, v)).assigned_at;
    // the page's clock is 29 days behind: a purchase then, and an impression of this decision
    const past = Date.now() - 29 * DAY;
    const base = { visitor_id: v, session_id: `session-${v}`.slice(0, 64) };
    const impression = (ts: number) => makeEvent({ ...base, ts, name: 'view_item_list', props: { campaign_id: c.id, variant: d.variant, decision_id: d.decision_id, items: [{ item_id: 'at-1' }] } });
    await send([makeEvent({ ...base, ts: past - 1_000, name: 'purchase', props: { transaction_id: 'at-order', value: 20 } }), impression(past)]);

    let row = await assignment(c.id, v);
    expect(row.assigned_at).toBe(decided);
    expect(row.first_exposed_at).toBe(decided); // an impression follows its decision
    expect(row.exposures).toBe(1);
    // the report's entry is the decision, and the purchase before it is no outcome
    const outcomes = await inShard<{ analysis: string; entry: number; stats: string }>(v, 'SELECT analysis, entry, stats FROM campaign_outcomes WHERE campaign_id = ? AND visitor_id = ?', c.id, v);
    expect(outcomes.map((o) => [o.analysis, o.entry]).sort()).toEqual([['itt', decided], ['triggered', decided]]);
    for (const o of outcomes) expect(JSON.parse(o.stats)).toMatchObject({ conv: 0 });

    // another early impression, and a later one: the times stay as they are
    await send([impression(past), impression(Date.now())]);
    row = await assignment(c.id, v);
    expect(row).toMatchObject({ assigned_at: decided, first_exposed_at: decided, exposures: 3 });
  });

  it('takes an impression after the decision at its own time', async () => {
    const c = await create(promotion(['at-later'], { holdout: 0.5 }));
    const v = vid('visitor-assignment-later');
    const d = (await decide(`visitor=${v}&page=home&slots=at-later`)).body.decisions[0];
    const decided = (await assignment(c.id, v)).assigned_at;
    const seen = Date.now() + 1;
    await send([slotEvent('view_promotion', v, d, { ts: seen })]);
    const row = await assignment(c.id, v);
    expect(row.assigned_at).toBe(decided);
    expect(row.first_exposed_at).toBeGreaterThanOrEqual(decided);
    expect(row.first_exposed_at).toBeLessThanOrEqual(seen);
  });

  it('dates back to the first impression of imported history', async () => {
    const c = await create(promotion(['at-import'], { holdout: 0.5, start: Date.now() - 20 * DAY }));
    const v = vid('visitor-assignment-import');
    const d = (await decide(`visitor=${v}&page=home&slots=at-import`)).body.decisions[0];
    const seen = Date.now() - 3 * DAY;
    const base = { visitor_id: v, session_id: `session-${v}`.slice(0, 64) };
    const imported = makeEvent({ ...base, ts: seen, name: 'view_promotion', props: { campaign_id: c.id, promotion_id: c.id, variant: d.variant, decision_id: d.decision_id, slot: 'at-import' } });
    expect((await postImport([imported])).body).toMatchObject({ accepted: 1 });
    await settle();
    expect(await assignment(c.id, v)).toMatchObject({ assigned_at: seen, first_exposed_at: seen, exposures: 1 });
  });
});
