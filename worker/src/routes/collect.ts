// POST /v1/collect: validate a batch, enrich each event, store each one exactly once.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { BatchSchema, EventSchema, describeIssue, type TrackedEvent } from '../../../sdk/schema/events';
import { MAX_BODY_BYTES } from '../../../sdk/schema/limits';
import { exposeErrors, siteCors } from '../cors';
import { correctTimestamp, deviceClass, isBotUserAgent } from '../enrich';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { shardOf } from '../shards';
import { requireSite } from '../site-context';
import type { EventRow } from '../visitor-shard';

export const collect = new Hono<AppEnv>();

collect.use(exposeErrors, requireSite, siteCors);

collect.post(
  '/',
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, 413, `body is larger than ${MAX_BODY_BYTES} bytes`) }),
  async (c) => {
    // sendBeacon posts text/plain, so the body is parsed as JSON whatever its content type.
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return fail(c, 400, 'body is not valid JSON');
    }
    const batch = v.safeParse(BatchSchema, Array.isArray(body) ? { events: body } : body);
    if (!batch.success) return fail(c, 400, describeIssue(batch.issues));

    const { events, sent_at, dropped, webdriver } = batch.output;
    const receivedAt = Date.now();
    const skew = sent_at === undefined ? 0 : receivedAt - sent_at;
    const ua = c.req.header('user-agent') ?? '';
    const device = deviceClass(ua);
    const bot = webdriver || isBotUserAgent(ua) ? 1 : 0;

    const rejected: { index: number; reason: string }[] = [];
    const byShard = new Map<string, { stub: ReturnType<typeof shardOf>; rows: EventRow[] }>();
    const site = c.get('site');
    events.forEach((raw, index) => {
      const parsed = v.safeParse(EventSchema, raw);
      if (!parsed.success) return void rejected.push({ index, reason: describeIssue(parsed.issues) });
      const e = parsed.output;
      const stub = shardOf(c.env, site, e.visitor_id);
      const key = stub.id.toString();
      if (!byShard.has(key)) byShard.set(key, { stub, rows: [] });
      byShard.get(key)!.rows.push(toRow(e, { skew, receivedAt, device, bot }));
    });

    // A dropped-event report belongs to the visitor whose queue dropped them: the batch's first.
    const results = await Promise.all(
      [...byShard.values()].map(({ stub, rows }, i) =>
        stub.ingest(site.key, rows, i === 0 && dropped ? { visitorId: rows[0].visitor_id, count: dropped } : undefined),
      ),
    );
    const accepted = results.reduce((n, r) => n + r.accepted, 0);
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    // The shop-wide recommender learns from the new item views and purchases, after the answer.
    const observations = results.flatMap((r) => r.observations);
    if (observations.length) c.executionCtx.waitUntil(c.env.BRAIN.get(c.env.BRAIN.idFromName(site.key)).observe(observations));
    return c.json({ accepted, duplicates, rejected }, 202);
  },
);

function toRow(
  e: TrackedEvent,
  x: { skew: number; receivedAt: number; device: string; bot: number },
): EventRow {
  return {
    event_id: e.event_id,
    visitor_id: e.visitor_id,
    session_id: e.session_id,
    page_id: e.page_id ?? null,
    seq: e.seq,
    name: e.name,
    client_ts: e.ts,
    ts: correctTimestamp(e.ts, x.skew, x.receivedAt),
    received_at: x.receivedAt,
    url: e.url,
    referrer: e.referrer ?? null,
    title: e.title ?? null,
    utm: e.utm ? JSON.stringify(e.utm) : null,
    props: JSON.stringify(e.props),
    device: x.device,
    bot: x.bot,
  };
}
