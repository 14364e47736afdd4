// Server-rendered pages of the demo shop, as a real shop would serve them: the Linger snippet
// in the head, and data attributes on products and lists for declarative tracking.

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (n) => `€${n.toFixed(2)}`;

/** What a shop pastes into its <head>. */
export const SNIPPET = `<script>
  window.linger = window.linger || function () { (linger.q = linger.q || []).push(arguments); };
  linger('init', { site: 'demo' });
</script>
<script async src="/sdk/linger.js"></script>`;

export function layout({ title, body, catalog }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Linger Demo Shop</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/shop.css">
${SNIPPET}
<script defer src="/shop.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">linger<span>.shop</span></a>
  <form class="search" action="/search" role="search"><input name="q" type="search" placeholder="Search products" aria-label="Search"><button>Search</button></form>
  <a class="cart-link" href="/cart">Cart (<span id="cart-count">0</span>)</a>
</header>
<nav class="cats">${catalog.categories.map((c) => `<a href="/c/${c.slug}">${esc(c.name)}</a>`).join('')}</nav>
<main>
${body}
</main>
<footer>Linger demo shop · <a href="/dashboard/">See your events</a></footer>
</body>
</html>
`;
}

export function tile(p) {
  return `<li class="tile" data-linger-item="${p.id}" data-linger-name="${esc(p.name)}" data-linger-category="${esc(p.categoryName)}" data-linger-price="${p.price}">
  <a href="/p/${p.id}"><img src="/img/${p.id}.svg" alt="" width="200" height="200" loading="lazy"><span class="name">${esc(p.name)}</span></a>
  <span class="price">${money(p.price)}</span>${p.inStock ? '' : '<span class="oos">Sold out</span>'}
</li>`;
}

export function list(name, products) {
  return `<ul class="grid" data-linger-list="${esc(name)}">${products.map(tile).join('\n')}</ul>`;
}

export function homePage(catalog) {
  const featured = catalog.categories.map((c) => catalog.products.find((p) => p.category === c.slug && p.inStock));
  return layout({
    title: 'Home',
    catalog,
    body: `<section class="hero"><h1>Things worth lingering over</h1><p>120 products, 8 categories, and a tracker that never loses an event.</p></section>
<section class="recs" data-recs="home" data-title="Recommended for you"></section>
<h2>Featured</h2>
${list('Featured', featured)}
<h2>Shop by category</h2>
<ul class="cat-grid">${catalog.categories.map((c) => `<li><a href="/c/${c.slug}" style="--hue:${c.hue}">${esc(c.name)}</a></li>`).join('')}</ul>`,
  });
}

export function categoryPage(catalog, category) {
  const products = catalog.products.filter((p) => p.category === category.slug);
  return layout({ title: category.name, catalog, body: `<h1>${esc(category.name)}</h1>\n${list(category.name, products)}` });
}

export function productPage(catalog, p) {
  const related = catalog.products.filter((q) => q.category === p.category && q.id !== p.id).slice(0, 4);
  return layout({
    title: p.name,
    catalog,
    body: `<article class="product" data-linger-view-item data-linger-item="${p.id}" data-linger-name="${esc(p.name)}" data-linger-category="${esc(p.categoryName)}" data-linger-price="${p.price}">
  <img src="/img/${p.id}.svg" alt="${esc(p.name)}" width="400" height="400">
  <div>
    <p class="crumb"><a href="/c/${p.category}">${esc(p.categoryName)}</a></p>
    <h1>${esc(p.name)}</h1>
    <p class="price">${money(p.price)}</p>
    <p>${esc(p.description)}</p>
    <p class="rating">★ ${p.rating} / 5</p>
    ${p.inStock
      ? `<label>Quantity <input id="qty" type="number" min="1" max="10" value="1"></label>
    <button class="buy" id="add-to-cart" data-id="${p.id}">Add to cart</button>`
      : '<p class="oos">Sold out</p>'}
  </div>
</article>
<section class="recs" data-recs="product" data-item="${p.id}" data-title="You may also like"></section>
<h2>More ${esc(p.categoryName.toLowerCase())}</h2>
${list(`Related: ${p.categoryName}`, related)}`,
  });
}

export const appPage = (catalog, title, body) => layout({ title, catalog, body });
