// Retraining on degenerate data keeps serving what served; one hostile visitor cannot poison
// a shop's models; each step's outcome is visible to the admin.
import { exports } from 'cloudflare:workers';
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from '../../worker/src/ml/folds';
import { predictIntent } from '../../worker/src/ml/calibrated-intent';
import { clipRow } from '../../worker/src/ml/robust';
import { seededRandom } from '../../worker/src/ml/random';
import { assignSegment, trainSegments } from '../../worker/src/scoring/segments';
import { trainIntent } from '../../worker/src/training';
import { BASE, TEST_SITE, makeEvent, post } from './helpers';

const ADMIN = { authorization: `Bearer ${TEST_SITE.adminKey}` };

/** Sessions like a shop's: buyers view more, add to cart and check out more often. */
function sessions(n: number, seed = 3) {
  const r = seededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const buys = r() < 0.2 ? 1 : 0;
    const row = Array.from({ length: 19 }, () => Math.round(r() * 3));
    row[1] = Math.round(r() * 4 + buys * 4); // product views
    row[8] = buys && r() < 0.8 ? 1 : Math.round(r() * 0.6); // cart adds
    row[10] = buys && r() < 0.7 ? 1 : 0; // checkout
    x.push(row);
    y.push(buys);
  }
  return { x, y };
}

/** Visitors' segment features: three kinds of visitor. */
function visitors(n: number, seed = 5) {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 3;
    return [1 + kind * 2 + r(), kind === 2 ? 1 + Math.round(r()) : 0, kind === 2 ? Math.log1p(50 + r() * 50) : 0, 2 + kind * 3 + r(), 1 + kind * 2 + r(), 0.5 + kind + r(), kind === 1 ? 1 + r() : r() * 0.2, r() * 0.3, r() * 0.5, 1 + r() * 20];
  });
}

const hostileSession = [1e6, 1e6, 1e6, 1e3, 86_400, 86_400, 1e6, 1e6, 1e6, 1e6, 1, 1, 1, 23, 6, 1e6, 30, 1e6, 1e9];
const hostileVisitor = [1e6, 1e6, Math.log1p(1e9 * 1e6), 1e6, 1e6, 1440, 1e6, 1e6, 1, 0];

describe('degenerate training data', () => {
  it('never makes more folds than rows, nor an empty fold', () => {
    for (const [n, k] of [[3, 5], [1, 5], [7, 5], [10, 0]]) {
      const folds = stratifiedFolds(Array.from({ length: n }, (_, i) => i % 2), k);
      expect(folds.length).toBeLessThanOrEqual(Math.max(1, n));
      expect(folds.every((f) => f.length > 0)).toBe(true);
      expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('skips, and does not throw, when every session bought, when none did, and with too few rows', () => {
    const { x } = sessions(150);
    expect(trainIntent({ x, y: x.map(() => 1) })).toEqual({ skipped: 'needs sessions without a purchase too; has 0' });
    expect(trainIntent({ x, y: x.map(() => 0) })).toHaveProperty('skipped');
    expect(trainIntent({ x: x.slice(0, 4), y: [1, 0, 1, 0] })).toHaveProperty('skipped');
    // one session without a purchase: too few for two folds of each class
    expect(trainIntent({ x, y: x.map((_, i) => (i === 0 ? 0 : 1)) })).toHaveProperty('skipped');
  });

  it('trains a finite model on constant features', () => {
    const { y } = sessions(150);
    const trained = trainIntent({ x: y.map(() => Array(19).fill(2)), y });
    if ('skipped' in trained) throw new Error(trained.skipped);
    expect(Number.isFinite(predictIntent(trained.model, Array(19).fill(2)))).toBe(true);
  });
});

describe('one hostile visitor among normal ones', () => {
  it('leaves the intent model finite and close to the one trained without it', () => {
    const normal = sessions(300);
    const clean = trainIntent(normal);
    const poisoned = trainIntent({ x: [...normal.x, hostileSession, hostileSession.map(() => NaN), [...hostileSession.slice(1), Infinity]], y: [...normal.y, 1, 1, 0] });
    if ('skipped' in clean || 'skipped' in poisoned) throw new Error('expected models');
    expect(poisoned.sessions).toBe(301); // the non-finite rows were left out
    expect(poisoned.kind).toBe(clean.kind);
    const diffs = normal.x.map((row) => Math.abs(predictIntent(clean.model, clipRow(clean.clip, row)) - predictIntent(poisoned.model, clipRow(poisoned.clip, row))));
    expect(diffs.every(Number.isFinite)).toBe(true);
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(0.02);
    expect(Number.isFinite(predictIntent(poisoned.model, clipRow(poisoned.clip, hostileSession)))).toBe(true);
  }, 60_000);

  it('leaves segments and RFM cuts finite and the same as without it', () => {
    const rows = visitors(150);
    const buyers = rows.filter((r) => r[1] > 0).map((r, i) => ({ days: 1 + (i % 30), purchases: r[1], revenue: Math.expm1(r[2]) }));
    const clean = trainSegments(rows, buyers)!;
    const poisoned = trainSegments([...rows, hostileVisitor, hostileVisitor.map(() => NaN)], [...buyers, { days: -1e9, purchases: 1e6, revenue: 1e15 }, { days: NaN, purchases: 1, revenue: 1 }])!;
    expect(poisoned).not.toBeNull();
    expect(JSON.stringify(poisoned)).not.toMatch(/null|NaN|Infinity/);
    expect(poisoned.names.length).toBe(clean.names.length);
    const same = rows.filter((r) => assignSegment(clean, r).segment === assignSegment(poisoned, r).segment).length;
    expect(same / rows.length).toBeGreaterThanOrEqual(0.97);
    for (const k of ['recencyDays', 'frequency', 'monetary'] as const) {
      poisoned.rfm![k].forEach((cut, i) => expect(Math.abs(cut - clean.rfm![k][i])).toBeLessThanOrEqual(Math.abs(clean.rfm![k][i]) * 0.25 + 1));
    }
    const hostile = assignSegment(poisoned, hostileVisitor);
    expect(Object.values(hostile.memberships).every(Number.isFinite)).toBe(true);
  });
});

describe('retraining steps', () => {
  async function retrain() {
    const res = await exports.default.fetch(`${BASE}/v1/admin/retrain?site=${TEST_SITE.key}`, { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(200);
    return res.json<any>();
  }
  const status = async () => {
    const res = await exports.default.fetch(`${BASE}/v1/admin/models?site=${TEST_SITE.key}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    return res.json<any>();
  };

  it('runs segments and recs when every session bought, and shows each step to the admin', async () => {
    const events: any[] = [];
    const old = Date.now() - 3 * 3_600_000;
    for (let i = 0; i < 120; i++) {
      const v = `visitor-allbuy-${String(i).padStart(3, '0')}`;
      const s = `session-allbuy-${i}`;
      events.push(makeEvent({ visitor_id: v, session_id: s, ts: old + i, name: 'view_item', props: { item_id: `sku-${i % 7}`, item_category: 'Shoes' } }));
      // engaged time: only sessions that look like people's teach the recommender (bots/session-watch.ts)
      events.push(makeEvent({ visitor_id: v, session_id: s, ts: old + i, name: 'user_engagement', props: { engaged_ms: 5_000 } }));
      events.push(makeEvent({ visitor_id: v, session_id: s, ts: old + i + 1, name: 'purchase', props: { transaction_id: `t-${i}`, value: 10 + (i % 5), items: [{ item_id: `sku-${i % 7}` }] } }));
    }
    for (let i = 0; i < events.length; i += 50) expect((await post({ events: events.slice(i, i + 50) })).status).toBe(202);
    const report = await retrain();
    expect(report.intent).toEqual({ skipped: 'needs sessions without a purchase too; has 0' });
    expect(report.segments.version).toBe(1);
    expect(report.recommender.items).toBe(7);
    const s = await status();
    expect(s.models.intent).toEqual({ version: 0, kind: 'prior' });
    expect(s.models.segments.version).toBe(1);
    for (const step of ['intent', 'segments', 'recs']) {
      expect(s.training[step].last_run).toBeGreaterThan(Date.now() - 60_000);
      expect(s.training[step].last_error).toBeNull();
    }
    expect(s.ingest).toMatchObject({ pending: 0, quarantined: 0, unreachable_shards: 0 });
  }, 60_000);

  it('records a failing step and still runs the others; the last good model keeps serving', async () => {
    await env.DB.prepare('ALTER TABLE models RENAME TO models_away').run();
    let report: any;
    try {
      report = await retrain();
    } finally {
      await env.DB.prepare('ALTER TABLE models_away RENAME TO models').run();
    }
    expect(report.segments.error).toMatch(/no such table: models/);
    expect(report.recommender.items).toBe(7);
    const s = await status();
    expect(s.models.segments.version).toBe(1);
    expect(s.training.segments.last_error).toMatch(/no such table: models/);
    expect(s.training.segments.last_error_at).toBeGreaterThanOrEqual(s.training.segments.last_ok);
    expect(s.training.recs.last_error).toBeNull();
  }, 60_000);

  it('needs the admin key', async () => {
    const res = await exports.default.fetch(`${BASE}/v1/admin/models?site=${TEST_SITE.key}`, { headers: { authorization: `Bearer ${TEST_SITE.readKey}` } });
    expect(res.status).toBe(403);
  });
});
