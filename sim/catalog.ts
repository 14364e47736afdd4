// The demo shop's catalog, as the simulated visitors browse it: prices in cents (money stays
// exact), products grouped by category with a fixed popularity, and the words people search for.
import { makeCatalog } from '../demo-shop/src/catalog.js';
import { stream } from './random';

export interface SimProduct {
  id: string;
  name: string;
  /** The category's display name, as the shop sends it in `item_category`. */
  category: string;
  categoryIndex: number;
  priceCents: number;
  inStock: boolean;
  /** Relative popularity within its category (a few products are much more popular). */
  popularity: number;
}

export interface SimCategory {
  slug: string;
  name: string;
  products: SimProduct[];
}

export interface SimCatalog {
  categories: SimCategory[];
  products: SimProduct[];
  byId: Map<string, SimProduct>;
  /** What visitors type into the search box: product nouns, category names, a few typos. */
  searchTerms: string[][];
}

/** Cents from a price such as 234.67000000000002. */
export const toCents = (price: number) => Math.round(price * 100);
/** A price in cents as the number sent in events: 23467 → 234.67 (the nearest double, printed short). */
export const fromCents = (cents: number) => cents / 100;

let cached: SimCatalog | undefined;

export function simCatalog(): SimCatalog {
  if (cached) return cached;
  const { categories, products } = makeCatalog();
  const random = stream('catalog-popularity');
  const cats: SimCategory[] = categories.map((c) => ({ slug: c.slug, name: c.name, products: [] }));
  const all: SimProduct[] = products.map((p) => {
    const categoryIndex = categories.findIndex((c) => c.slug === p.category);
    // Zipf-like: popularity 1/rank over a random order of the category's products.
    const product: SimProduct = {
      id: p.id,
      name: p.name,
      category: p.categoryName,
      categoryIndex,
      priceCents: toCents(p.price),
      inStock: p.inStock,
      popularity: 0,
    };
    cats[categoryIndex].products.push(product);
    return product;
  });
  for (const c of cats) {
    const order = c.products.map((p) => ({ p, r: random() })).sort((a, b) => a.r - b.r);
    order.forEach(({ p }, rank) => (p.popularity = 1 / (rank + 1)));
  }
  const searchTerms = cats.map((c) => {
    const nouns = [...new Set(c.products.map((p) => p.name.split(' ').slice(1).join(' ').toLowerCase()))];
    const typo = (w: string) => (w.length > 4 ? w.slice(0, 2) + w[3] + w[2] + w.slice(4) : w);
    return [...nouns, c.name.toLowerCase(), typo(nouns[0]), `${nouns[1]} sale`];
  });
  cached = { categories: cats, products: all, byId: new Map(all.map((p) => [p.id, p])), searchTerms };
  return cached;
}
