// One simulation run: plan the visitors, learn each one's arms (GET /v1/decide, or locally in a
// dry run), let them live, render their events and send them, backdated over the past D days,
// through the admin import route. Answers what was sent, the sample's own per-arm figures, and
// (optionally) the true effects from a large offline population.
import { localArms } from './assign';
import { HOLDOUT, benchCampaigns, type SimCampaign } from './campaigns';
import { simCatalog } from './catalog';
import { LingerClient, batches, pool, type Decision } from './client';
import { renderEvents, type SimEvent } from './events';
import { journey } from './journey';
import { live, type Assignment, type LivedVisitor } from './live';
import { DAY_MS, planVisitor, type VisitorPlan } from './plan';
import { uniform } from './random';
import { decideQuery, isDynamic, slotsAt } from './targeting';
import { trueEffects, type TrueEffect } from './truth';

/** The offline population's seed for true effects (no run uses it as its own). */
export const TRUTH_SEED = 2_000_000_011;

export interface SimulationOptions {
  visitors: number;
  days: number;
  seed: number;
  /** End of the simulated period (Unix ms); by default now. Fix it to get byte-identical events. */
  end?: number;
  campaigns?: SimCampaign[];
  /** Plan, live and count, but send nothing (arms are drawn locally). */
  dryRun?: boolean;
  base?: string;
  site?: string;
  adminKey?: string;
  readKey?: string;
  /** Origin header for the site-key routes; by default the base URL's origin. */
  origin?: string;
  /** The shop's origin in event URLs; by default the base URL. */
  shop?: string;
  /** `import` (admin import route, default) or `collect` (public collector). */
  via?: 'import' | 'collect';
  /** `server` (GET /v1/decide, default) or `local` (the simulator draws the arms and creates no campaign: for a collector without campaigns). */
  assign?: 'server' | 'local';
  concurrency?: number;
  /** Break the split: drop every event of `srmDrop` of one campaign's holdout visitors, as a buggy integration would. */
  breakSrm?: boolean;
  srmDrop?: number;
  /** The campaign whose holdout loses traffic (key); by default the first with an injected effect. */
  srmCampaign?: string;
  /** Offline visitors for the true effects (0: skip). */
  truthVisitors?: number;
  /** Move the start of campaigns that already exist back before the history (the demo's: seeded today). */
  backdateExisting?: boolean;
  /** Send visitor 0 after all the others: its events then mark a finished run. */
  markerLast?: boolean;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface ArmSummary {
  variant: string;
  /** Visitors assigned (sent or not). */
  assigned: number;
  /** Sent visitors with at least one exposure. */
  exposed: number;
  /** Of those, converted within the window after first exposure. */
  conversions: number;
  revenueCents: number;
}

export interface CampaignSummary {
  key: string;
  id: string;
  name: string;
  role: SimCampaign['role'];
  effects: Record<string, number>;
  arms: ArmSummary[];
  /** Visitors of this campaign's holdout whose traffic was dropped (--break-srm). */
  dropped: number;
}

export interface SimulationSummary {
  seed: number;
  visitors: number;
  days: number;
  end: number;
  dryRun: boolean;
  site?: string;
  sent: { visitors: number; sessions: number; events: number; batches: number; requests: number; retries: number; accepted: number; duplicates: number; rejected: number };
  eventsByName: Record<string, number>;
  segments: Record<string, number>;
  purchases: number;
  revenueCents: number;
  campaigns: CampaignSummary[];
  truth?: TrueEffect[];
  /** The first rejections the collector reported, if any. */
  rejections: string[];
}

/** The page type a decision is asked for up front, per placement (exit slots are asked on exit only). */
const DECIDE_PAGE: Record<SimCampaign['placement'], string> = { home: 'home', product: 'product', cart: 'cart', exit: 'cart' };

/** A campaign start before the first backdated event, in the definition's own format (ISO by default). */
function backdatedStart(current: unknown, start: number): unknown {
  if (typeof current === 'number') return Math.min(current, start);
  if (typeof current === 'string' && Date.parse(current) <= start) return current;
  return new Date(start).toISOString();
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationSummary> {
  const log = o.log ?? (() => {});
  const catalog = simCatalog();
  const campaigns = o.campaigns ?? benchCampaigns();
  const end = o.end ?? Date.now();
  const window = { days: o.days, end };
  const dryRun = !!o.dryRun;
  const assignLocally = dryRun || o.assign === 'local';
  const srmKey = o.breakSrm ? o.srmCampaign ?? (campaigns.find((c) => c.role === 'effect') ?? campaigns[0])?.key : undefined;
  const srmDrop = o.srmDrop ?? 0.2;

  let client: LingerClient | undefined;
  const ids = new Map<string, string>(campaigns.map((c) => [c.key, c.key]));
  if (!dryRun) {
    if (!o.base || !o.site) throw new Error('--base and --site are needed to send (or use --dry-run)');
    client = new LingerClient({ base: o.base, site: o.site, adminKey: o.adminKey, readKey: o.readKey, origin: o.origin, fetch: o.fetch });
  }
  // With local arms the campaigns exist only in the simulator: their keys stand for their ids.
  if (client && !assignLocally) {
    const start = end - (o.days + 1) * DAY_MS;
    const existing = await client.listCampaigns();
    const byName = await client.ensureCampaigns(
      campaigns.map((c) => ({ ...c.definition, start: backdatedStart(c.definition.start, start) as string })),
      existing,
    );
    for (const c of campaigns) ids.set(c.key, byName.get(c.definition.name)!);
    if (o.backdateExisting) {
      for (const found of existing) {
        const moved = backdatedStart(found.start, start);
        if (!campaigns.some((c) => c.definition.name === found.name) || moved === found.start) continue;
        const { id, ...rest } = found;
        await client.updateCampaign(String(id), { ...rest, start: moved }).catch((err) => log(`could not move the start of campaign ${found.name}: ${err.message}`));
      }
    }
    log(`campaigns: ${campaigns.map((c) => `${c.definition.name} = ${ids.get(c.key)}`).join('; ')}`);
  }
  const byId = new Map(campaigns.map((c) => [ids.get(c.key)!, c]));

  const summary: SimulationSummary = {
    seed: o.seed, visitors: o.visitors, days: o.days, end, dryRun, site: o.site,
    sent: { visitors: 0, sessions: 0, events: 0, batches: 0, requests: 0, retries: 0, accepted: 0, duplicates: 0, rejected: 0 },
    eventsByName: {}, segments: {}, purchases: 0, revenueCents: 0, rejections: [],
    campaigns: campaigns.map((c) => ({
      key: c.key, id: ids.get(c.key)!, name: c.definition.name, role: c.role, effects: Object.fromEntries(c.effects), dropped: 0,
      arms: [HOLDOUT, ...c.definition.variants.map((v) => v.name)].map((variant) => ({ variant, assigned: 0, exposed: 0, conversions: 0, revenueCents: 0 })),
    })),
  };
  const armOf = (key: string, variant: string) => {
    const c = summary.campaigns.find((x) => x.key === key)!;
    let arm = c.arms.find((a) => a.variant === variant);
    if (!arm) c.arms.push((arm = { variant, assigned: 0, exposed: 0, conversions: 0, revenueCents: 0 }));
    return arm;
  };

  /**
   * The visitor's arms: one decision per page type the campaigns are on, at the visitor's first
   * visit. Campaigns that target what the visitor does are decided later, in the journey.
   */
  const armsOf = async (plan: VisitorPlan): Promise<Map<string, Assignment>> => {
    if (assignLocally) {
      const arms = localArms(o.seed, plan.index, campaigns);
      for (const [key, a] of arms) arms.set(key, { ...a, campaignId: ids.get(key)! });
      return arms;
    }
    const arms = new Map<string, Assignment>();
    const pages = new Map<string, string[]>();
    for (const c of campaigns.filter((x) => !isDynamic(x))) {
      const page = DECIDE_PAGE[c.placement];
      pages.set(page, [...new Set([...(pages.get(page) ?? []), ...c.definition.slots])]);
    }
    for (const [page, slots] of pages) {
      const decisions: Decision[] = await client!.decide(plan.id, page, slots, plan.userAgent);
      for (const d of decisions) {
        const c = byId.get(String(d.campaign));
        if (c && !arms.has(c.key)) arms.set(c.key, { campaignId: String(d.campaign), variant: d.variant, decisionId: d.decision_id, slot: d.slot });
      }
    }
    return arms;
  };

  const shop = o.shop ?? o.base ?? 'https://shop.example';
  const send = async (plan: VisitorPlan, events: SimEvent[]) => {
    for (const batch of batches(events)) {
      summary.sent.batches++;
      if (!client) continue;
      const answer = await client.send(batch, plan.userAgent, o.via ?? 'import');
      summary.sent.accepted += answer.accepted;
      summary.sent.duplicates += answer.duplicates;
      summary.sent.rejected += answer.rejected.length;
      for (const r of answer.rejected) if (summary.rejections.length < 10) summary.rejections.push(`${batch[r.index]?.name}: ${r.reason}`);
    }
  };

  const started = performance.now();
  let done = 0;
  const simulate = async (i: number) => {
    const plan = planVisitor(o.seed, i, window, catalog);
    const arms = await armsOf(plan);
    const dropped = !!srmKey && arms.get(srmKey)?.variant === HOLDOUT && uniform(o.seed, 'srm', i) < srmDrop;
    let lived: LivedVisitor;
    let events: SimEvent[];
    if (assignLocally || dropped) {
      lived = live(plan, arms, campaigns);
      events = renderEvents(lived, arms, catalog, shop);
    } else {
      // Against a collector, the visitor's events go out as the journey reaches each decision.
      ({ lived, events } = await journey(plan, arms, campaigns, {
        byId,
        render: (l, a) => renderEvents(l, a, catalog, shop),
        send: (batch) => send(plan, batch),
        decide: (m) => client!.decide(plan.id, m.page, slotsAt(m, campaigns), plan.userAgent, undefined, decideQuery(m)),
      }));
    }
    for (const [key, a] of arms) armOf(key, a.variant).assigned++;
    summary.segments[plan.segment.name] = (summary.segments[plan.segment.name] ?? 0) + 1;
    if (dropped) {
      summary.campaigns.find((c) => c.key === srmKey)!.dropped++;
      return;
    }
    for (const [key, outcome] of lived.outcomes) {
      const arm = armOf(key, arms.get(key)!.variant);
      arm.exposed++;
      if (outcome.converted) arm.conversions++;
      arm.revenueCents += outcome.revenueCents;
    }
    summary.sent.visitors++;
    summary.sent.sessions += lived.sessions.length;
    summary.sent.events += events.length;
    for (const e of events) {
      summary.eventsByName[e.name] = (summary.eventsByName[e.name] ?? 0) + 1;
      if (e.name === 'purchase') {
        summary.purchases++;
        summary.revenueCents += Math.round((e.props!.value as number) * 100);
      }
    }
    if (assignLocally) await send(plan, events);
    if (++done % 500 === 0) log(`  ${done} visitors, ${summary.sent.events} events, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  const first = o.markerLast ? 1 : 0;
  await pool(o.visitors - first, o.concurrency ?? 8, (i) => simulate(i + first));
  if (o.markerLast && o.visitors > 0) await simulate(0);
  if (client) Object.assign(summary.sent, { requests: client.stats.requests, retries: client.stats.retries });

  if (o.truthVisitors) summary.truth = trueEffects(campaigns, window, catalog, { seed: TRUTH_SEED, visitors: o.truthVisitors });
  return summary;
}

/** The sample's own uplift per variant (the difference of conversion rates among exposed visitors). */
export function sampleUplift(c: CampaignSummary, variant: string): number | null {
  const h = c.arms.find((a) => a.variant === HOLDOUT);
  const v = c.arms.find((a) => a.variant === variant);
  if (!h?.exposed || !v?.exposed) return null;
  return v.conversions / v.exposed - h.conversions / h.exposed;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const money = (cents: number) => `€${(cents / 100).toFixed(2)}`;

/** A readable report of a run. */
export function formatSummary(s: SimulationSummary): string {
  const lines = [
    `seed ${s.seed}: ${s.visitors} visitors over ${s.days} days to ${new Date(s.end).toISOString()}${s.dryRun ? ' (dry run, nothing sent)' : ` → site ${s.site}`}`,
    `  segments: ${Object.entries(s.segments).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  sent: ${s.sent.visitors} visitors, ${s.sent.sessions} sessions, ${s.sent.events} events in ${s.sent.batches} batches` +
      (s.dryRun ? '' : `; ${s.sent.requests} requests (${s.sent.retries} retries); accepted ${s.sent.accepted}, duplicates ${s.sent.duplicates}, rejected ${s.sent.rejected}`),
    `  events: ${Object.entries(s.eventsByName).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  purchases ${s.purchases}, revenue ${money(s.revenueCents)}`,
    '',
    '  campaign                                   arm          assigned  exposed  conv   rate      effect  true abs',
  ];
  for (const c of s.campaigns) {
    for (const a of c.arms) {
      const truth = s.truth?.find((t) => t.campaign === c.key && t.variant === a.variant);
      lines.push(
        `  ${c.name.slice(0, 42).padEnd(42)} ${a.variant.slice(0, 12).padEnd(12)} ${String(a.assigned).padStart(8)} ${String(a.exposed).padStart(8)} ${String(a.conversions).padStart(5)}  ${(a.exposed ? pct(a.conversions / a.exposed) : '-').padStart(8)}  ${
          a.variant === HOLDOUT ? '     -' : `×${(c.effects[a.variant] ?? 1).toFixed(2)}`.padStart(6)
        }  ${truth ? truth.absolute.toFixed(4).padStart(8) : ''}`,
      );
    }
    if (c.dropped) lines.push(`  ${''.padEnd(42)} (traffic of ${c.dropped} holdout visitors dropped: the split is broken)`);
  }
  if (s.truth) {
    lines.push('', '  true effects (offline population, potential outcomes): campaign / variant: absolute (± MC se), relative; only mature windows');
    for (const t of s.truth) {
      lines.push(`  ${t.campaign} / ${t.variant}: ${t.absolute.toFixed(4)} (± ${t.se.toFixed(4)}), ${pct(t.relative)} of ${pct(t.holdoutRate)}; mature ${t.mature.absolute.toFixed(4)} over ${t.exposed} → ${t.mature.exposed} visitors`);
    }
  }
  if (s.rejections.length) lines.push('', `  rejected events: ${s.rejections.join(' | ')}`);
  return lines.join('\n');
}
