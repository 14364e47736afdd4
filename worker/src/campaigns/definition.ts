// A campaign's definition: what a marketer sends to the admin API, validated field by field so
// a 400 names the field at fault. Creatives are plain data, never HTML.
import * as v from 'valibot';
import { describeIssue } from '../../../sdk/schema/events';
import { isCalendarDay } from '../calendar';
import type { LifecycleStage } from '../ml/lifecycle';

export const HOLDOUT = 'holdout';
export const PAGE_TYPES = ['home', 'product', 'category', 'cart', 'checkout', 'search', 'other'] as const;
export type PageType = (typeof PAGE_TYPES)[number];
export const STRATEGIES = ['personal', 'similar', 'bought_together', 'trending', 'recently_viewed'] as const;
export type Strategy = (typeof STRATEGIES)[number];
const LIFECYCLE: LifecycleStage[] = ['new', 'engaged', 'returning', 'loyal', 'lapsing', 'churned'];
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
/** Placeholders a creative's text may use; the decision fills them in. */
export const PLACEHOLDERS = ['code', 'category'] as const;

/** Campaign ids, variant and slot names: they travel in URLs and event properties. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const namePattern = (what: string) => v.pipe(v.string(`${what} must be a string`), v.regex(NAME_PATTERN, `${what} must be 1-64 characters of A-Z, a-z, 0-9, _ or -`));

const strict = <T extends v.ObjectEntries>(entries: T) =>
  v.strictObject(entries, (issue) => (issue.expected === 'never' ? 'is not a known field' : 'must be an object'));
const int = (min: number, max: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(min, `must be ≥ ${min}`), v.maxValue(max, `must be ≤ ${max}`));
const fraction = (max = 1) => v.pipe(v.number('must be a number'), v.finite('must be a finite number'), v.minValue(0, 'must be ≥ 0'), v.maxValue(max, `must be ≤ ${max}`));
const money = v.pipe(v.number('must be a number'), v.finite('must be a finite number'), v.minValue(0, 'must be ≥ 0'));
const list = <T extends v.GenericSchema<unknown, string>>(item: T, max = 50) =>
  v.pipe(v.array(item, 'must be an array'), v.minLength(1, 'must not be empty'), v.maxLength(max, `at most ${max} entries`));
const words = list(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(200, 'at most 200 characters')));

/** A time as an ISO 8601 string or epoch milliseconds; stored as milliseconds. */
const time = v.pipe(
  v.union([v.string(), v.number()], 'must be an ISO 8601 date string or epoch milliseconds'),
  v.transform((t) => (typeof t === 'number' ? t : isCalendarDay(t) ? Date.parse(t) : NaN)),
  v.check((ms) => Number.isInteger(ms) && ms >= 0 && ms <= 8.64e15, 'must be an ISO 8601 date string or epoch milliseconds'),
);

/** Text shown as text: no markup, and only the known `{placeholders}`. */
const plainText = (max: number, min = 0) =>
  v.pipe(
    v.string('must be a string'),
    v.minLength(min, 'must not be empty'),
    v.maxLength(max, `at most ${max} characters`),
    v.check((s) => !/<[a-zA-Z!/?]/.test(s), 'must be plain text, not HTML'),
    v.check(
      (s) => [...s.matchAll(/\{([^{}]*)\}/g)].every((m) => (PLACEHOLDERS as readonly string[]).includes(m[1])),
      `may use only the placeholders ${PLACEHOLDERS.map((p) => `{${p}}`).join(' and ')}`,
    ),
  );

const RELATIVE_BASE = 'https://relative.invalid';
/** The origin a URL points to: null when it is relative (stays on the shop), undefined when it is not http(s). */
export function urlOrigin(url: string): string | null | undefined {
  // Browsers drop tabs and newlines inside URLs ("java\tscript:"), so none are allowed at all.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, `${RELATIVE_BASE}/`);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.origin === RELATIVE_BASE ? null : parsed.origin;
}

const linkUrl = v.pipe(
  v.string('must be a string'),
  v.maxLength(2048, 'at most 2048 characters'),
  v.check((u) => urlOrigin(u) !== undefined, 'must be an http(s) or relative URL'),
);
const imageUrl = (origins: string[]) =>
  v.pipe(
    linkUrl,
    v.check((u) => {
      const origin = urlOrigin(u);
      return origin === null || origins.some((o) => o === '*' || o.toLowerCase() === origin);
    }, `must be relative or come from one of the site's allowed origins (${origins.join(', ') || 'none'})`),
  );

const promotionContent = (origins: string[]) =>
  strict({
    title: plainText(120, 1),
    text: plainText(500),
    image: v.optional(imageUrl(origins)),
    link: v.optional(linkUrl),
    code: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 characters of A-Z, a-z, 0-9, _ or -'))),
    cta: v.optional(plainText(60, 1)),
  });

const recommendationContent = strict({
  title: plainText(120, 1),
  strategy: v.picklist(STRATEGIES, `must be one of ${STRATEGIES.join(', ')}`),
  limit: v.optional(int(1, 20)),
});

/** Variants' weights are shares: bounded, so that their sum is a finite number the split can divide. */
const MAX_WEIGHT = 1e6;
const variants = <T extends v.GenericSchema>(content: T) =>
  v.pipe(
    v.array(strict({ name: namePattern('name'), weight: v.pipe(money, v.check((w) => w > 0, 'must be > 0'), v.maxValue(MAX_WEIGHT, `must be ≤ ${MAX_WEIGHT}`)), content }), 'must be an array'),
    v.minLength(1, 'must list at least one variant'),
    v.maxLength(10, 'at most 10 variants'),
  );

const targeting = strict({
  intent_min: v.optional(fraction()),
  intent_max: v.optional(fraction()),
  segments: v.optional(words),
  lifecycle: v.optional(list(v.picklist(LIFECYCLE, `must be one of ${LIFECYCLE.join(', ')}`))),
  page_types: v.optional(list(v.picklist(PAGE_TYPES, `must be one of ${PAGE_TYPES.join(', ')}`))),
  categories: v.optional(words),
  cart_value_min: v.optional(money),
  cart_value_max: v.optional(money),
  utm_source: v.optional(words),
  utm_medium: v.optional(words),
  utm_campaign: v.optional(words),
  devices: v.optional(list(v.picklist(DEVICES, `must be one of ${DEVICES.join(', ')}`))),
  visitor: v.optional(v.picklist(['new', 'returning'], 'must be "new" or "returning"')),
  exit_intent: v.optional(v.boolean('must be true or false')),
});

const common = {
  id: v.optional(namePattern('id')),
  name: v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(200, 'at most 200 characters')),
  slots: v.pipe(list(namePattern('slot'), 20), v.check((s) => new Set(s).size === s.length, 'must not repeat a slot')),
  start: v.optional(time),
  end: v.optional(v.nullable(time)),
  priority: v.optional(int(-1000, 1000), 0),
  caps: v.optional(strict({ per_day: v.optional(int(1, 1000)), per_week: v.optional(int(1, 10_000)) }), {}),
  targeting: v.optional(targeting, {}),
  holdout: v.optional(fraction(0.5), 0.1),
  window_days: v.optional(int(1, 90), 7),
  status: v.optional(v.picklist(['active', 'paused', 'ended'], 'must be "active", "paused" or "ended"'), 'active'),
};

const campaignSchema = (origins: string[]) =>
  v.pipe(
    v.variant(
      'type',
      [
        strict({ ...common, type: v.literal('promotion'), variants: variants(promotionContent(origins)) }),
        strict({ ...common, type: v.literal('recommendation'), variants: variants(recommendationContent) }),
      ],
      'type must be "promotion" or "recommendation"',
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const c = dataset.value;
      const seen = new Set<string>();
      c.variants.forEach((variant, i) => {
        if (variant.name === HOLDOUT) addIssue({ message: `variants.${i}.name: "${HOLDOUT}" is reserved for the control group` });
        else if (seen.has(variant.name)) addIssue({ message: `variants.${i}.name: "${variant.name}" is used twice` });
        seen.add(variant.name);
      });
      const t = c.targeting;
      if (t.intent_min !== undefined && t.intent_max !== undefined && t.intent_min > t.intent_max) addIssue({ message: 'targeting.intent_max: must be ≥ intent_min' });
      if (t.cart_value_min !== undefined && t.cart_value_max !== undefined && t.cart_value_min > t.cart_value_max) addIssue({ message: 'targeting.cart_value_max: must be ≥ cart_value_min' });
      if (c.end != null && c.start !== undefined && c.end <= c.start) addIssue({ message: 'end: must be after start' });
    }),
  );

type Parsed = v.InferOutput<ReturnType<typeof campaignSchema>>;
export type Targeting = Parsed['targeting'];
export type Caps = Parsed['caps'];
export type PromotionContent = v.InferOutput<ReturnType<typeof promotionContent>>;
export type RecommendationContent = v.InferOutput<typeof recommendationContent>;
export type CampaignStatus = Parsed['status'];

/** A campaign as stored: times in epoch milliseconds. One type per kind, so `type` narrows `variants`. */
export type CampaignDefinition = Parsed extends infer P ? (P extends unknown ? Omit<P, 'id' | 'start' | 'end'> & { start: number; end: number | null } : never) : never;
export type Campaign = CampaignDefinition & { id: string; createdAt: number; updatedAt: number };

/**
 * Validates a definition. `origins`: where images may come from (the site's allowed origins).
 * `now` is the default start. Returns the id the body asked for, if any.
 */
export function parseDefinition(
  body: unknown,
  origins: string[],
  now: number,
): { ok: true; id?: string; definition: CampaignDefinition } | { ok: false; error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'a campaign must be a JSON object' };
  const r = v.safeParse(campaignSchema(origins), body);
  if (!r.success) return { ok: false, error: describeIssue(r.issues) };
  const { id, start, end, ...rest } = r.output;
  const definition = { ...rest, start: start ?? now, end: end ?? null } as CampaignDefinition;
  if (definition.end !== null && definition.end <= definition.start) return { ok: false, error: 'end: must be after start' };
  return { ok: true, id, definition };
}

/**
 * What may not change once a campaign has started, because it decides who is in which arm or
 * what an arm's outcome is: the type, the holdout, the variants' names and weights, the start,
 * and the outcome window (every visitor's outcome is counted over the same window). Returns the
 * message for the first such change, or null.
 */
export function frozenChange(before: CampaignDefinition, after: CampaignDefinition, now: number): string | null {
  if (before.start > now) return null;
  const started = `once the campaign has started (${new Date(before.start).toISOString()})`;
  if (after.type !== before.type) return `type cannot change ${started}`;
  if (after.holdout !== before.holdout) return `holdout is fixed for the campaign's life: it cannot change ${started}`;
  if (after.start !== before.start) return `start cannot change ${started}`;
  if (after.window_days !== before.window_days) return `window_days is fixed for the campaign's life: it cannot change ${started}`;
  const arms = (d: CampaignDefinition) => JSON.stringify(d.variants.map((x) => [x.name, x.weight]));
  if (arms(after) !== arms(before)) return `variants' names and weights cannot change ${started}; their content may`;
  return null;
}

/** Serving now: active, and inside its schedule. */
export function isLive(c: CampaignDefinition, now: number): boolean {
  return c.status === 'active' && c.start <= now && (c.end === null || now < c.end);
}

/** The status shown: a campaign past its end is ended. */
export function statusAt(c: CampaignDefinition, now: number): CampaignStatus {
  return c.end !== null && now >= c.end ? 'ended' : c.status;
}

/** The API's view of a campaign: ISO times, the derived status, and whether it serves now. */
export function campaignJson(c: Campaign, now: number) {
  const { id, createdAt, updatedAt, start, end, ...definition } = c;
  return {
    id,
    ...definition,
    start: new Date(start).toISOString(),
    end: end === null ? null : new Date(end).toISOString(),
    status: statusAt(c, now),
    live: isLive(c, now),
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(updatedAt).toISOString(),
  };
}
