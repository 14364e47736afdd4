/**
 * A UUIDv7 as 32 hex digits: 48 bits of Unix milliseconds, then randomness. Time-ordered ids keep the
 * collector's primary-key index append-friendly, and make retries safe to deduplicate.
 */
export function uuid7(now = Date.now()): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  // `& 255` applies ToInt32, which keeps the low 32 bits: exact for the last bytes of the timestamp.
  for (let i = 0; i < 6; i++) b[i] = (now / 2 ** (40 - 8 * i)) & 255;
  b[6] = (b[6] & 15) | 0x70;
  b[8] = (b[8] & 63) | 0x80;
  // 32 hex digits: the UUID without its dashes.
  return hex(b);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');

/** 128 random bits as 32 hex digits: the visitor's secret token. */
export const randomHex = () => hex(crypto.getRandomValues(new Uint8Array(16)));
