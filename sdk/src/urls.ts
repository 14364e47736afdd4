// Query strings can carry e-mail addresses, tokens and search terms: a URL is recorded with
// only the parameters that attribute a visit.

/** Click ids of the ad networks (Google, Meta, Microsoft, TikTok, DoubleClick, LinkedIn). */
const CLICK_IDS = ['gclid', 'fbclid', 'msclkid', 'ttclid', 'dclid', 'wbraid', 'gbraid', 'li_fat_id'];

/** The URL without its fragment and without query parameters other than utm_*, click ids and `keep`. */
export function cleanUrl(href: string, keep: string[] = []): string {
  const url = new URL(href);
  for (const key of [...url.searchParams.keys()]) {
    if (!key.startsWith('utm_') && !CLICK_IDS.includes(key) && !keep.includes(key)) url.searchParams.delete(key);
  }
  url.hash = '';
  return url.href;
}
