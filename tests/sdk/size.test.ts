// @vitest-environment node
// The tracker's size is a feature: the built script tag must stay within its budget, gzip.
// (Issue 8 asks for at most 3,500 B. Moving the durable outbox and its IndexedDB queue into
// linger-store.js, loaded only when a page needs them, took it from 4,502 B to about 3,800 B;
// the promotion fields' own file (linger-promo.js) and trims to about 3,645 B: still over.
// This budget stops further growth; see /work/figures/sdk2.md for what is left.)
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUILT = new URL('../../sdk/dist/linger.js', import.meta.url);
const BUDGET = 3_700;

describe('tracker bundle', () => {
  it(`is at most ${BUDGET} bytes gzip`, () => {
    expect(existsSync(BUILT), 'sdk/dist/linger.js is missing: run `npm run build:sdk`').toBe(true);
    const gzip = gzipSync(readFileSync(BUILT), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(BUDGET);
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
});
