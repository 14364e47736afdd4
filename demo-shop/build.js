// Builds everything the worker serves as static files into demo-shop/dist:
// the demo shop's pages, its catalog and pictures, the SDK file and the dashboard.
import { cpSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cartPage } from './src/pages.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCatalog } from './src/catalog.js';
import { productSvg } from './src/pictures.js';
import { SNIPPET, appPage, categoryPage, homePage, productPage } from './src/pages.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'dist');
const sdk = join(root, 'sdk/dist/linger.js');

if (!existsSync(sdk)) {
  console.error('sdk/dist/linger.js is missing: run `npm run build:sdk` first');
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
const write = (path, text) => {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text);
};

const catalog = makeCatalog();
// The browser needs no drawing instructions: pictures are files of their own.
write('catalog.json', JSON.stringify(catalog, (key, value) => (key === 'picture' ? undefined : value)));
write('index.html', homePage(catalog));
for (const c of catalog.categories) write(`c/${c.slug}.html`, categoryPage(catalog, c));
for (const p of catalog.products) {
  write(`p/${p.id}.html`, productPage(catalog, p));
  write(`img/${p.id}.svg`, productSvg(p));
}
write('search.html', appPage(catalog, 'Search', '<h1>Search</h1><div id="results"></div>'));
write('cart.html', cartPage(catalog));
write('checkout.html', appPage(catalog, 'Checkout', `<h1>Checkout</h1><p id="summary"></p>
<form class="checkout" id="checkout-form">
  <p>This is a demo: nothing you type here leaves the page.</p>
  <input placeholder="Name" autocomplete="off"><input placeholder="Address" autocomplete="off">
  <button id="place-order">Place order</button>
</form>`));
write('order.html', appPage(catalog, 'Order confirmed', '<h1>Order confirmed</h1><div id="order"></div>'));
write('snippet.html', `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Linger snippet</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body><pre>${SNIPPET.replace(/</g, '&lt;')}</pre></body></html>
`);
cpSync(join(here, 'src/shop.js'), join(out, 'shop.js'));
cpSync(join(here, 'src/shop.css'), join(out, 'shop.css'));
cpSync(join(here, 'src/favicon.svg'), join(out, 'favicon.svg'));
cpSync(sdk, join(out, 'sdk/linger.js'));
cpSync(join(root, 'sdk/dist/linger.mjs'), join(out, 'sdk/linger.mjs'));
cpSync(join(root, 'sdk/dist/linger-render.js'), join(out, 'sdk/linger-render.js'));
cpSync(join(root, 'sdk/dist/linger-store.js'), join(out, 'sdk/linger-store.js')); // the IndexedDB queue, loaded by the tracker when needed
cpSync(join(root, 'sdk/dist/linger-promo.js'), join(out, 'sdk/linger-promo.js')); // the promotion fields, loaded for visitors shown a promotion
cpSync(join(root, 'sdk/dist/linger-items.js'), join(out, 'sdk/linger-items.js')); // the product tracking, loaded on pages with product markup
cpSync(join(root, 'worker/dashboard'), join(out, 'dashboard'), { recursive: true });
// The dashboard's charts: uPlot, served from our own origin.
for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) cpSync(join(root, 'node_modules/uplot/dist', file), join(out, 'dashboard/vendor', file));
console.log(`demo shop built: ${catalog.products.length} products in ${catalog.categories.length} categories → ${out}`);
