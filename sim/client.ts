// The simulator's HTTP client for a Linger collector: campaigns (admin key), decisions (site key
// and an allowed Origin), backdated events (the admin import route) and campaign reports (read
// key). Sends like the SDK: batches of at most 50 events and 16 KB, one visitor's batches in
// order, and every failed request retried with the same body (so the same event ids) on a
// network error, 429 or 5xx. A 4xx is a mistake that retrying cannot fix: it throws.
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from '../sdk/schema/limits';
import type { CampaignDefinition } from './campaigns';
import type { SimEvent } from './events';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  base: string;
  site: string;
  adminKey?: string;
  readKey?: string;
  /** The Origin sent with site-key requests (decide, collect); by default the base URL's. */
  origin?: string;
  /** Attempts per request before giving up (network errors, 429, 5xx). */
  attempts?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface Decision {
  slot: string;
  campaign: string;
  variant: string;
  decision_id: string;
  content: unknown;
}

export interface CampaignReportArm {
  variant: string;
  visitors: number;
  conversions: number;
  revenue: number;
}
export interface Uplift {
  variant: string;
  metric: string;
  absolute: number | null;
  relative?: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
}
export interface CampaignSummaryReport {
  id: string;
  name: string;
  arms: CampaignReportArm[];
  headline: Uplift | null;
  warnings: { code: string; message: string }[];
}
export interface CampaignDetailReport {
  arms: CampaignReportArm[];
  uplift: Uplift[];
  srm?: { p_value: number | null; flagged: boolean };
  warnings?: { code: string; message: string }[];
}

/** Splits events into request bodies as the SDK does: ≤ 50 events and ≤ 16 KB each (a single larger event goes alone). */
export function batches(events: readonly SimEvent[], maxEvents = MAX_BATCH_EVENTS, maxBytes = MAX_BATCH_BYTES): SimEvent[][] {
  const out: SimEvent[][] = [];
  let current: SimEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (current.length && (current.length >= maxEvents || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Runs `task(0 … count − 1)` with at most `concurrency` in flight; the first failure stops new tasks and is thrown. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  if (failure !== undefined) throw failure;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LingerClient {
  /** Requests made, and how many of them were retries. */
  readonly stats = { requests: 0, retries: 0 };
  private readonly fetch: typeof fetch;
  private readonly origin: string;

  constructor(private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.origin = options.origin ?? new URL(options.base).origin;
  }

  private url(path: string, query: Record<string, string> = {}) {
    const url = new URL(path, this.options.base);
    url.searchParams.set('site', this.options.site);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  private key(kind: 'admin' | 'read') {
    const key = kind === 'admin' ? this.options.adminKey : this.options.readKey ?? this.options.adminKey;
    if (!key) throw new Error(`the ${kind} key is needed for this request`);
    return { authorization: `Bearer ${key}` };
  }

  /** One request, retried with the same body on network errors, 429 and 5xx. Answers the parsed JSON. */
  async request<T>(method: string, url: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const attempts = this.options.attempts ?? 8;
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers };
    for (let attempt = 1; ; attempt++) {
      this.stats.requests++;
      if (attempt > 1) this.stats.retries++;
      let problem: string;
      try {
        const res = await this.fetch(url, { method, headers, body });
        const text = await res.text();
        if (res.ok) return (text ? JSON.parse(text) : null) as T;
        const message = (() => {
          try {
            return String(JSON.parse(text).error ?? text);
          } catch {
            return text.slice(0, 300);
          }
        })();
        if (res.status !== 429 && res.status < 500) throw new HttpError(res.status, `${method} ${url} answered ${res.status}: ${message}`);
        problem = `${res.status}: ${message}`;
      } catch (err) {
        if (err instanceof HttpError) throw err;
        problem = err instanceof Error ? err.message : String(err);
      }
      if (attempt >= attempts) throw new Error(`${method} ${url} failed after ${attempts} attempts: ${problem}`);
      await sleep(Math.min(5000, (this.options.backoffMs ?? 200) * 2 ** (attempt - 1)));
    }
  }

  async listCampaigns(): Promise<({ id: string; name: string } & Record<string, unknown>)[]> {
    const body = await this.request<unknown>('GET', this.url('/v1/admin/campaigns'), { headers: this.key('admin') });
    const list = Array.isArray(body) ? body : (body as { campaigns?: unknown[] })?.campaigns;
    return Array.isArray(list) ? (list as ({ id: string; name: string } & Record<string, unknown>)[]) : [];
  }

  async createCampaign(definition: CampaignDefinition): Promise<{ id: string } & Record<string, unknown>> {
    const body = await this.request<Record<string, unknown>>('POST', this.url('/v1/admin/campaigns'), { body: definition, headers: this.key('admin') });
    const campaign = (body.campaign ?? body) as { id: string } & Record<string, unknown>;
    if (typeof campaign.id !== 'string' && typeof campaign.id !== 'number') throw new Error(`POST /v1/admin/campaigns answered no id: ${JSON.stringify(body).slice(0, 300)}`);
    return { ...campaign, id: String(campaign.id) };
  }

  async updateCampaign(id: string, definition: Record<string, unknown>): Promise<void> {
    await this.request('PUT', this.url(`/v1/admin/campaigns/${encodeURIComponent(id)}`), { body: definition, headers: this.key('admin') });
  }

  /**
   * The campaigns' ids, creating those that do not exist yet (matched by name), so that a rerun
   * reuses them. Answers name → id.
   */
  async ensureCampaigns(definitions: readonly CampaignDefinition[], known?: readonly { id: string; name: string }[]): Promise<Map<string, string>> {
    const existing = known ?? (await this.listCampaigns());
    const ids = new Map<string, string>();
    for (const c of existing) if (typeof c.name === 'string' && !ids.has(c.name)) ids.set(c.name, String(c.id));
    for (const d of definitions) if (!ids.has(d.name)) ids.set(d.name, (await this.createCampaign(d)).id);
    return ids;
  }

  /**
   * GET /v1/decide for one visitor and page: the decided slots. `token` is the visitor's secret,
   * as the SDK keeps it: the first one the collector sees for a visitor is theirs. `query` adds
   * what the page says (exit, item, category, the landing page's UTM).
   */
  async decide(visitor: string, page: string, slots: readonly string[], userAgent: string, token = visitorToken(visitor), query: Record<string, string> = {}): Promise<Decision[]> {
    const body = await this.request<{ decisions?: Decision[] }>('GET', this.url('/v1/decide', { ...query, visitor, token, page, slots: slots.join(',') }), {
      headers: { origin: this.origin, 'user-agent': userAgent },
    });
    return Array.isArray(body?.decisions) ? body.decisions : [];
  }

  /**
   * Sends one batch of events. `import` (default) goes through the admin import route, which
   * keeps backdated timestamps as they are; `collect` through the public collector (for a
   * collector without the import route: it keeps old timestamps only while it corrects no skew).
   */
  async send(events: readonly SimEvent[], userAgent: string, via: 'import' | 'collect' = 'import'): Promise<{ accepted: number; duplicates: number; rejected: { index: number; reason: string }[] }> {
    const headers: Record<string, string> = { 'user-agent': userAgent, origin: this.origin, ...(via === 'import' ? this.key('admin') : {}) };
    // The import route takes the visitors' browser from the body (its own caller is a script).
    const payload = via === 'import' ? { events, user_agent: userAgent } : { events };
    const body = await this.request<{ accepted?: number; duplicates?: number; rejected?: { index: number; reason: string }[] }>('POST', this.url(via === 'import' ? '/v1/admin/import' : '/v1/collect'), { body: payload, headers });
    return { accepted: body?.accepted ?? 0, duplicates: body?.duplicates ?? 0, rejected: body?.rejected ?? [] };
  }

  async campaignReports(query: Record<string, string> = {}): Promise<CampaignSummaryReport[]> {
    const body = await this.request<{ campaigns?: CampaignSummaryReport[] }>('GET', this.url('/v1/reports/campaigns', query), { headers: this.key('read') });
    return body?.campaigns ?? [];
  }

  async campaignReport(id: string, query: Record<string, string> = {}): Promise<CampaignDetailReport> {
    return this.request<CampaignDetailReport>('GET', this.url(`/v1/reports/campaigns/${encodeURIComponent(id)}`, query), { headers: this.key('read') });
  }

  /** The admin view of a visitor's stored events (GET /v1/visitors/:id/events). */
  async visitorEvents(visitor: string, limit = 1000): Promise<{ events: unknown[] } | null> {
    try {
      return await this.request<{ events: unknown[] }>('GET', this.url(`/v1/visitors/${encodeURIComponent(visitor)}/events`, { limit: String(limit) }), { headers: this.key('admin') });
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return null;
      throw err;
    }
  }
}

/** A simulated visitor's secret token: 32 hex digits, fixed by its id. */
export function visitorToken(visitor: string): string {
  let h = 0x811c9dc5;
  let out = '';
  for (let round = 0; out.length < 32; round++) {
    for (const ch of `${round}:${visitor}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 32);
}
