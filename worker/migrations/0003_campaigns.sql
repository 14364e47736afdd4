-- Campaigns per shop: promotions and recommendation slots, with targeting, variants and a holdout.
-- The definition is JSON, validated by worker/src/campaigns/definition.ts. A deleted campaign
-- keeps its row (deleted_at), since visitors' assignments and the reports still refer to it.
CREATE TABLE campaigns (
  site_key    TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  definition  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  deleted_at  INTEGER,
  PRIMARY KEY (site_key, campaign_id)
);
