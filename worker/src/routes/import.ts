// POST /v1/admin/import: backdated events with the admin key, e.g. history from another tool or
// the traffic simulator. The body is the collect route's; timestamps up to 400 days old are taken
// as they are (no clock correction: an import's clock is the source's), and the events are stored
// exactly once by id like any others, so an interrupted import can simply be sent again.
// `user_agent` in the body (optional) is the visitors' browser, for their device class.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { prepareBatch } from '../batch';
import { jsonBody, storeAndAnswer } from './batch-answer';
import { requireKey } from '../auth';
import type { ClockRules } from '../enrich';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { requireSite } from '../site-context';

/** Imports keep their timestamps, up to 400 days back. */
export const IMPORT_CLOCK: ClockRules = { maxSkewMs: 0, maxAgeMs: 400 * 86_400_000, vouched: true };
const MAX_IMPORT_BYTES = 1_048_576;

export const importEvents = new Hono<AppEnv>();

importEvents.use(requireSite, requireKey('admin'));

importEvents.post(
  '/',
  bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => fail(c, 413, `body is larger than ${MAX_IMPORT_BYTES} bytes`) }),
  async (c) => {
    const read = await jsonBody(c);
    if (!read) return fail(c, 400, 'body is not valid JSON');
    const object = read.body && typeof read.body === 'object' && !Array.isArray(read.body) ? (read.body as Record<string, unknown>) : null;
    const withoutClock = object ? { ...object, sent_at: undefined } : read.body;
    // The device class comes from the visitors' user agent, which an import may give per batch.
    const ua = typeof object?.user_agent === 'string' ? object.user_agent.slice(0, 500) : 'Mozilla/5.0 (import)';
    return storeAndAnswer(c, prepareBatch(c.get('site'), withoutClock, { userAgent: ua, receivedAt: Date.now() }, IMPORT_CLOCK), false);
  },
);
