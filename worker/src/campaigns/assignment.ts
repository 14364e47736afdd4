// Which arm of a campaign a visitor is in: a pure function of the visitor id and the campaign,
// so it is sticky across sessions and devices' clocks, and the same on every server.
import { HOLDOUT } from './definition';

const encoder = new TextEncoder();

/**
 * MurmurHash3, x86 32-bit (Appleby), over the UTF-8 bytes of `key`. A full-avalanche mixing
 * hash: every input bit flips each output bit with probability ≈ ½, which FNV's multiply-xor
 * does not give in its high bits. Reference values: ("", 0) → 0, ("", 1) → 0x514e28b7,
 * ("hello", 0) → 0x248bfa47.
 */
export function murmur3(key: string, seed: number): number {
  const data = encoder.encode(key);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = data.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (data.length & 3) {
    case 3:
      k ^= data[blocks + 2] << 16;
    // falls through
    case 2:
      k ^= data[blocks + 1] << 8;
    // falls through
    case 1:
      k ^= data[blocks];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The two independent uniform draws in [0, 1) of a visitor in a campaign: one for the holdout, one for the variant. */
export function draws(campaignId: string, visitorId: string): { holdout: number; variant: number } {
  const key = `${campaignId}:${visitorId}`;
  return { holdout: murmur3(key, 1) / 2 ** 32, variant: murmur3(key, 2) / 2 ** 32 };
}

export interface Arms {
  id: string;
  holdout: number;
  variants: readonly { name: string; weight: number }[];
}

/**
 * The visitor's arm: "holdout" when the first draw is below the holdout fraction, otherwise the
 * variant whose share of the summed weights contains the second draw.
 */
export function assignArm(campaign: Arms, visitorId: string): string {
  const u = draws(campaign.id, visitorId);
  if (u.holdout < campaign.holdout) return HOLDOUT;
  const total = campaign.variants.reduce((s, x) => s + x.weight, 0);
  let w = u.variant * total;
  for (const x of campaign.variants) {
    if (w < x.weight) return x.name;
    w -= x.weight;
  }
  return campaign.variants[campaign.variants.length - 1].name;
}
