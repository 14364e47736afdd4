// The project's bindings and main module, declared once for the Workers types (what
// `wrangler types` would generate), so `env` and `exports` are typed everywhere.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
    durableNamespaces: 'VisitorShard' | 'SiteBrain';
  }
  /** Bindings declared in wrangler.toml. */
  interface Env {
    DB: D1Database;
    SHARDS: DurableObjectNamespace<import('./visitor-shard').VisitorShard>;
    BRAIN: DurableObjectNamespace<import('./site-brain').SiteBrain>;
    ASSETS?: Fetcher;
    ARCHIVE: R2Bucket;
    /** A path the worker is served under on the shop's domain, e.g. "/linger" (docs/operations.md). */
    LINGER_PATH_PREFIX?: string;
    /** Secret (`wrangler secret put`): lets its holder create shops through POST /v1/sites. */
    LINGER_OPERATOR_KEY?: string;
  }
}
