// Issue 9, part 1: attribution. Which campaigns a purchase followed, under last touch, first touch
// and linear credit; descriptive only. Pure credit rules first, then the route end to end, with
// expectations computed by hand: two campaigns touching one purchase, a purchase with no touch, a
// duplicate event, a late event.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { assignArm, type Arms } from '../../worker/src/campaigns/assignment';
import { creditPurchase, PURCHASE_UNITS, splitEvenly, visitorCredits } from '../../worker/src/reports/attribution';
import { armsOf, create, decide, promotion, vid } from './campaigns-helpers';
import { BASE, TEST_SITE, importEvents, makeEvent, settle } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('attribution credit', () => {
  it('splits whole units evenly, the remainder to the first', () => {
    expect(splitEvenly(10_001, 2)).toEqual([5_001, 5_000]);
    expect(splitEvenly(100, 3)).toEqual([34, 33, 33]);
    expect(splitEvenly(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('gives last touch, first touch and an exact linear split', () => {
    const touches = [{ campaignId: 'A', ts: 1 }, { campaignId: 'B', ts: 2 }, { campaignId: 'A', ts: 3 }, { campaignId: 'C', ts: 4 }];
    expect(creditPurchase(touches, 1_000, 'last')).toEqual([['C', PURCHASE_UNITS, 1_000]]);
    expect(creditPurchase(touches, 1_000, 'first')).toEqual([['A', PURCHASE_UNITS, 1_000]]);
    // three campaigns: 1000 cents = 334 + 333 + 333, in the order they first touched
    expect(creditPurchase(touches, 1_000, 'linear')).toEqual([['A', 240_240, 334], ['B', 240_240, 333], ['C', 240_240, 333]]);
    expect(creditPurchase([], 1_000, 'last')).toEqual([]);
  });

  it('counts touches of assigned, shown arms within the lookback, and a resent order once', () => {
    const at = Date.UTC(2026, 0, 10, 12);
    const ev = (name: string, ts: number, props: Record<string, unknown>) => ({ name, ts, props });
    const events = [
      ev('view_promotion', at - 8 * DAY, { campaign_id: 'A' }), // outside A's 7-day lookback
      ev('view_promotion', at - 2 * HOUR, { campaign_id: 'H' }), // the visitor is in H's holdout
      ev('select_promotion', at - HOUR, { campaign_id: 'X' }), // never assigned: a page's invention
      ev('view_promotion', at - HOUR, { campaign_id: 'B' }),
      ev('purchase', at, { transaction_id: 't1', value: 12.34 }),
      ev('purchase', at + 1, { transaction_id: 't1', value: 12.34 }), // the same order resent
    ];
    const arms = new Map([['A', 'a'], ['B', 'a'], ['H', 'holdout']]);
    const credits = visitorCredits(events, arms, () => 7 * DAY);
    expect(credits).toEqual([
      ['first', 'B', '2026-01-10', PURCHASE_UNITS, 1_234],
      ['last', 'B', '2026-01-10', PURCHASE_UNITS, 1_234],
      ['linear', 'B', '2026-01-10', PURCHASE_UNITS, 1_234],
    ]);
    // with a 9-day lookback A's old impression counts too
    const longer = visitorCredits(events, arms, () => 9 * DAY);
    expect(longer.filter((c) => c[0] === 'first')).toEqual([['first', 'A', '2026-01-10', PURCHASE_UNITS, 1_234]]);
    expect(longer.filter((c) => c[0] === 'linear')).toEqual([['linear', 'A', '2026-01-10', PURCHASE_UNITS / 2, 617], ['linear', 'B', '2026-01-10', PURCHASE_UNITS / 2, 617]]);
  });
});



async function attribution(query: string, key = TEST_SITE.readKey) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/attribution?site=${TEST_SITE.key}&${query}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The model's credit per campaign of `ids`: [purchases, revenue]. */
async function credit(model: string, ids: string[], day: string) {
  const r = await attribution(`model=${model}&from=${day}&to=${day}`);
  expect(r.status).toBe(200);
  const body = JSON.parse(r.text);
  return Object.fromEntries(ids.map((id) => {
    const c = body.campaigns.find((x: any) => x.id === id);
    return [id, c ? [c.purchases, c.revenue] : [0, 0]];
  }));
}

/** A visitor that both campaigns show their variant to (no holdout). */
function visitorInBoth(a: Arms, b: Arms, prefix: string) {
  for (let i = 0; i < 10_000; i++) {
    const id = vid(`${prefix}-${i}`);
    if (assignArm(a, id) !== 'holdout' && assignArm(b, id) !== 'holdout') return id;
  }
  throw new Error('no visitor');
}

describe('GET /v1/reports/attribution', () => {
  it('credits the campaigns that touched a purchase, once, however events arrive', async () => {
    const A = await create(promotion(['attr-a'], { start: Date.now() - 20 * DAY }));
    const B = await create(promotion(['attr-b'], { start: Date.now() - 20 * DAY }));
    const ids = [A.id, B.id];
    const t = Math.floor((Date.now() - 5 * DAY) / DAY) * DAY + 10 * HOUR; // 10:00 UTC, 5 days ago
    const day = new Date(t).toISOString().slice(0, 10);
    const both = visitorInBoth(armsOf(A), armsOf(B), 'attr-both');
    const untouched = visitorInBoth(armsOf(A), armsOf(B), 'attr-none');
    const dA = (await decide(`visitor=${both}&page=home&slots=attr-a,attr-b`)).body.decisions;
    await decide(`visitor=${untouched}&page=home&slots=attr-a,attr-b`);
    const slot = (name: 'view_promotion' | 'select_promotion', visitor: string, d: any, ts: number) =>
      makeEvent({ visitor_id: visitor, session_id: `s-${visitor}`, name, ts, props: { promotion_id: d.campaign, campaign_id: d.campaign, variant: d.variant, decision_id: d.decision_id, slot: d.slot } });
    const decA = dA.find((d: any) => d.campaign === A.id);
    const decB = dA.find((d: any) => d.campaign === B.id);
    const purchase = (visitor: string, ts: number, id: string, value: number) =>
      makeEvent({ visitor_id: visitor, session_id: `s-${visitor}`, name: 'purchase', ts, props: { transaction_id: id, value, currency: 'EUR' } });

    // A's impression, then B's click, then a purchase of 100.01; another visitor buys untouched.
    const events = [slot('view_promotion', both, decA, t), slot('select_promotion', both, decB, t + HOUR), purchase(both, t + 2 * HOUR, 'attr-t1', 100.01), purchase(untouched, t + 2 * HOUR, 'attr-t2', 55)];
    await importEvents(events);
    await settle();
    expect(await credit('last', ids, day)).toEqual({ [A.id]: [0, 0], [B.id]: [1, 100.01] });
    expect(await credit('first', ids, day)).toEqual({ [A.id]: [1, 100.01], [B.id]: [0, 0] });
    // linear: half each; 10,001 cents = 5,001 (A touched first) + 5,000
    expect(await credit('linear', ids, day)).toEqual({ [A.id]: [0.5, 50.01], [B.id]: [0.5, 50] });

    // the same events again, and the order resent under a new event id: nothing changes
    expect(await importEvents(events)).toMatchObject({ accepted: 0, duplicates: events.length });
    await importEvents([purchase(both, t + 2 * HOUR + 5_000, 'attr-t1', 100.01)]);
    await settle();
    expect(await credit('last', ids, day)).toEqual({ [A.id]: [0, 0], [B.id]: [1, 100.01] });
    expect(await credit('linear', ids, day)).toEqual({ [A.id]: [0.5, 50.01], [B.id]: [0.5, 50] });

    // late events, stamped before the purchases: A's impression between B's click and the first
    // purchase takes its last touch; one for the untouched visitor gives A that purchase too
    await importEvents([slot('view_promotion', both, decA, t + 90 * 60_000)]);
    const decU = (await decide(`visitor=${untouched}&page=home&slots=attr-a`)).body.decisions[0];
    await importEvents([slot('view_promotion', untouched, decU, t + HOUR)]);
    await settle();
    expect(await credit('last', ids, day)).toEqual({ [A.id]: [2, 155.01], [B.id]: [0, 0] });
    expect(await credit('first', ids, day)).toEqual({ [A.id]: [2, 155.01], [B.id]: [0, 0] });
    expect(await credit('linear', ids, day)).toEqual({ [A.id]: [1.5, 105.01], [B.id]: [0.5, 50] });
  });

  it('answers CSV, checks its model and needs the read key', async () => {
    const csv = await attribution('model=linear&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('campaign_id,name,model,purchases,revenue');
    expect((await attribution('model=shapley')).status).toBe(400);
    expect(JSON.parse((await attribution('')).text).model).toBe('last');
    expect((await attribution('', TEST_SITE.key)).status).toBe(403);
  });
});
