// `npm start`: runs the collector, the demo shop and the dashboard with `wrangler dev`,
// and prints where to find them once it answers. State persists in .wrangler/state.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;

const child = spawn(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', String(port)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

for (let i = 0; i < 120; i++) {
  await new Promise((r) => setTimeout(r, 500));
  const up = await fetch(`${base}/v1/health`).then((r) => r.ok, () => false);
  if (up) {
    console.log(`
  Linger is running.
    Demo shop   ${base}/
    SDK file    ${base}/sdk/linger.js
    Collector   POST ${base}/v1/collect?site=demo
    Dashboard   ${base}/dashboard/   (site "demo", admin key "${process.env.LINGER_DEMO_ADMIN_KEY ?? 'demo-admin-key'}")
  Stop with Ctrl+C; the data stays in .wrangler/state.
`);
    break;
  }
}
