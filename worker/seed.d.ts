export interface SiteSeed {
  site: string;
  name: string;
  origins: string[];
  adminKey: string;
  readKey: string;
  shards?: number;
}
export const DEMO_SITE: SiteSeed;
export function siteSql(site: SiteSeed): string;
export function wrangler(args: string[], options?: { quiet?: boolean; env?: Record<string, string> }): Buffer;
export function catalogSql(site: string): Promise<string>;
export function seed(site?: SiteSeed, options?: { remote?: boolean; persistTo?: string; quiet?: boolean; catalog?: boolean }): Promise<void>;
