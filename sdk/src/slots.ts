// The slot renderer is a file of its own, beside the tracker's, loaded only by pages that
// declare `[data-linger-slot]` elements: pages without slots pay nothing for it.
import { RENDER_FILE, type RenderHost } from './render-host';

/** Loads one of the tracker's lazily loaded files (an ES module) by URL. */
export type Importer = (url: string) => Promise<any>;

/**
 * A check to run once the document is parsed and after each page view: loads the renderer the
 * first time the page has slots (`file` loads a file beside the tracker's), and calls `withSlots`.
 */
export function slotRenderer(file: (name: string) => Promise<any>, withSlots: () => void, host: () => RenderHost): () => void {
  let loaded = false;
  return () => {
    if (loaded || !document.querySelector('[data-linger-slot]')) return;
    loaded = true;
    withSlots();
    // Without the renderer (blocked, offline) the slots keep their default content.
    file(RENDER_FILE).then((m) => m.render(host()), () => {});
  };
}
