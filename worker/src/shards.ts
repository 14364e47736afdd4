import type { Env } from './env';
import { fnv1a } from './hash';
import type { Site } from './sites';

/**
 * The shard that owns a visitor. Shards are named by site and a hash of the visitor id,
 * so a visitor always lands on the same object and a site's load spreads over `site.shards` objects.
 */
export function shardOf(env: Env, site: Site, visitorId: string) {
  return shardByIndex(env, site, shardIndex(site, visitorId));
}

/** The number of the shard that owns a visitor. */
export const shardIndex = (site: Site, visitorId: string) => fnv1a(visitorId) % site.shards;

/** Shard number `index` of a site (for jobs that visit every shard). */
export function shardByIndex(env: Env, site: Site, index: number) {
  return env.SHARDS.get(env.SHARDS.idFromName(`${site.key}/${index}`));
}
