// Many visitors from one (salted, hashed) address in a short time: a script minting visitor
// ids. Counted in the isolate's memory, per site and hour, like the rate limits.
const HOUR_MS = 3_600_000;
const MAX_ADDRESSES = 20_000;
const MAX_TRACKED = 1_000;

/** More distinct visitors than this from one address in an hour flags the newest ones. */
export const VISITORS_PER_ADDRESS_HOUR = 50;

const seen = new Map<string, { hour: number; visitors: Set<string> }>();

/** Records that `visitor` came from `address`; true when the address has had too many visitors this hour. */
export function busyAddress(site: string, address: string, visitor: string, now = Date.now()): boolean {
  const hour = Math.floor(now / HOUR_MS);
  const key = `${site}|${address}`;
  let entry = seen.get(key);
  if (!entry || entry.hour !== hour) {
    if (seen.size >= MAX_ADDRESSES) seen.clear();
    seen.set(key, (entry = { hour, visitors: new Set() }));
  }
  if (entry.visitors.size <= MAX_TRACKED) entry.visitors.add(visitor);
  return entry.visitors.size > VISITORS_PER_ADDRESS_HOUR;
}

export function resetBusyAddresses() {
  seen.clear();
}
