// A history for the demo shop, loaded once by `npm start`: the demo's campaigns (created if
// missing) and about 2,000 simulated visitors over the past 21 days, sent through the admin
// import route, so that a newcomer's dashboard is full at once.
//
// It runs once: visitor 0 of the history is sent after all the others, so finding its events
// at the collector means an earlier load finished. An interrupted load simply runs again; its
// events keep their ids, so what already arrived counts as duplicates.
import { fallbackDemoDefinitions, simCampaignsFor, type CampaignDefinition } from './campaigns';
import { LingerClient } from './client';
import { hexId } from './random';
import { runSimulation, type SimulationSummary } from './run';

export interface DemoHistoryOptions {
  /** The demo's campaigns; by default demo-shop/src/campaigns.js's, or the simulator's own set. */
  definitions?: CampaignDefinition[];
  visitors?: number;
  days?: number;
  seed?: number;
  /** End of the history (Unix ms, at most now); by default now. */
  end?: number;
  /** Origin for GET /v1/decide (one the site allows); by default the base URL's. */
  origin?: string;
  concurrency?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface DemoHistoryResult {
  loaded: boolean;
  /** Why nothing was loaded. */
  reason?: string;
  summary?: SimulationSummary;
}

const DEFAULTS = { visitors: 2000, days: 21, seed: 2026 };

/** The demo shop's campaign definitions from demo-shop/src/campaigns.js, when it exists and exports a list. */
export async function shopCampaignDefinitions(): Promise<CampaignDefinition[] | undefined> {
  const path = '../demo-shop/src/campaigns.js';
  let module: Record<string, unknown>;
  try {
    module = await import(/* @vite-ignore */ path);
  } catch {
    return undefined;
  }
  for (const name of ['campaigns', 'DEMO_CAMPAIGNS', 'demoCampaigns', 'default']) {
    let value = module[name];
    if (typeof value === 'function') value = await (value as () => unknown)();
    if (Array.isArray(value) && value.length && value.every((c) => c && typeof c.name === 'string' && Array.isArray(c.variants) && Array.isArray(c.slots))) {
      return value as CampaignDefinition[];
    }
  }
  return undefined;
}

/** The id of the history's marker visitor (visitor 0 of its seed). */
export const markerVisitor = (seed = DEFAULTS.seed) => hexId(seed, 'visitor', 0);

export async function loadDemoHistory(base: string, site: string, keys: { admin: string; read?: string }, options: DemoHistoryOptions = {}): Promise<DemoHistoryResult> {
  const { visitors, days, seed } = { ...DEFAULTS, ...options };
  const client = new LingerClient({ base, site, adminKey: keys.admin, fetch: options.fetch });
  const marker = await client.visitorEvents(markerVisitor(seed), 1);
  if (marker && marker.events.length > 0) return { loaded: false, reason: 'the demo history is already loaded' };

  const definitions = options.definitions ?? (await shopCampaignDefinitions()) ?? fallbackDemoDefinitions();
  const summary = await runSimulation({
    visitors, days, seed, base, site,
    end: options.end,
    adminKey: keys.admin,
    readKey: keys.read,
    origin: options.origin,
    campaigns: simCampaignsFor(definitions),
    markerLast: true,
    backdateExisting: true,
    concurrency: options.concurrency ?? 8,
    fetch: options.fetch,
    log: options.log,
  });
  return { loaded: true, summary };
}
