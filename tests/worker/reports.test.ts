// Issue 9: campaign reports from rollups. Visitors are assigned through /v1/decide, their exposures
// and purchases come in through the admin import route (backdated), and the report's numbers are
// checked against what was sent.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { armsOf, create, decide, promotion, visitorIn } from './campaigns-helpers';
import { BASE, TEST_SITE, makeEvent, postImport, settle } from './helpers';

const DAY = 86_400_000;


async function report(path: string, key = TEST_SITE.readKey) {
  const res = await exports.default.fetch(`${BASE}/v1/reports/${path}${path.includes('?') ? '&' : '?'}site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}


describe('the import route', () => {
  it('keeps backdated timestamps for the admin key only, up to 400 days', async () => {
    const old = Date.now() - 90 * DAY;
    const ok = await postImport([makeEvent({ visitor_id: 'visitor-import', ts: old }), makeEvent({ visitor_id: 'visitor-import', ts: Date.now() - 500 * DAY })]);
    expect(ok.status).toBe(202);
    expect(ok.body.accepted).toBe(1);
    expect(ok.body.rejected[0]).toMatchObject({ index: 1 });
    expect(ok.body.rejected[0].reason).toMatch(/400 days old/);
    expect((await postImport([makeEvent()], TEST_SITE.readKey)).status).toBe(403);
    expect((await postImport([makeEvent()], TEST_SITE.key)).status).toBe(403);
  });
});

describe('campaign reports', () => {
  it('count each visitor once per arm, with conversions and revenue after entry only', async () => {
    const campaign = await create(promotion(['report-slot'], { start: Date.now() - 20 * DAY, holdout: 0.5, variants: [{ name: 'a', weight: 1, content: { title: 'A', text: 'a' } }] }));
    const arms = armsOf(campaign);
    const start = Date.now() - 10 * DAY;
    const expected = { holdout: { n: 0, conv: 0, rev: 0 }, a: { n: 0, conv: 0, rev: 0 } };
    const events: unknown[] = [];
    for (let i = 0; i < 24; i++) {
      const arm = i % 2 ? 'a' : 'holdout';
      const visitor = visitorIn(arms, arm, `rv${i}`);
      const d = (await decide(`visitor=${visitor}&page=home&slots=report-slot`)).body.decisions[0];
      expect(d.variant).toBe(arm);
      const t = start + i * 3_600_000;
      const base = { visitor_id: visitor, session_id: `session-${visitor}` };
      // a purchase before entry does not count; one after does, for a third of the visitors
      events.push(makeEvent({ ...base, ts: t - DAY, name: 'purchase', props: { transaction_id: `pre-${i}`, value: 99 } }));
      events.push(makeEvent({ ...base, ts: t, name: 'view_promotion', props: { promotion_id: campaign.id, campaign_id: campaign.id, variant: arm, decision_id: d.decision_id, slot: 'report-slot' } }));
      if (i % 3 === 0) {
        const value = 10 + i + 0.25;
        events.push(makeEvent({ ...base, ts: t + 3_600_000, name: 'purchase', props: { transaction_id: `t-${i}`, value } }));
        expected[arm].conv++;
        expected[arm].rev += value;
      }
      expected[arm].n++;
    }
    const sent = await postImport(events);
    expect(sent.body).toMatchObject({ accepted: events.length, rejected: [] });
    // the same events again change nothing
    expect((await postImport(events)).body).toMatchObject({ accepted: 0, duplicates: events.length });
    await settle();

    for (const analysis of ['itt', 'triggered']) {
      const r = await report(`campaigns/${campaign.id}?analysis=${analysis}&breakdown=device`);
      expect(r.status).toBe(200);
      const body = JSON.parse(r.text);
      for (const arm of ['holdout', 'a'] as const) {
        const got = body.arms.find((x: any) => x.variant === arm);
        expect(got).toMatchObject({ visitors: expected[arm].n, conversions: expected[arm].conv, impressions: expected[arm].n });
        expect(got.revenue).toBeCloseTo(expected[arm].rev, 2);
        expect(got.conversion_rate).toBeCloseTo(expected[arm].conv / expected[arm].n, 12);
      }
      const up = body.uplift.find((u: any) => u.metric === 'conversion_rate');
      expect(up.absolute).toBeCloseTo(expected.a.conv / expected.a.n - expected.holdout.conv / expected.holdout.n, 12);
      expect(up.ci_low).toBeLessThan(up.absolute);
      expect(up.ci_high).toBeGreaterThan(up.absolute);
      expect(body.warnings.map((w: any) => w.code)).toContain('min_visitors');
      expect(body.breakdown.by).toBe('device');
      expect(body.breakdown.rows.map((x: any) => x.key)).toEqual(['desktop']);
      expect(body.funnel.arms.find((a: any) => a.variant === 'a').counts[3]).toBe(expected.a.conv);
    }

    const list = JSON.parse((await report('campaigns?analysis=triggered')).text);
    const mine = list.campaigns.find((c: any) => c.id === campaign.id);
    expect(mine.arms.find((a: any) => a.variant === 'a').visitors).toBe(expected.a.n);
    expect(mine.headline).toMatchObject({ variant: 'a', metric: 'conversion_rate' });
    expect(mine.headline.q_value).toBeGreaterThanOrEqual(mine.headline.seq_p_value ?? 0);

    const csv = await report(`campaigns/${campaign.id}?breakdown=variant&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('variant,variant,visitors,conversions,conversion_rate,revenue,uplift_absolute,ci_low,ci_high,p_value');

    const overview = JSON.parse((await report(`overview?from=${new Date(start - 2 * DAY).toISOString().slice(0, 10)}`)).text);
    expect(overview.totals.orders).toBeGreaterThanOrEqual(24 + expected.a.conv + expected.holdout.conv);
    expect(overview.totals.visitors).toBeGreaterThanOrEqual(24);
  });

  it('need the read key (or the admin key), never the site key', async () => {
    expect((await report('campaigns')).status).toBe(200);
    expect((await report('campaigns', TEST_SITE.adminKey)).status).toBe(200);
    expect((await report('campaigns', TEST_SITE.key)).status).toBe(403);
    expect((await report('campaigns', 'other-read-key')).status).toBe(403);
    expect((await report('overview?from=2026-13-01')).status).toBe(400);
    expect((await report('overview?from=2026-02-31')).status).toBe(400);
    expect((await report('campaigns/nope')).status).toBe(404);
  });
});
