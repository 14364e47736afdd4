// Many visitors from one (salted, hashed) address in a short time: a script minting visitor
// ids. Counted in the isolate's memory, per site and hour, like the rate limits.
const HOUR_MS = 3_600_000;
const MAX_ADDRESSES = 20_000;
const MAX_TRACKED = 1_000;

/** More distinct visitors than this from one address in an hour flags the newest ones. */
export const VISITORS_PER_ADDRESS_HOUR = 50;

interface AddressHour {
  hour: number;
  /** This hour's visitors, in order of arrival, each with whether it was flagged then. */
  visitors: Map<string, boolean>;
  /** Visitors not flagged in the hour before: they keep that standing (a session spans the hour). */
  cleared: Set<string>;
}

const seen = new Map<string, AddressHour>();

/**
 * Records that `visitor` came from `address`; true when the visitor came after the address had
 * had too many visitors this hour. A visitor keeps the answer of its first event, so the
 * visitors who came before (people behind one office or carrier address) are never flagged by
 * those who come after them.
 */
export function busyAddress(site: string, address: string, visitor: string, now = Date.now()): boolean {
  const hour = Math.floor(now / HOUR_MS);
  const key = `${site}|${address}`;
  let entry = seen.get(key);
  if (!entry || entry.hour !== hour) {
    const cleared = entry?.hour === hour - 1 ? [...entry.visitors].filter(([, flagged]) => !flagged).map(([v]) => v) : [];
    if (seen.size >= MAX_ADDRESSES) seen.clear();
    seen.set(key, (entry = { hour, visitors: new Map(), cleared: new Set(cleared) }));
  }
  let flagged = entry.visitors.get(visitor);
  if (flagged === undefined) {
    flagged = !entry.cleared.has(visitor) && entry.visitors.size >= VISITORS_PER_ADDRESS_HOUR;
    // past this many, newcomers are not kept: they are flagged anyway, on every event
    if (entry.visitors.size < MAX_TRACKED) entry.visitors.set(visitor, flagged);
  }
  return flagged;
}

export function resetBusyAddresses() {
  seen.clear();
}
