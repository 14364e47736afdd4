// node bench/workerd/run.mjs NAME [vitest args]: runs bench/workerd/NAME.bench-run.ts in workerd
// (vitest's worker pool) and, like every bench, ends its stdout with the benchmark's one JSON
// line. vitest's own output, the figures' table included, goes to stderr; the JSON line is the
// bench's last line that starts with `{"bench"`. Exits with vitest's status.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [name, ...rest] = process.argv.slice(2);
if (!name) throw new Error('usage: node bench/workerd/run.mjs NAME (a bench/workerd/NAME.bench-run.ts)');
const config = fileURLToPath(new URL('./vitest.config.ts', import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', '--config', config, `${name}.bench-run`, ...rest], { stdio: ['ignore', 'pipe', 'inherit'] });
child.stdout.setEncoding('utf8');
const ANSI = /\x1b\[[0-9;]*m/g;
let json = null;
let partial = '';
const scan = (line) => {
  const plain = line.replace(ANSI, '').trim();
  if (plain.startsWith('{"bench"')) json = plain;
};
child.stdout.on('data', (chunk) => {
  process.stderr.write(chunk);
  const lines = (partial + chunk).split('\n');
  partial = lines.pop() ?? '';
  lines.forEach(scan);
});
child.on('error', (err) => {
  console.error(`could not start vitest: ${err.message}`);
  process.exit(1);
});
child.on('close', (code) => {
  scan(partial);
  if (json) console.log(json);
  else console.error('(the bench printed no JSON line)');
  process.exit(code ?? 1);
});
