// Shared by the campaign and decide tests: admin calls, decide calls, campaign fixtures, and
// visitors picked by the arm the hash gives them.
import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { createHash } from 'node:crypto';
import { assignArm, type Arms } from '../../worker/src/campaigns/assignment';
import { shardOf } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { VisitorShard } from '../../worker/src/visitor-shard';
import { BASE, ORIGIN, TEST_SITE, makeEvent, post } from './helpers';

export const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36';
export const MOBILE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1';

export async function admin(method: string, path: string, body?: unknown, init: { key?: string | null; site?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? TEST_SITE.adminKey}`;
  const sep = path.includes('?') ? '&' : '?';
  const res = await exports.default.fetch(`${BASE}/v1/admin/campaigns${path}${sep}site=${init.site ?? TEST_SITE.key}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json<any>()) as any };
}

/** Creates a campaign and returns it as the API answers; fails the test on anything but 201. */
export async function create(definition: Record<string, unknown>) {
  const res = await admin('POST', '', definition);
  if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let counter = 0;
/** A valid promotion on `slots`, live from an hour ago. */
export function promotion(slots: string[], over: Record<string, unknown> = {}) {
  counter++;
  return {
    name: `Promotion ${counter}`,
    type: 'promotion',
    slots,
    start: Date.now() - 3_600_000,
    priority: 0,
    holdout: 0.1,
    variants: [
      { name: 'a', weight: 1, content: { title: 'Save with {code}', text: '10 % off {category} today', code: 'SAVE10', link: '/sale', image: '/img/sale.png', cta: 'Shop now' } },
      { name: 'b', weight: 1, content: { title: 'Free shipping', text: 'On every order', link: 'https://shop.example/shipping' } },
    ],
    ...over,
  };
}

/** GET /v1/decide, with the visitor's token when the visitor came from `vid`. */
export async function decide(query: string, init: { origin?: string | null; ua?: string; site?: string } = {}) {
  const headers: Record<string, string> = { 'user-agent': init.ua ?? DESKTOP_UA };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  const token = tokens.get(new URLSearchParams(query).get('visitor') ?? '');
  const res = await exports.default.fetch(`${BASE}/v1/decide?site=${init.site ?? TEST_SITE.key}&${query}${token ? `&token=${token}` : ''}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json<any>()) as any };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const tokens = new Map<string, string>();

/**
 * The visitor id of a browser labelled `label`, with a secret token of its own that decide calls
 * send, as the SDK does (worker/src/access/visitor-token.ts).
 */
export function vid(label: string): string {
  const token = sha256(label).slice(0, 32);
  const id = sha256(`linger-visitor:${token}`).slice(0, 32);
  tokens.set(id, token);
  return id;
}

/** The first visitor `${prefix}-N` that the hash puts in `arm` of the campaign. */
export function visitorIn(campaign: Arms, arm: string, prefix: string): string {
  for (let i = 0; i < 10_000; i++) {
    const id = vid(`${prefix}-${String(i).padStart(4, '0')}`);
    if (assignArm(campaign, id) === arm) return id;
  }
  throw new Error(`no visitor in arm ${arm}`);
}

/** The campaign's stored arms (what assignArm reads) from the API's answer. */
export const armsOf = (c: any): Arms => ({ id: c.id, holdout: c.holdout, variants: c.variants });

/** Runs SQL in the shard that owns the visitor, once the events it stored are applied. */
export async function inShard<T>(visitorId: string, query: string, ...args: unknown[]): Promise<T[]> {
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  const stub = shardOf(env, site, visitorId);
  await runDurableObjectAlarm(stub);
  return runInDurableObject(stub, (_shard: VisitorShard, state) => state.storage.sql.exec(query, ...args).toArray() as T[]);
}

export const assignment = async (campaignId: string, visitorId: string) =>
  (await inShard<any>(visitorId, 'SELECT * FROM campaign_assignments WHERE campaign_id = ? AND visitor_id = ?', campaignId, visitorId))[0] ?? null;

/**
 * Sends events through POST /v1/collect, checks every one was taken, and runs the shards'
 * scoring (the alarm that follows ingest within a second), so the events are applied.
 */
export async function send(events: unknown[]) {
  const res = await post({ events });
  const body = await res.json<any>();
  if (res.status !== 202 || body.rejected.length) throw new Error(`collect answered ${res.status}: ${JSON.stringify(body)}`);
  const site = (await findSite(env.DB, TEST_SITE.key))!;
  for (const visitor of new Set(events.map((e: any) => e.visitor_id as string))) await runDurableObjectAlarm(shardOf(env, site, visitor));
  return body as { accepted: number; duplicates: number };
}

/** A slot event of a decision: view_promotion (viewable) or select_promotion (click). */
export function slotEvent(name: 'view_promotion' | 'select_promotion', visitor: string, d: { campaign: string; variant: string; decision_id: string; slot: string }, over: Record<string, unknown> = {}) {
  return makeEvent({
    visitor_id: visitor,
    session_id: `session-${visitor}`.slice(0, 64),
    name,
    props: { promotion_id: d.campaign, campaign_id: d.campaign, variant: d.variant, decision_id: d.decision_id, slot: d.slot, position: 0 },
    ...over,
  });
}
