// Shops and their keys: an operator creates a shop (and gets its keys once); the shop's admin
// reads and changes its settings and rotates its keys.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { describeIssue } from '../../../sdk/schema/events';
import { newKey, rotateKey } from '../access/keys';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { sameSecret, sha256Hex } from '../hash';
import { fail } from '../http';
import { clearSiteCache, findSite, parseSettings, saveSite } from '../sites';
import { requireSite } from '../site-context';

const origin = v.pipe(v.string(), v.maxLength(300), v.check((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o), 'each origin must look like https://shop.example'));
const Settings = v.object({
  rateLimits: v.optional(v.object({
    sitePerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    ipPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    visitorPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  })),
  retentionDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650))),
  keepParams: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,50}$/, 'parameter names are 1-50 of A-Z a-z 0-9 _ . -'))), v.maxLength(50))),
});
const NewSite = v.object({
  key: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'key must be 2-63 of a-z, 0-9 and -')),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  origins: v.pipe(v.array(origin), v.maxLength(50)),
  settings: v.optional(Settings),
});
const SiteChange = v.object({
  name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  origins: v.optional(v.pipe(v.array(origin), v.maxLength(50))),
  settings: v.optional(Settings),
});
const Rotation = v.object({
  role: v.picklist(['read', 'admin'], 'role must be read or admin'),
  grace_hours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(720)), 24),
});

/** A shop's definition or change is a few KB at most: larger bodies are refused before they are read. */
const MAX_SETTINGS_BYTES = 64 * 1024;
const limit = bodyLimit({ maxSize: MAX_SETTINGS_BYTES, onError: (c) => fail(c, 413, `body is larger than ${MAX_SETTINGS_BYTES} bytes`) });

async function body<T extends v.GenericSchema>(req: Request, schema: T): Promise<{ ok: true; value: v.InferOutput<T> } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  const parsed = v.safeParse(schema, raw);
  return parsed.success ? { ok: true, value: parsed.output } : { ok: false, error: describeIssue(parsed.issues) };
}

const describe = (s: NonNullable<Awaited<ReturnType<typeof findSite>>>) => ({ site: s.key, name: s.name, origins: s.allowedOrigins, shards: s.shards, settings: s.settings });

/** POST /v1/sites: the operator (LINGER_OPERATOR_KEY, a secret of the deployment) creates a shop. */
export const sites = new Hono<AppEnv>();

sites.post('/', limit, async (c) => {
  const operator = c.env.LINGER_OPERATOR_KEY;
  if (!operator) return fail(c, 403, 'creating shops needs the LINGER_OPERATOR_KEY secret to be set on this deployment');
  const key = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (!key) return fail(c, 401, 'missing key: send Authorization: Bearer OPERATOR_KEY');
  if (!sameSecret(await sha256Hex(key), await sha256Hex(operator))) return fail(c, 403, 'this key may not create shops');
  const b = await body(c.req.raw, NewSite);
  if (!b.ok) return fail(c, 400, b.error);
  if (await findSite(c.env.DB, b.value.key)) return fail(c, 409, `site "${b.value.key}" exists`);
  const readKey = newKey();
  const adminKey = newKey();
  await saveSite(c.env.DB, { key: b.value.key, name: b.value.name, allowedOrigins: b.value.origins, readKey, adminKey, settings: b.value.settings });
  clearSiteCache();
  const site = (await findSite(c.env.DB, b.value.key))!;
  // The only time the secret keys are seen in clear: they are stored hashed.
  return c.json({ ...describe(site), read_key: readKey, admin_key: adminKey }, 201);
});

/** The shop's own settings and keys, with its admin key. */
export const siteAdmin = new Hono<AppEnv>();

siteAdmin.use(requireSite, requireKey('admin'));

siteAdmin.get('/site', (c) => c.json(describe(c.get('site'))));

// The keys and settings: the current admin key only (access/keys.ts KeyRole).
siteAdmin.patch('/site', requireKey('owner'), limit, async (c) => {
  const b = await body(c.req.raw, SiteChange);
  if (!b.ok) return fail(c, 400, b.error);
  const site = c.get('site');
  const settings = b.value.settings ? { ...site.settings, ...b.value.settings, rateLimits: { ...site.settings.rateLimits, ...b.value.settings.rateLimits } } : site.settings;
  await c.env.DB.prepare('UPDATE sites SET name = ?, allowed_origins = ?, settings = ? WHERE site_key = ?')
    .bind(b.value.name ?? site.name, JSON.stringify(b.value.origins ?? site.allowedOrigins), JSON.stringify(parseSettings(JSON.stringify(settings))), site.key)
    .run();
  clearSiteCache();
  return c.json(describe((await findSite(c.env.DB, site.key))!));
});

siteAdmin.post('/keys', requireKey('owner'), limit, async (c) => {
  const b = await body(c.req.raw, Rotation);
  if (!b.ok) return fail(c, 400, b.error);
  // (the site as it is now: requireKey read it afresh, not this isolate's cached copy)
  const rotated = await rotateKey(c.env.DB, c.get('site'), b.value.role, b.value.grace_hours * 3_600_000);
  clearSiteCache();
  if (!rotated) return fail(c, 409, `the ${b.value.role} key changed meanwhile (another rotation): read it again, and rotate once`);
  const { key, previousValidUntil } = rotated;
  return c.json({ role: b.value.role, key, previous_valid_until: new Date(previousValidUntil).toISOString() }, 201);
});
