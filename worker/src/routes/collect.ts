// POST /v1/collect: validate a batch, enrich each event, store each one exactly once.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../../../sdk/schema/limits';
import { overVisitorLimit, parseBody, prepareBatch, storeBatch } from '../batch';
import { rateLimit } from '../access/rate-limit';
import { exposeErrors, siteCors } from '../cors';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { requireSite } from '../site-context';

export const collect = new Hono<AppEnv>();

collect.use(exposeErrors, requireSite, siteCors, rateLimit);

collect.post(
  '/',
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, 413, `body is larger than ${MAX_BODY_BYTES} bytes`) }),
  async (c) => {
    // sendBeacon posts text/plain, so the body is parsed as JSON whatever its content type.
    let body: unknown;
    try {
      body = parseBody(await c.req.text());
    } catch {
      return fail(c, 400, 'body is not valid JSON');
    }
    const site = c.get('site');
    const batch = prepareBatch(site, body, { userAgent: c.req.header('user-agent') ?? '', receivedAt: Date.now(), ipHash: c.get('ipHash') });
    if ('error' in batch) return fail(c, 400, batch.error);
    const limited = overVisitorLimit(site, batch);
    if (limited) {
      c.header('Retry-After', String(limited));
      return fail(c, 429, 'too many requests for this visitor; retry later');
    }
    const stored = await storeBatch(c.env, site, batch);
    if ('unavailable' in stored) {
      c.header('Retry-After', '1');
      return fail(c, 503, stored.unavailable);
    }
    return c.json({ ...stored, rejected: batch.rejected }, 202);
  },
);
