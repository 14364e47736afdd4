// The demo shop's catalog: 120 products in 8 categories, generated from a fixed seed so
// every build (and every test) sees the same shop.

const CATEGORIES = [
  { slug: 'shoes', name: 'Shoes', hue: 12, nouns: ['Sneaker', 'Loafer', 'Boot', 'Sandal', 'Runner'], price: [45, 180] },
  { slug: 'jackets', name: 'Jackets', hue: 210, nouns: ['Parka', 'Rain Jacket', 'Bomber', 'Gilet', 'Overshirt'], price: [60, 320] },
  { slug: 'knitwear', name: 'Knitwear', hue: 330, nouns: ['Cardigan', 'Crewneck', 'Turtleneck', 'Hoodie', 'Beanie'], price: [25, 140] },
  { slug: 'bags', name: 'Bags', hue: 35, nouns: ['Backpack', 'Tote', 'Weekender', 'Crossbody', 'Wallet'], price: [20, 260] },
  { slug: 'watches', name: 'Watches', hue: 260, nouns: ['Field Watch', 'Diver', 'Chronograph', 'Dress Watch', 'Smart Band'], price: [80, 650] },
  { slug: 'kitchen', name: 'Kitchen', hue: 150, nouns: ['Chef Knife', 'Skillet', 'Dutch Oven', 'Kettle', 'Cutting Board'], price: [15, 220] },
  { slug: 'lighting', name: 'Lighting', hue: 50, nouns: ['Desk Lamp', 'Floor Lamp', 'Pendant', 'Lantern', 'Wall Light'], price: [30, 400] },
  { slug: 'outdoor', name: 'Outdoor', hue: 95, nouns: ['Tent', 'Sleeping Bag', 'Trekking Pole', 'Camp Stove', 'Water Bottle'], price: [12, 480] },
];
const ADJECTIVES = ['Classic', 'Urban', 'Alpine'];

/** A small deterministic PRNG (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeCatalog() {
  const rnd = random(42);
  const products = [];
  for (const c of CATEGORIES) {
    for (const adjective of ADJECTIVES) {
      for (const noun of c.nouns) {
        const n = products.length + 1;
        const [lo, hi] = c.price;
        products.push({
          id: `p${String(n).padStart(3, '0')}`,
          name: `${adjective} ${noun}`,
          category: c.slug,
          categoryName: c.name,
          price: Math.round((lo + rnd() * (hi - lo)) * 100) / 100 - 0.01,
          inStock: rnd() > 0.08,
          rating: Math.round((3.2 + rnd() * 1.8) * 10) / 10,
          hue: (c.hue + Math.round(rnd() * 40) - 20 + 360) % 360,
          description: `The ${adjective.toLowerCase()} ${noun.toLowerCase()}: made to last, easy to love, and the favourite of our ${c.name.toLowerCase()} team.`,
        });
      }
    }
  }
  return { categories: CATEGORIES.map(({ slug, name, hue }) => ({ slug, name, hue })), products };
}

/** A product picture as SVG: a tinted card with the product's initials. */
export function productSvg(p) {
  const initials = p.name.split(' ').map((w) => w[0]).join('').slice(0, 3);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${p.hue},70%,78%)"/><stop offset="1" stop-color="hsl(${p.hue},60%,52%)"/></linearGradient></defs>
<rect width="400" height="400" rx="24" fill="url(#g)"/>
<circle cx="200" cy="170" r="92" fill="hsla(${p.hue},80%,96%,.55)"/>
<text x="200" y="196" font-family="Helvetica,Arial,sans-serif" font-size="72" font-weight="700" text-anchor="middle" fill="hsl(${p.hue},55%,25%)">${initials}</text>
<text x="200" y="330" font-family="Helvetica,Arial,sans-serif" font-size="26" text-anchor="middle" fill="#fff">${p.name}</text>
</svg>`;
}
