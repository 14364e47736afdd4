// npm run simulate -- --visitors N --days D --seed S [--base URL] [--site KEY] [--admin-key K] [--break-srm] [--dry-run]
//
// Simulates N visitors over the past D days with the calibration campaigns (sim/campaigns.ts)
// and sends them to a running collector through the admin import route, or with --dry-run only
// counts them. Prints a table and, as its last line, the run's summary as one JSON object.
import { parseArgs } from 'node:util';
import { formatSummary, runSimulation } from './run';

const { values } = parseArgs({
  options: {
    visitors: { type: 'string', default: '3000' },
    days: { type: 'string', default: '14' },
    seed: { type: 'string', default: '1' },
    base: { type: 'string', default: 'http://127.0.0.1:8787' },
    site: { type: 'string', default: 'demo' },
    'admin-key': { type: 'string', default: process.env.LINGER_DEMO_ADMIN_KEY ?? 'demo-admin-key' },
    origin: { type: 'string' },
    shop: { type: 'string' },
    end: { type: 'string' },
    via: { type: 'string', default: 'import' },
    assign: { type: 'string', default: 'server' },
    concurrency: { type: 'string', default: '8' },
    'break-srm': { type: 'boolean', default: false },
    'srm-drop': { type: 'string', default: '0.2' },
    truth: { type: 'string', default: '100000' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`npm run simulate -- [options]
  --visitors N        visitors to simulate (3000)
  --days D            days of history, ending now (14)
  --seed S            seed: the same seed gives the same visitors and events (1)
  --base URL          collector (http://127.0.0.1:8787)
  --site KEY          site key (demo)
  --admin-key K       admin key (demo-admin-key)
  --origin O          Origin for /v1/decide (the base URL's)
  --shop URL          shop origin in event URLs (the base URL)
  --end ISO|ms        end of the simulated period (now)
  --via import|collect   the admin import route (default) or the public collector
  --assign server|local  arms from GET /v1/decide (default) or drawn by the simulator
  --concurrency C     visitors in flight (8)
  --break-srm         drop the events of --srm-drop (0.2) of one campaign's holdout visitors
  --truth N           offline visitors for the true effects (100000; 0 skips)
  --dry-run           plan and count, send nothing`);
  process.exit(0);
}

const int = (name: string, value: string, min: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const oneOf = <T extends string>(name: string, value: string, allowed: readonly T[]): T => {
  if (!allowed.includes(value as T)) {
    console.error(`--${name} must be one of ${allowed.join(', ')}`);
    process.exit(2);
  }
  return value as T;
};
const end = values.end === undefined ? undefined : /^\d+$/.test(values.end) ? Number(values.end) : Date.parse(values.end);
if (end !== undefined && !Number.isFinite(end)) {
  console.error('--end must be an ISO date or Unix ms');
  process.exit(2);
}
const srmDrop = Number(values['srm-drop']);
if (!(srmDrop > 0 && srmDrop <= 1)) {
  console.error('--srm-drop must be in (0, 1]');
  process.exit(2);
}

const summary = await runSimulation({
  visitors: int('visitors', values.visitors, 1),
  days: int('days', values.days, 1),
  seed: int('seed', values.seed, 0),
  end,
  dryRun: values['dry-run'],
  base: values.base,
  site: values.site,
  adminKey: values['admin-key'],
  origin: values.origin,
  shop: values.shop,
  via: oneOf('via', values.via, ['import', 'collect'] as const),
  assign: oneOf('assign', values.assign, ['server', 'local'] as const),
  concurrency: int('concurrency', values.concurrency, 1),
  breakSrm: values['break-srm'],
  srmDrop,
  truthVisitors: int('truth', values.truth, 0),
  log: (line) => console.error(line),
});
console.log(formatSummary(summary));
const { truth, ...rest } = summary;
console.log(JSON.stringify({ ...rest, truth: truth?.map(({ campaign, variant, exposed, absolute, se, relative, mature }) => ({ campaign, variant, exposed, absolute, se, relative, mature_absolute: mature.absolute })) }));
