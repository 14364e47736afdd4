-- Each retraining step of a site (intent, segments, recs) runs and fails on its own;
-- its last run, last success and last error are kept here for the admin.
CREATE TABLE training_steps (
  site_key      TEXT NOT NULL,
  step          TEXT NOT NULL,
  last_run      INTEGER NOT NULL,
  last_ok       INTEGER,
  last_error    TEXT,
  last_error_at INTEGER,
  last_result   TEXT,
  PRIMARY KEY (site_key, step)
);
