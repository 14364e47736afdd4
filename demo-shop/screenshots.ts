// Takes the README's screenshots of the demo shop (home, a product page) in headless Chromium,
// against a worker of its own on a throwaway state:
//
//   npm run build && npx tsx demo-shop/screenshots.ts        (PORT, default 8798)
//
// and saves them under docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { launch } from '../tests/e2e/browser';
import { startLocalWorker } from '../worker/dev/local-worker';
import { demoSite } from '../worker/seed.js';

const port = Number(process.env.PORT || 8798);
const out = new URL('../docs/screenshots/', import.meta.url).pathname;
const shots = [
  { file: 'shop-home.png', path: '/' },
  { file: 'shop-product.png', path: '/p/p091' },
];

mkdirSync(out, { recursive: true });
const worker = await startLocalWorker(port, () => demoSite(port));
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const { file, path } of shots) {
    await page.goto(`${worker.base}${path}`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: `${out}${file}` });
    console.log(`saved docs/screenshots/${file}`);
  }
} finally {
  await browser.close();
  await worker.stop();
}
