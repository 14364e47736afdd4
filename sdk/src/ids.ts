/**
 * A time-ordered id as 32 hex digits: 48 bits of Unix milliseconds, then 80 random bits (UUIDv7's
 * layout, without its version and variant bits, which nothing reads: the bytes go to randomness).
 * Time-ordered ids keep indexes append-friendly, and make retries safe to deduplicate.
 */
export const timeId = (now = Date.now()): string => now.toString(16).padStart(12, '0') + randomHex().slice(12);

/** 128 random bits as 32 hex digits: the visitor's secret token. */
export const randomHex = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => (x + 256).toString(16).slice(1)).join('');
