/**
 * A time-ordered id as 32 hex digits: 48 bits of Unix milliseconds, then 80 random bits (UUIDv7's
 * layout, without its version and variant bits, which nothing reads: the bytes go to randomness).
 * Time-ordered ids keep indexes append-friendly, and make retries safe to deduplicate.
 */
export function timeId(now = Date.now()): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  // `& 255` applies ToInt32, which keeps the low 32 bits: exact for the last bytes of the timestamp.
  for (let i = 0; i < 6; i++) b[i] = (now / 2 ** (40 - 8 * i)) & 255;
  return hex(b);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');

/** 128 random bits as 32 hex digits: the visitor's secret token. */
export const randomHex = () => hex(crypto.getRandomValues(new Uint8Array(16)));
