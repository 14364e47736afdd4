import { exports } from 'cloudflare:workers';
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { expect } from 'vitest';
import { shardByIndex } from '../../worker/src/shards';
import { findSite } from '../../worker/src/sites';
import type { EventInput } from '../../sdk/schema/events';

export const TEST_SITE = {
  key: 'test-shop',
  name: 'Test shop',
  allowedOrigins: ['https://shop.example'],
  readKey: 'test-read-key',
  adminKey: 'test-admin-key',
  shards: 4,
};
export const ORIGIN = 'https://shop.example';
export const BASE = 'https://collector.example';

let counter = 0;
/** A valid event; ids are unique per call unless given. */
export function makeEvent(over: Partial<EventInput> = {}): EventInput {
  counter++;
  return {
    event_id: `evt-${Date.now()}-${counter}`,
    name: 'page_view',
    visitor_id: 'visitor-0001',
    session_id: 'session-0001',
    page_id: 'page-000001',
    seq: counter,
    ts: Date.now(),
    url: 'https://shop.example/',
    ...over,
  };
}

export function post(body: unknown, init: { site?: string; origin?: string | null; contentType?: string; raw?: boolean } = {}) {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'text/plain;charset=UTF-8', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36' };
  if (init.origin !== null) headers.origin = init.origin ?? ORIGIN;
  return exports.default.fetch(`${BASE}/v1/collect?site=${init.site ?? TEST_SITE.key}`, {
    method: 'POST',
    headers,
    body: init.raw ? (body as string) : JSON.stringify(body),
  });
}

export async function storedEvents(visitorId: string, adminKey = TEST_SITE.adminKey, site = TEST_SITE.key) {
  const res = await exports.default.fetch(`${BASE}/v1/visitors/${visitorId}/events?site=${site}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  return { status: res.status, body: (await res.json<any>()) as any };
}

/** Sends events through the admin import route (backdated timestamps allowed), as a browser's user agent. */
export async function postImport(events: unknown[], key = TEST_SITE.adminKey, site = TEST_SITE.key) {
  const res = await exports.default.fetch(`${BASE}/v1/admin/import?site=${site}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36' }),
  });
  return { status: res.status, body: (await res.json<any>()) as any };
}

/** Imports events with the admin key and applies them; answers the route's body. */
export async function importEvents(events: unknown[]) {
  const { status, body } = await postImport(events);
  expect(status).toBe(202);
  await settle();
  return body;
}

/** Runs every shard's due work now (scoring what was stored, delivery to the recommender) until none is left. */
export async function settle(siteKey = TEST_SITE.key) {
  const site = (await findSite(env.DB, siteKey))!;
  for (let i = 0; i < site.shards; i++) {
    const stub = shardByIndex(env, site, i);
    for (let n = 0; n < 20 && (await runDurableObjectAlarm(stub)); n++);
  }
}
