// Starts the real collector + demo shop (`wrangler dev`, its own port and throwaway state),
// seeded like `npm start` seeds the local one.
import type { TestProject } from 'vitest/node';
import { startLocalWorker } from '../../worker/dev/local-worker';
import { demoSite } from '../../worker/seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const port = Number(process.env.E2E_PORT ?? 8799);
  const worker = await startLocalWorker(port, () => demoSite(port));
  project.provide('baseUrl', worker.base);
  return () => worker.stop();
}
