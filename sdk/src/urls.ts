// Query strings can carry e-mail addresses, tokens and search terms: a URL is recorded with
// only the parameters that attribute a visit (sdk/schema/url-params.ts).
import { MAX_URL } from '../schema/limits';
import { ATTRIBUTION_PARAM } from '../schema/url-params';

// (autotrack.ts takes the limit from here: the bundle's module order gzips 6 B smaller)
export { MAX_URL };

/**
 * The URL without its fragment and without query parameters other than utm_*, click ids and
 * `keep`, and at most MAX_URL long: a longer one loses its end (the query), so the path survives.
 */
export function cleanUrl(href: string, keep: string[] = []): string {
  const url = new URL(href);
  for (const key of [...url.searchParams.keys()]) {
    if (!ATTRIBUTION_PARAM.test(key) && !keep.includes(key)) url.searchParams.delete(key);
  }
  url.hash = '';
  return url.href.slice(0, MAX_URL);
}
