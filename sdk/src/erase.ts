// Consent withdrawn: the browser keeps nothing of the visitor's, neither ids nor queued events.
import { PREFIX, remove } from './local';
import { DB_NAME } from './store';

export function eraseBrowserData(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) remove(key);
    indexedDB.deleteDatabase(DB_NAME); // waits for this page's connection, which closes on `versionchange`
  } catch {
    // storage unavailable: nothing kept there
  }
}
