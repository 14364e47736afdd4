// A campaign's life as a marketer meets it: what may change once it runs, what the reports call
// its status, and how long its data must span before a verdict (a start long ago is not data).
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { admin, armsOf, create, decide, promotion, visitorIn } from './campaigns-helpers';
import { BASE, TEST_SITE, makeEvent, postImport, settle } from './helpers';

const DAY = 86_400_000;

async function report(path: string) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/${path}${path.includes('?') ? '&' : '?'}site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
  return { status: res.status, body: await res.json<any>() };
}

describe('a running campaign', () => {
  it('keeps its outcome window: window_days cannot change once it has started', async () => {
    const c = await create(promotion(['life-window'], { start: Date.now() - DAY }));
    const res = await admin('PUT', `/${c.id}`, { window_days: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/window_days/);
    const scheduled = await create(promotion(['life-window-later'], { start: Date.now() + DAY }));
    expect((await admin('PUT', `/${scheduled.id}`, { window_days: 1 })).body.window_days).toBe(1);
  });

  it('refuses weights whose sum would not be a number, and days that do not exist', async () => {
    const huge = await admin('POST', '', promotion(['life-weights'], { variants: [{ name: 'a', weight: 1e308, content: { title: 'A', text: '' } }, { name: 'b', weight: 1e308, content: { title: 'B', text: '' } }] }));
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatch(/weight/);
    const bad = await admin('POST', '', promotion(['life-dates'], { start: '2026-02-31' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/start/);
    expect((await admin('POST', '', promotion(['life-dates'], { start: '2028-02-29T10:00:00Z' }))).status).toBe(201);
  });

  it('shows as ended in the reports once past its end, and a GET sent back keeps it able to run again', async () => {
    const c = await create(promotion(['life-end'], { start: Date.now() - 5 * DAY }));
    const ended = await admin('PUT', `/${c.id}`, { end: Date.now() - 1_000 });
    expect(ended.body).toMatchObject({ status: 'ended', live: false });
    expect((await report(`campaigns/${c.id}`)).body.campaign.status).toBe('ended');
    expect((await report('campaigns')).body.campaigns.find((x: any) => x.id === c.id).status).toBe('ended');
    // what GET answers, sent back as is: the derived status is not stored as the marketer's own
    const got = await admin('GET', `/${c.id}`);
    expect((await admin('PUT', `/${c.id}`, got.body)).status).toBe(200);
    expect((await admin('PUT', `/${c.id}`, { end: null })).body).toMatchObject({ status: 'active', live: true });
    // ended with a new end at once: the status sent is the marketer's own
    await admin('PUT', `/${c.id}`, { end: Date.now() - 500 });
    expect((await admin('PUT', `/${c.id}`, { status: 'ended', end: null })).body).toMatchObject({ status: 'ended', live: false });
  });

  it('reports from its start by default, also when only the range\'s end is given', async () => {
    const c = await create(promotion(['life-range'], { start: Date.now() - 40 * DAY }));
    const to = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const r = await report(`campaigns/${c.id}?to=${to}`);
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(new Date(c.start).toISOString().slice(0, 10));
  });
});

describe('intent-to-treat', () => {
  it('counts a visitor from the decision that assigns them, though they send nothing after it', async () => {
    const c = await create(promotion(['life-itt'], { holdout: 0.5 }));
    for (let i = 0; i < 6; i++) expect((await decide(`visitor=${visitorIn(armsOf(c), i % 2 ? 'a' : 'holdout', `life-itt-${i}`)}&page=home&slots=life-itt`)).status).toBe(200);
    const itt = (await report(`campaigns/${c.id}`)).body;
    expect(itt.arms.reduce((n: number, a: any) => n + a.visitors, 0)).toBe(6);
    expect(itt.arms.find((a: any) => a.variant === 'holdout').visitors).toBe(3);
    const triggered = (await report(`campaigns/${c.id}?analysis=triggered`)).body;
    expect(triggered.arms.reduce((n: number, a: any) => n + a.visitors, 0)).toBe(0); // no slot became viewable
  });
});

describe('the minimum duration', () => {
  it('counts the days the data spans, not the days since a start long ago', async () => {
    // started 20 days ago, but every visitor came in the last hours, with a large effect
    const c = await create(promotion(['life-guard'], { start: Date.now() - 20 * DAY, holdout: 0.5, variants: [{ name: 'a', weight: 1, content: { title: 'A', text: '' } }] }));
    const arms = armsOf(c);
    const events: unknown[] = [];
    const t = Date.now() - 2 * 3_600_000;
    for (let i = 0; i < 240; i++) {
      const arm = i % 2 ? 'a' : 'holdout';
      const v = visitorIn(arms, arm, `life-guard-${i}`);
      const d = (await decide(`visitor=${v}&page=home&slots=life-guard`)).body.decisions[0];
      const base = { visitor_id: v, session_id: `session-${v}`.slice(0, 64) };
      events.push(makeEvent({ ...base, ts: t, name: 'view_promotion', props: { promotion_id: c.id, campaign_id: c.id, variant: arm, decision_id: d.decision_id, slot: 'life-guard' } }));
      if ((arm === 'a' && i % 10 < 8) || (arm === 'holdout' && i % 10 === 0)) events.push(makeEvent({ ...base, ts: t + 60_000, name: 'purchase', props: { transaction_id: `life-${i}`, value: 20 } }));
    }
    for (let i = 0; i < events.length; i += 200) expect((await postImport(events.slice(i, i + 200))).body.rejected).toEqual([]);
    await settle();
    const r = (await report(`campaigns/${c.id}`)).body;
    const up = r.uplift.find((u: any) => u.variant === 'a' && u.metric === 'conversion_rate');
    expect(up.p_value).toBeLessThan(0.001); // the effect is there,
    expect(r.guards).toMatchObject({ min_duration_met: false }); // but hours of data are not a week
    expect(r.guards.days_of_data).toBeLessThan(1);
    // the days the dashboard waits for: at least what the minimum duration still needs
    expect(r.guards.min_days_remaining).toBeGreaterThan(6);
    expect(r.guards.days_running).toBeGreaterThan(19);
    expect(r.verdict).not.toBe('winning');
    const listed = (await report('campaigns')).body.campaigns.find((x: any) => x.id === c.id);
    expect(listed.days_of_data).toBeLessThan(1);
    expect(listed.headline?.verdict ?? listed.verdict).not.toBe('winning');
  });
});
