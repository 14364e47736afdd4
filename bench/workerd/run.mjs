// node bench/workerd/run.mjs NAME: runs bench/workerd/NAME.bench-run.ts in workerd (vitest's worker
// pool) and, like every bench, ends its stdout with the benchmark's one JSON line. vitest's own
// output, the figures' table included, goes to stderr; the JSON line is the bench's last line that
// starts with `{"bench"`. Exits with vitest's status.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const name = process.argv[2];
if (!name) throw new Error('usage: node bench/workerd/run.mjs NAME (a bench/workerd/NAME.bench-run.ts)');
const config = fileURLToPath(new URL('./vitest.config.ts', import.meta.url));
const child = spawn('vitest', ['run', '--config', config, `${name}.bench-run`], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
let json = null;
let rest = '';
const ANSI = /\x1b\[[0-9;]*m/g;
child.stdout.on('data', (chunk) => {
  process.stderr.write(chunk);
  const lines = (rest + chunk.toString()).split('\n');
  rest = lines.pop() ?? '';
  for (const line of lines) {
    const plain = line.replace(ANSI, '').trim();
    if (plain.startsWith('{"bench"')) json = plain;
  }
});
child.stderr.pipe(process.stderr);
child.on('close', (code) => {
  if (json) console.log(json);
  else if (code === 0) console.error('(the bench printed no JSON line)');
  process.exit(code ?? 1);
});
