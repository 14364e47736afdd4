// POST /v1/collect: validate a batch, enrich each event, store each one exactly once.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../../../sdk/schema/limits';
import { parseBody, prepareBatch, storeBatch } from '../batch';
import { exposeErrors, siteCors } from '../cors';
import type { AppEnv } from '../env';
import { fail } from '../http';
import { requireSite } from '../site-context';

export const collect = new Hono<AppEnv>();

collect.use(exposeErrors, requireSite, siteCors);

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
    const batch = prepareBatch(site, body, { userAgent: c.req.header('user-agent') ?? '', receivedAt: Date.now() });
    if ('error' in batch) return fail(c, 400, batch.error);
    const stored = await storeBatch(c.env, site, batch);
    if ('unavailable' in stored) {
      c.header('Retry-After', '1');
      return fail(c, 503, stored.unavailable);
    }
    return c.json({ ...stored, rejected: batch.rejected }, 202);
  },
);
