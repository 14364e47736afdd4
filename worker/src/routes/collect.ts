// POST /v1/collect: validate a batch, enrich each event, store each one exactly once.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BODY_BYTES } from '../../../sdk/schema/limits';
import { prepareBatch } from '../batch';
import { jsonBody, storeAndAnswer } from './batch-answer';
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
    const read = await jsonBody(c);
    if (!read) return fail(c, 400, 'body is not valid JSON');
    const batch = prepareBatch(c.get('site'), read.body, { userAgent: c.req.header('user-agent') ?? '', receivedAt: Date.now(), ipHash: c.get('ipHash') });
    return storeAndAnswer(c, batch, true);
  },
);
