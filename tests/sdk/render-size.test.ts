// @vitest-environment node
// The slot renderer is loaded only on pages with slots, but it too has a budget: 3 KB gzip.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUILT = new URL('../../sdk/dist/linger-render.js', import.meta.url);
const BUDGET = 3 * 1024;

describe('renderer bundle', () => {
  it(`is at most ${BUDGET} bytes gzip`, () => {
    expect(existsSync(BUILT), 'sdk/dist/linger-render.js is missing: run `npm run build:sdk`').toBe(true);
    const gzip = gzipSync(readFileSync(BUILT), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(BUDGET);
  });

  it('is an ES module exporting render(), without the validator or any HTML parsing', () => {
    const code = readFileSync(BUILT, 'utf8');
    expect(code).toMatch(/export\s*\{[^}]*\bas render\b|export\s*\{\s*render\s*\}|export function render/);
    expect(code).not.toMatch(/valibot|hono/i);
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser/);
    expect(code).toContain('/v1/decide');
  });
});
