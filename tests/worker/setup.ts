import { applyD1Migrations, env } from 'cloudflare:test';
import { clearSiteCache, saveSite } from '../../worker/src/sites';
import { TEST_SITE } from './helpers';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await saveSite(env.DB, TEST_SITE);
await saveSite(env.DB, { ...TEST_SITE, key: 'other-shop', name: 'Other', adminKey: 'other-admin-key', readKey: 'other-read-key' });
clearSiteCache();
