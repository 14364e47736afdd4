import type { Site } from './sites';

/** Bindings declared in wrangler.toml (see globals.d.ts). */
export type Env = Cloudflare.Env;

/** Hono's typed context for every route. */
export interface AppEnv {
  Bindings: Env;
  /** `ipHash`: the caller's salted address hash, when it came from a non-loopback address. */
  Variables: { site: Site; ipHash?: string };
}
