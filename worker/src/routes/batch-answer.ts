// What the collect and import routes share: reading the body, and storing a prepared batch with
// the answer that tells the client what to do (202, 400, 429 or 503 to resend).
import type { Context } from 'hono';
import { overVisitorLimit, parseBody, storeBatch, type PreparedBatch } from '../batch';
import type { AppEnv } from '../env';
import { fail } from '../http';

/** The body as JSON, whatever its content type (sendBeacon posts text/plain); null when it is not JSON. */
export async function jsonBody(c: Context<AppEnv>): Promise<{ body: unknown } | null> {
  try {
    return { body: parseBody(await c.req.text()) };
  } catch {
    return null;
  }
}

/** Stores the batch and answers. `limitVisitors`: count it against its visitors' rate limits first. */
export async function storeAndAnswer(c: Context<AppEnv>, batch: PreparedBatch | { error: string }, limitVisitors: boolean) {
  if ('error' in batch) return fail(c, 400, batch.error);
  const site = c.get('site');
  const limited = limitVisitors ? overVisitorLimit(site, batch) : 0;
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
}
