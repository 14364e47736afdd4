import type { Site } from './sites';
import type { TrainingMessage } from './training/queue';

/** Bindings declared in wrangler.toml (see globals.d.ts). */
export type Env = Cloudflare.Env;

declare global {
  namespace Cloudflare {
    interface Env {
      /** The retraining queue (training/queue.ts): the cron produces, the worker's `queue` handler consumes. */
      TRAINING: Queue<TrainingMessage>;
    }
  }
}

/** Hono's typed context for every route. */
export interface AppEnv {
  Bindings: Env;
  /** `ipHash`: the caller's salted address hash, when it came from a non-loopback address. */
  Variables: { site: Site; ipHash?: string };
}
