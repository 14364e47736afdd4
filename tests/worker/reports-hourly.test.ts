// Issue 9, part 2: the hour view of today. A campaign report broken down by hour shows the hours
// of today (entries of earlier days stay out), and the overview's hourly view counts today's
// visitors, sessions, orders and revenue per hour; both checked against what was sent.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { armsOf, create, decide, promotion, visitorIn } from './campaigns-helpers';
import { BASE, TEST_SITE, importEvents, makeEvent } from './helpers';

const MINUTE = 60_000;
const DAY = 86_400_000;
const hourOf = (ms: number) => `${new Date(ms).toISOString().slice(0, 13)}:00`;


async function report(path: string) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/${path}&site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
  return { status: res.status, text: await res.text() };
}

describe('the hour view of today', () => {
  it('breaks a campaign down by the hours of today', async () => {
    const now = Date.now();
    const midnight = Math.floor(now / DAY) * DAY;
    const campaign = await create(promotion(['hourly-slot'], { start: now - 3 * DAY, holdout: 0.5, variants: [{ name: 'a', weight: 1, content: { title: 'A', text: 'a' } }] }));
    const arms = armsOf(campaign);
    // entries: two at 00:05 today, one a minute ago, one yesterday (not in today's hours)
    const entries = [midnight + 5 * MINUTE, midnight + 6 * MINUTE, now - MINUTE, midnight - 3 * 60 * MINUTE];
    const expected = new Map<string, Map<string, { visitors: number; conversions: number }>>();
    const events: unknown[] = [];
    for (const [i, ts] of entries.entries()) {
      const arm = i % 2 ? 'a' : 'holdout';
      const visitor = visitorIn(arms, arm, `hourly-${i}`);
      const d = (await decide(`visitor=${visitor}&page=home&slots=hourly-slot`)).body.decisions[0];
      const base = { visitor_id: visitor, session_id: `s-${visitor}` };
      events.push(makeEvent({ ...base, ts, name: 'view_promotion', props: { promotion_id: campaign.id, campaign_id: campaign.id, variant: arm, decision_id: d.decision_id, slot: 'hourly-slot' } }));
      const buys = i < 2;
      if (buys) events.push(makeEvent({ ...base, ts: ts + 1_000, name: 'purchase', props: { transaction_id: `hourly-t${i}`, value: 20 } }));
      if (ts < midnight) continue;
      const hour = expected.get(hourOf(ts)) ?? new Map();
      const cell = hour.get(arm) ?? { visitors: 0, conversions: 0 };
      cell.visitors++;
      if (buys) cell.conversions++;
      hour.set(arm, cell);
      expected.set(hourOf(ts), hour);
    }
    await importEvents(events);

    const r = await report(`campaigns/${campaign.id}?analysis=triggered&breakdown=hour`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.breakdown.by).toBe('hour');
    expect(body.breakdown.day).toBe(new Date(now).toISOString().slice(0, 10));
    expect(body.breakdown.rows.map((x: any) => x.key)).toEqual([...expected.keys()].sort());
    for (const row of body.breakdown.rows) {
      const want = expected.get(row.key)!;
      expect(Object.fromEntries(row.arms.map((a: any) => [a.variant, { visitors: a.visitors, conversions: a.conversions }]))).toEqual(Object.fromEntries(want));
    }
    // the whole campaign still counts yesterday's visitor
    expect(body.arms.reduce((n: number, a: any) => n + a.visitors, 0)).toBe(4);
    const csv = await report(`campaigns/${campaign.id}?analysis=triggered&breakdown=hour&format=csv`);
    expect(csv.text.split('\r\n')[0]).toBe('hour,variant,visitors,conversions,conversion_rate,revenue,uplift_absolute,ci_low,ci_high,p_value');
  });

  it('gives the overview of today by the hour', async () => {
    const now = Date.now();
    const midnight = Math.floor(now / DAY) * DAY;
    const today = new Date(now).toISOString().slice(0, 10);
    const before = JSON.parse((await report(`overview?granularity=hour`)).text).hourly as any[];
    const at = midnight + 20 * MINUTE;
    await importEvents([
      makeEvent({ visitor_id: 'hourly-o1', session_id: 'hourly-o1-s', ts: at, name: 'page_view' }),
      makeEvent({ visitor_id: 'hourly-o1', session_id: 'hourly-o1-s', ts: at + 1_000, name: 'purchase', props: { transaction_id: 'hourly-o1-t', value: 12.34 } }),
      makeEvent({ visitor_id: 'hourly-o2', session_id: 'hourly-o2-s', ts: at + 2_000, name: 'page_view' }),
      makeEvent({ visitor_id: 'hourly-o2', session_id: 'hourly-o2-s2', ts: midnight - DAY / 2, name: 'page_view' }), // yesterday: not in today's hours
    ]);
    const r = await report(`overview?granularity=hour`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.granularity).toBe('hour');
    expect(body.hourly).toHaveLength(new Date(now).getUTCHours() + 1);
    expect(body.hourly[0].hour).toBe(`${today}T00:00`);
    const was = before[0];
    expect(body.hourly[0]).toMatchObject({ visitors: was.visitors + 2, sessions: was.sessions + 2, orders: was.orders + 1 });
    expect(body.hourly[0].revenue).toBeCloseTo(was.revenue + 12.34, 2);
    // the hours sum to no more than the day (other tests add events at other times of today)
    const day = body.daily.find((d: any) => d.day === today);
    expect(body.hourly.reduce((n: number, h: any) => n + h.orders, 0)).toBe(day.orders);
    expect((await report('overview?granularity=minute')).status).toBe(400);
  });
});
