// A batch on its way in: validated event by event, enriched, grouped by the shard that owns each
// visitor, then stored. From the client's side a batch is all or nothing: either every valid
// event is stored, or the answer says to retry, and the retry completes it (events are stored
// once by id, so what a failed attempt did store counts as a duplicate, never twice).
import * as v from 'valibot';
import { BatchSchema, EventSchema, describeIssue, type TrackedEvent } from '../../sdk/schema/events';
import { type ClockRules, LIVE_CLOCK, clockSkew, deviceClass, isBotUserAgent, serverTime } from './enrich';
import type { Env } from './env';
import { shardByIndex, shardIndex } from './shards';
import type { Site } from './sites';
import type { DroppedReport, EventRow } from './visitor-shard';
import { busyAddress } from './bots/busy-address';
import { secondsLeft, take } from './access/rate-limit';
import { cleanUrl, linkUrl } from './privacy/urls';
import { tokenHash } from './access/visitor-token';
import { reportsChanged } from './reports/answer-cache';

export interface Rejected {
  index: number;
  reason: string;
}

export interface PreparedBatch {
  /** Valid events by shard number. */
  shards: Map<number, EventRow[]>;
  rejected: Rejected[];
  dropped?: DroppedReport;
  /** Engagement reports left out: a later report of the same page view is in the batch (the shard keeps one row per page view). */
  folded: number;
  /** The batch's visitor and the token it sent (access/visitor-token.ts). */
  token?: { visitorId: string; token: string };
}

export type StoreResult = { accepted: number; duplicates: number } | { unavailable: string };

const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The body as JSON. Strings are kept well-formed: an unpaired UTF-16 surrogate (a `\ud83d`
 * escape without its partner, as a page cutting an emoji in half sends) becomes U+FFFD, since
 * storage is UTF-8 and could not give it back as sent.
 */
export function parseBody(text: string): unknown {
  if (!LONE_SURROGATE_ESCAPE.test(text)) return JSON.parse(text);
  const repaired = text.replace(/\\(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[dD][89a-fA-F][0-9a-fA-F]{2}|[^])/g, (escape, body: string) =>
    body.length === 5 && body[0] === 'u' ? '\\ufffd' : escape,
  );
  return JSON.parse(repaired);
}

/** Validates and enriches a batch body; `error` when the batch as a whole is unusable. */
export function prepareBatch(
  site: Site,
  body: unknown,
  /** `ipHash`: the caller's salted address hash (none for loopback), for the busy-address bot rule. */
  request: { userAgent: string; receivedAt: number; ipHash?: string },
  rules: ClockRules = LIVE_CLOCK,
): PreparedBatch | { error: string } {
  const batch = v.safeParse(BatchSchema, Array.isArray(body) ? { events: body } : body);
  if (!batch.success) return { error: describeIssue(batch.issues) };
  const { events, sent_at, dropped, webdriver, token } = batch.output;
  const { receivedAt, userAgent } = request;
  const skew = clockSkew(sent_at, receivedAt, rules);
  const device = deviceClass(userAgent);
  const bot = webdriver || isBotUserAgent(userAgent) ? 1 : 0;

  const shards = new Map<number, EventRow[]>();
  const rejected: Rejected[] = [];
  let first: EventRow | undefined;
  // a page view's latest engagement report in the batch (most engaged time, then latest seq)
  const latestReport = new Map<string, { row: EventRow; ms: number }>();
  // a page's events share their URL and referrer: each distinct one is parsed and cleaned once
  const cleaned = new Map<string, string>();
  const clean = (raw: string) => {
    let url = cleaned.get(raw);
    if (url === undefined) cleaned.set(raw, (url = cleanUrl(raw, site.settings.keepParams)));
    return url;
  };
  let folded = 0;
  events.forEach((raw, index) => {
    const parsed = v.safeParse(EventSchema, raw);
    if (!parsed.success) return void rejected.push({ index, reason: describeIssue(parsed.issues) });
    const time = serverTime(parsed.output.ts, skew, receivedAt, rules);
    if ('error' in time) return void rejected.push({ index, reason: time.error });
    // Many visitors from one address in an hour: a script minting visitor ids.
    const busy = request.ipHash !== undefined && busyAddress(site.key, request.ipHash, parsed.output.visitor_id, receivedAt);
    const event = toRow(parsed.output, { ts: time.ts, receivedAt: rules.vouched ? time.ts : receivedAt, device, bot: bot || busy ? 1 : 0, clean });
    first ??= event;
    if (event.name === 'user_engagement' && event.page_id !== null) {
      const key = `${event.visitor_id}\n${event.page_id}`;
      const ms = parsed.output.props?.engaged_ms ?? 0;
      const kept = latestReport.get(key);
      if (kept && (kept.ms > ms || (kept.ms === ms && kept.row.seq >= event.seq))) return void folded++;
      latestReport.set(key, { row: event, ms });
    }
    const shard = shardIndex(site, event.visitor_id);
    let list = shards.get(shard);
    if (!list) shards.set(shard, (list = []));
    list.push(event);
  });
  // an earlier report of a page view, superseded in this very batch, need not be stored
  const latest = new Set([...latestReport.values()].map((r) => r.row));
  for (const [shard, list] of shards) {
    const kept = list.filter((e) => e.name !== 'user_engagement' || e.page_id === null || latest.has(e));
    folded += list.length - kept.length;
    shards.set(shard, kept);
  }
  // A dropped-event report belongs to the visitor whose queue dropped them: the batch's first.
  // It is keyed by the batch's first event, so a resent batch reports it once.
  const report = dropped && first ? { visitorId: first.visitor_id, batch: first.event_id, count: dropped } : undefined;
  return { shards, rejected, folded, dropped: report, token: token && first ? { visitorId: first.visitor_id, token } : undefined };
}

/** Stores a prepared batch, one call per shard touched; `unavailable` when any shard failed (retry the batch). */
export async function storeBatch(env: Env, site: Site, batch: PreparedBatch): Promise<StoreResult> {
  const hash = batch.token && (await tokenHash(batch.token.token));
  const claim = hash ? { visitorId: batch.token!.visitorId, hash } : undefined;
  const calls = [...batch.shards].map(([index, events]) => {
    const report = batch.dropped && events.some((e) => e.visitor_id === batch.dropped!.visitorId) ? batch.dropped : undefined;
    const token = claim && events.some((e) => e.visitor_id === claim.visitorId) ? claim : undefined;
    return shardByIndex(env, site, index).ingest(site.key, events, report, token).then((r) => ({ ...r, sent: events.length }));
  });
  const results = await Promise.allSettled(calls);
  reportsChanged(site.key); // kept report answers of this site go (reports/answer-cache.ts)
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    console.error('storing a batch failed', failed.reason);
    return { unavailable: 'storage is unavailable for a moment; send the batch again (events are stored once, so a resend is safe)' };
  }
  let accepted = 0;
  let sent = 0;
  for (const r of results) if (r.status === 'fulfilled') (accepted += r.value.accepted), (sent += r.value.sent);
  return { accepted, duplicates: sent - accepted + batch.folded };
}

/**
 * Counts the batch against each of its visitors' per-minute limit; the seconds to wait when one
 * is over (the whole batch waits: from the client's side a batch is all or nothing).
 */
export function overVisitorLimit(site: Site, batch: PreparedBatch): number {
  const visitors = new Set<string>();
  for (const events of batch.shards.values()) for (const e of events) visitors.add(e.visitor_id);
  let over = false;
  for (const v of visitors) over = !take(`v|${site.key}|${v}`, site.settings.rateLimits.visitorPerMinute) || over;
  return over ? secondsLeft() : 0;
}

function toRow(e: TrackedEvent, x: { ts: number; receivedAt: number; device: string; bot: number; clean: (url: string) => string }): EventRow {
  return {
    event_id: e.event_id,
    visitor_id: e.visitor_id,
    session_id: e.session_id,
    page_id: e.page_id ?? null,
    seq: e.seq,
    name: e.name,
    client_ts: e.ts,
    ts: x.ts,
    received_at: x.receivedAt,
    // Query strings can carry e-mail addresses and tokens: only utm_*, click ids and the shop's own parameters stay.
    url: x.clean(e.url),
    // (the SDK sends "" for none)
    referrer: e.referrer ? x.clean(e.referrer) : null,
    title: e.title || null,
    utm: e.utm ? JSON.stringify(e.utm) : null,
    // (a clicked link likewise: the SDK strips its query, and a page's own click events must not keep one)
    props: JSON.stringify(e.props.link_url === undefined ? e.props : { ...e.props, link_url: e.props.link_url ? linkUrl(e.props.link_url) : undefined }),
    device: x.device,
    bot: x.bot,
  };
}
