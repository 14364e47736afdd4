// Everything a creative puts on the page goes through here: elements with fixed tag and class
// names, text through textContent, and URLs that are checked before they become attributes.
// Creatives are data from the network; nothing in them is ever parsed as HTML or CSS.

/** An element with a fixed class, and text set as text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = cls;
  if (text) node.textContent = text;
  return node;
}

/** A string field of a creative, at most `max` characters; anything else is left out. */
export const str = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value ? value.slice(0, max) : undefined;

function parse(url: unknown): URL | undefined {
  const s = str(url, 2048);
  try {
    const u = s ? new URL(s, location.href) : undefined;
    return u && /^https?:$/.test(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

/** A link target: http(s) or relative (resolved); `javascript:`, `data:` and the rest give undefined. */
export const safeHref = (url: unknown): string | undefined => parse(url)?.href;

/** An image URL from one of the allowed origins only. */
export function safeImage(url: unknown, origins: string[]): string | undefined {
  const u = parse(url);
  return u && origins.includes(u.origin) ? u.href : undefined;
}

/** Fills a shop-defined URL template such as "/p/{id}" with an (encoded) item id. */
export const fillTemplate = (template: string | undefined, id: string) =>
  template && template.replace(/\{id\}/g, encodeURIComponent(id));
