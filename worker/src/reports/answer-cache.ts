// Finished report answers, kept in this isolate for a few seconds: a dashboard asks the same
// questions again and again, and each answer otherwise costs a fan-out to every shard of the
// site. Keyed by site, route and query. Storing events or editing campaigns through this
// isolate drops the site's answers at once (`reportsChanged`); a change made through another
// isolate, or a report moved by the clock alone (days running, today's hours), shows after at
// most REPORT_MAX_AGE_MS. Only 200 answers are kept.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

/** How stale a report may be: documented in docs/statistics.md. */
export const REPORT_MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 200;

interface Kept {
  at: number;
  version: number;
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

const answers = new Map<string, Kept>();
const versions = new Map<string, number>();

/** The site's events or campaigns changed (no site: every site's): its kept answers go. */
export function reportsChanged(site?: string): void {
  if (site === undefined) answers.clear();
  else versions.set(site, (versions.get(site) ?? 0) + 1);
}

/** Serves a kept answer while fresh; keeps every successful new one. */
export const answerCache: MiddlewareHandler<AppEnv> = async (c, next) => {
  const site = c.get('site').key;
  const url = new URL(c.req.url);
  url.searchParams.sort();
  const key = `${site}\u0000${url.pathname}\u0000${url.search}`;
  const version = versions.get(site) ?? 0;
  const now = Date.now();
  const kept = answers.get(key);
  if (kept && kept.version === version && now - kept.at < REPORT_MAX_AGE_MS && now >= kept.at) {
    return new Response(kept.body.slice(0), { status: kept.status, headers: kept.headers });
  }
  await next();
  if (c.res.status !== 200) return;
  const body = await c.res.clone().arrayBuffer();
  if (answers.size >= MAX_ENTRIES) answers.clear();
  answers.set(key, { at: now, version, status: c.res.status, headers: [...c.res.headers], body });
};
