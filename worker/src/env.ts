import type { Site } from './sites';
import type { CronMessage } from './training/queue';

/** Bindings declared in wrangler.toml (see globals.d.ts). */
export type Env = Cloudflare.Env;

declare global {
  namespace Cloudflare {
    interface Env {
      /** The cron's work queue (training/queue.ts: archives and retraining): the cron produces, the worker's `queue` handler consumes. */
      TRAINING: Queue<CronMessage>;
    }
  }
}

/** Hono's typed context for every route. */
export interface AppEnv {
  Bindings: Env;
  /** `ipHash`: the caller's salted address hash, when it came from a non-loopback address. */
  Variables: { site: Site; ipHash?: string };
}
