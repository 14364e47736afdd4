// A visitor's personalized reads (/v1/recs, /v1/decide) are bound to the visitor's own browser.
// The SDK makes a random secret on the first visit and derives the visitor id from it:
// id = the first 32 hex digits of SHA-256("linger-visitor:" + secret). Events carry only the id;
// reads carry the secret as `token`, which nobody else has, and the collector checks the
// derivation: no state to store, no round trip to issue tokens. Knowing a visitor id is not
// enough to read what that visitor viewed.
import { sha256Hex } from '../hash';

export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

export async function visitorIdOf(token: string): Promise<string> {
  return (await sha256Hex(`linger-visitor:${token}`)).slice(0, 32);
}

/** True when `token` is the secret the visitor id was derived from. */
export async function ownsVisitor(visitorId: string, token: string | undefined): Promise<boolean> {
  return !!token && TOKEN_PATTERN.test(token) && (await visitorIdOf(token)) === visitorId;
}
