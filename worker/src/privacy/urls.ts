// URLs and referrers lose their query string, except what a shop needs and nothing personal:
// utm_* campaign parameters, the ad networks' click ids, and parameters the shop declared.
// The fragment always goes. The SDK applies the same rule (sdk/schema/url-params.ts); the collector enforces it.
import { ATTRIBUTION_PARAM } from '../../../sdk/schema/url-params';

export function keptParam(name: string, keep: readonly string[]): boolean {
  return ATTRIBUTION_PARAM.test(name) || keep.includes(name);
}

/** The URL with only the kept parameters; a string that is not an absolute URL is returned without query and fragment. */
export function cleanUrl(raw: string, keep: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.split(/[?#]/)[0];
  }
  const kept = new URLSearchParams();
  for (const [k, v] of url.searchParams) if (keptParam(k, keep)) kept.append(k, v);
  url.search = kept.toString();
  url.hash = '';
  // credentials in a URL (https://user:password@…) are never kept either
  url.username = '';
  url.password = '';
  return url.toString();
}

/**
 * A clicked link as the SDK records it: without query and fragment (docs/events.md), which can
 * carry e-mail addresses and tokens, and without credentials.
 */
export const linkUrl = (raw: string): string => cleanUrl(raw.split(/[?#]/)[0]);
