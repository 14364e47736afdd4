// `npm run deploy:check` (worker/deploy-check.js): what it says it checks, it checks. The
// placeholder D1 id of a fresh clone is a problem (exit 1), as are missing Queue bindings that the
// cron and the retraining use.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../worker/deploy-check.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const repoConfig = () => structuredClone(unstable_readConfig({ config: `${root}wrangler.toml` }));
/** The repository's configuration as a real deploy has it: a real D1 id. */
function deployable() {
  const config = repoConfig();
  config.d1_databases[0].database_id = '5f3c7a1e-2b4d-4c8e-9a6f-0d1e2f3a4b5c';
  return config;
}

describe('deploy:check', () => {
  it('passes a complete configuration with a real D1 id', () => {
    expect(checkConfig(deployable()).problems).toEqual([]);
  });

  it('fails, exit code 1, on the placeholder D1 id of a fresh clone', () => {
    expect(checkConfig(repoConfig()).problems.join('\n')).toMatch(/database_id is the local placeholder/);
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [`${root}worker/deploy-check.js`], { cwd: root, stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    } catch (err: any) {
      status = err.status;
      stderr = String(err.stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/problem: D1: database_id is the local placeholder/);
  });

  it('fails without the TRAINING queue producer, or without a consumer of its queue', () => {
    const noProducer = deployable();
    noProducer.queues.producers = [];
    expect(checkConfig(noProducer).problems).toEqual([expect.stringMatching(/no Queue producer bound as TRAINING/)]);
    const noConsumer = deployable();
    noConsumer.queues.consumers = [];
    expect(checkConfig(noConsumer).problems).toEqual([expect.stringMatching(/no \[\[queues\.consumers\]\] entry for queue "linger-training"/)]);
    const otherQueue = deployable();
    otherQueue.queues.consumers = [{ ...otherQueue.queues.consumers![0], queue: 'something-else' }];
    expect(checkConfig(otherQueue).problems).toHaveLength(1);
  });

  it('fails on a LINGER_PATH_PREFIX that is not a path', () => {
    for (const bad of ['linger', '/', 'https://shop.example/linger']) {
      const config = deployable();
      config.vars = { LINGER_PATH_PREFIX: bad };
      expect(checkConfig(config).problems, bad).toEqual([expect.stringMatching(/LINGER_PATH_PREFIX must be a path/)]);
    }
    for (const good of ['/linger', '/linger/', '/a/b']) {
      const config = deployable();
      config.vars = { LINGER_PATH_PREFIX: good };
      expect(checkConfig(config).problems, good).toEqual([]);
    }
  });
});
