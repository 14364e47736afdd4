export interface SiteSeed {
  site: string;
  name: string;
  origins: string[];
  adminKey: string;
  readKey: string;
  shards?: number;
}
export const DEFAULT_PORT: number;
export function localOrigins(port: number | string): string[];
export function demoSite(port?: number | string): SiteSeed;
export const DEMO_SITE: SiteSeed;
export function siteSql(site: SiteSeed): string;
export function wrangler(args: string[], options?: { quiet?: boolean; env?: Record<string, string> }): Buffer;
export interface CatalogRow {
  id: string;
  name: string;
  category: string;
  price: number;
  inStock: boolean;
}
export function demoCatalog(): Promise<CatalogRow[]>;
export function catalogSql(site: string, items: CatalogRow[]): string;
export function seed(site?: SiteSeed, options?: { remote?: boolean; persistTo?: string; quiet?: boolean; catalog?: boolean; items?: CatalogRow[] }): Promise<void>;
