import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, ORIGIN, makeEvent, post, storedEvents } from './helpers';

describe('POST /v1/collect', () => {
  it('accepts a valid batch and stores every event', async () => {
    const events = [makeEvent({ visitor_id: 'visitor-accept' }), makeEvent({ visitor_id: 'visitor-accept', name: 'view_item', props: { item_id: 'sku-1', price: 12.5 } })];
    const res = await post({ events, sent_at: Date.now() });
    expect(res.status).toBe(202);
    expect(await res.json<any>()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const { body } = await storedEvents('visitor-accept');
    expect(body.events.map((e: any) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(body.events[1].props).toEqual({ item_id: 'sku-1', price: 12.5 });
    expect(body.summary.events).toBe(2);
  });

  it('accepts a bare array of events', async () => {
    const res = await post([makeEvent({ visitor_id: 'visitor-bare' })]);
    expect(res.status).toBe(202);
    expect((await res.json<any>()).accepted).toBe(1);
  });

  it('stores a batch sent twice only once', async () => {
    const batch = { events: [makeEvent({ visitor_id: 'visitor-dup' }), makeEvent({ visitor_id: 'visitor-dup' })] };
    expect(await (await post(batch)).json<any>()).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await (await post(batch)).json<any>()).toMatchObject({ accepted: 0, duplicates: 2 });
    const { body } = await storedEvents('visitor-dup');
    expect(body.events).toHaveLength(2);
  });

  it('counts an event repeated inside one batch as a duplicate', async () => {
    const e = makeEvent({ visitor_id: 'visitor-dup-in-batch' });
    expect(await (await post({ events: [e, e] })).json<any>()).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('rejects bad events one by one and keeps the good ones', async () => {
    const good = makeEvent({ visitor_id: 'visitor-mixed' });
    const res = await post({
      events: [
        { ...makeEvent(), name: 'teleport' },
        good,
        { ...makeEvent(), event_id: 'x' },
        makeEvent({ name: 'purchase', props: { value: 10 } }),
        makeEvent({ name: 'view_item', props: { item_id: 'a', price: -1 } }),
        'not an event',
      ],
    });
    expect(res.status).toBe(202);
    const body = await res.json<any>();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: any) => r.index)).toEqual([0, 2, 3, 4, 5]);
    expect(body.rejected[0].reason).toMatch(/^name must be one of page_view, user_engagement/);
    expect(body.rejected[1].reason).toMatch(/event_id/);
    expect(body.rejected[2].reason).toBe('purchase: props.transaction_id is required');
    expect(body.rejected[3].reason).toBe('props.price: must be ≥ 0');
    expect((await storedEvents('visitor-mixed')).body.events).toHaveLength(1);
  });

  it('answers invalid JSON with 400 and a message', async () => {
    const res = await post('{"events": [', { raw: true });
    expect(res.status).toBe(400);
    expect(await res.json<any>()).toEqual({ error: 'body is not valid JSON' });
  });

  it('answers a body without events with 400', async () => {
    const res = await post({ hello: 1 });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error).toMatch(/events/);
  });

  it('answers a body over 64 KB with 413', async () => {
    const big = { events: [makeEvent({ title: 'x'.repeat(70_000) })] };
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await res.json<any>()).error).toMatch(/larger than 65536/);
  });

  it('answers an unknown or missing site key with 401', async () => {
    const unknown = await post({ events: [makeEvent()] }, { site: 'nope' });
    expect(unknown.status).toBe(401);
    expect((await unknown.json<any>()).error).toMatch(/unknown site key/);
    // no shop, no allowlist: no origin is named (issue 10)
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    const missing = await exports.default.fetch(`${BASE}/v1/collect`, { method: 'POST', body: '[]' });
    expect(missing.status).toBe(401);
  });

  it('answers an origin outside the allowlist with 403 and stores nothing', async () => {
    const res = await post({ events: [makeEvent({ visitor_id: 'visitor-evil' })] }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json<any>()).error).toMatch(/not allowed/);
    expect((await storedEvents('visitor-evil')).body.events).toHaveLength(0);
  });

  it('accepts requests without an Origin (server-side senders)', async () => {
    const res = await post({ events: [makeEvent()] }, { origin: null });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the CORS preflight for allowed origins only', async () => {
    const preflight = (origin: string) =>
      exports.default.fetch(`${BASE}/v1/collect?site=test-shop`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(ok.headers.get('vary')).toContain('Origin');
    const denied = await preflight('https://evil.example');
    expect(denied.status).toBe(403);
  });

  it('also accepts application/json bodies', async () => {
    const res = await post({ events: [makeEvent()] }, { contentType: 'application/json' });
    expect(res.status).toBe(202);
  });
});

describe('enrichment', () => {
  it('corrects client clock skew, classifies the device and flags automated browsers', async () => {
    const clientNow = Date.now() - 3_600_000; // the client clock is an hour behind
    const e = makeEvent({ visitor_id: 'visitor-skew', ts: clientNow - 1_000 });
    await post({ events: [e], sent_at: clientNow, webdriver: true });
    const [stored] = (await storedEvents('visitor-skew')).body.events;
    expect(stored.client_ts).toBe(clientNow - 1_000);
    expect(Math.abs(stored.ts - (Date.now() - 1_000))).toBeLessThan(2_000);
    expect(stored.ts).toBeLessThanOrEqual(stored.received_at);
    expect(stored.device).toBe('desktop');
    expect(stored.bot).toBe(true);
  });

  it('does not flag an ordinary browser and stores no IP address', async () => {
    const e = makeEvent({ visitor_id: 'visitor-human' });
    await exports.default.fetch(`${BASE}/v1/collect?site=test-shop`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'cf-connecting-ip': '203.0.113.9', 'x-forwarded-for': '203.0.113.9', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1' },
      body: JSON.stringify({ events: [e] }),
    });
    const { body } = await storedEvents('visitor-human');
    expect(body.events[0].bot).toBe(false);
    expect(body.events[0].device).toBe('mobile');
    expect(JSON.stringify(body)).not.toContain('203.0.113.9');
  });

  it('stores an empty referrer, title or clicked link (the SDK sends "" for none) as none, and a dropped count of 0 as no report', async () => {
    const me = 'visitor-empty-fields';
    const click = makeEvent({ visitor_id: me, name: 'click', referrer: '', title: '', props: { element: 'a', link_url: '' } });
    expect((await post({ events: [click], dropped: 0 })).status).toBe(202);
    const { body } = await storedEvents(me);
    expect(body.events[0]).toMatchObject({ referrer: null, title: null });
    expect(body.events[0].props).toEqual({ element: 'a' });
    expect(body.summary.dropped).toBe(0);
  });

  it('records how many events the browser queue dropped', async () => {
    await post({ events: [makeEvent({ visitor_id: 'visitor-dropped' })], dropped: 7 });
    expect((await storedEvents('visitor-dropped')).body.summary.dropped).toBe(7);
  });
});
