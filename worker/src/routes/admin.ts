// Admin actions on a site: retrain its models now (the cron trigger does it on a schedule).
import { Hono } from 'hono';
import { requireKey } from '../auth';
import type { AppEnv } from '../env';
import { requireSite } from '../site-context';
import { retrainSite } from '../training';

export const admin = new Hono<AppEnv>();

admin.use(requireSite, requireKey('admin'));

admin.post('/retrain', async (c) => c.json(await retrainSite(c.env, c.get('site'))));
