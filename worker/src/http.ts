import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the collector returns: an HTTP status and a JSON message. */
export function fail(c: Context, status: ContentfulStatusCode, message: string) {
  return c.json({ error: message }, status);
}
