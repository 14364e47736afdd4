// @vitest-environment node
// The tracker's size is a feature: the built script tag must stay within 4 KB gzip.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUILT = new URL('../../sdk/dist/linger.js', import.meta.url);
const BUDGET = 4 * 1024;

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
});
