// A site's catalog in D1: what may be recommended (active, in stock) and how to show it.
export interface CatalogItem {
  id: string;
  name: string;
  category: string;
  price: number;
  inStock: boolean;
}

const TTL_MS = 60_000;
const cache = new Map<string, { items: Map<string, CatalogItem>; until: number }>();

export async function catalogOf(db: D1Database, site: string): Promise<Map<string, CatalogItem>> {
  const hit = cache.get(site);
  if (hit && hit.until > Date.now()) return hit.items;
  const { results } = await db
    .prepare('SELECT item_id, name, category, price, in_stock FROM items WHERE site_key = ? AND active = 1')
    .bind(site)
    .all<{ item_id: string; name: string; category: string; price: number; in_stock: number }>();
  const items = new Map(results.map((r) => [r.item_id, { id: r.item_id, name: r.name, category: r.category, price: r.price, inStock: r.in_stock === 1 }]));
  cache.set(site, { items, until: Date.now() + TTL_MS });
  return items;
}

export function clearCatalogCache() {
  cache.clear();
}

/** Creates or updates catalog items (D1 batch: one transaction). */
export async function saveItems(db: D1Database, site: string, items: CatalogItem[]): Promise<void> {
  const insert = db.prepare(
    `INSERT INTO items (site_key, item_id, name, category, price, in_stock, active) VALUES (?, ?, ?, ?, ?, ?, 1)
     ON CONFLICT (site_key, item_id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price, in_stock = excluded.in_stock, active = 1`,
  );
  await db.batch(items.map((i) => insert.bind(site, i.id, i.name, i.category, i.price, i.inStock ? 1 : 0)));
  cache.delete(site);
}
