// @vitest-environment node
// The tracker's size is a feature: the built script tag must stay within its budget, gzip
// (issue 8: at most 3,500 B). What only some pages or visitors need is in files of its own,
// loaded beside it when needed: the durable outbox and its IndexedDB queue (linger-store.js),
// the promotion fields (linger-promo.js), the declarative product tracking (linger-items.js)
// and the slot renderer (linger-render.js).
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUILT = new URL('../../sdk/dist/linger.js', import.meta.url);
const BUDGET = 3_500;

describe('tracker bundle', () => {
  it(`is at most ${BUDGET} bytes gzip`, () => {
    expect(existsSync(BUILT), 'sdk/dist/linger.js is missing: run `npm run build:sdk`').toBe(true);
    const gzip = gzipSync(readFileSync(BUILT), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(BUDGET);
  });

  // Without it V8 compiles each function a second time when first called: at 4× CPU throttling
  // that was about 15 ms of a first visit's script time (npm run bench:sdk-cost).
  it('asks V8 to compile every function at once (compile hint), as does linger-items.js', () => {
    expect(readFileSync(BUILT, 'utf8').startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
    const items = readFileSync(new URL('../../sdk/dist/linger-items.js', import.meta.url), 'utf8');
    expect(items.startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
  });

  it('does not carry the validator or other server code', () => {
    const code = readFileSync(BUILT, 'utf8');
    expect(code).not.toMatch(/valibot|hono/i);
    expect(code).toContain('/v1/collect');
  });

  it('leaves the promotion fields to their own file, linger-promo.js', () => {
    expect(readFileSync(BUILT, 'utf8')).not.toContain('promotion_name');
    const promo = readFileSync(new URL('../../sdk/dist/linger-promo.js', import.meta.url), 'utf8');
    expect(promo).toMatch(/export\s*\{[^}]*\bas promote\b/);
    expect(promo).toContain('promotion_name');
  });

  it('leaves the declarative product tracking to its own file, linger-items.js', () => {
    expect(readFileSync(BUILT, 'utf8')).not.toContain('view_item_list');
    const items = readFileSync(new URL('../../sdk/dist/linger-items.js', import.meta.url), 'utf8');
    expect(items).toMatch(/export\s*\{[^}]*\bas scan\b/);
    expect(items).toMatch(/export\s*\{[^}]*\bas itemClick\b/);
    expect(items).toContain('view_item_list');
  });
});
