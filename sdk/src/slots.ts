// The slot renderer is a file of its own, beside the tracker's, loaded only by pages that
// declare `[data-linger-slot]` elements: pages without slots pay nothing for it.
import { RENDER_FILE, type RenderHost } from './render-host';

/** Loads one of the tracker's lazily loaded files (an ES module) by URL. */
export type Importer = (url: string) => Promise<any>;

/**
 * A check to run once the document is parsed and after each page view: on a page view with
 * slots, calls `withSlots` and the renderer, which is loaded the first time (`file` loads a file
 * beside the tracker's). It renders every page view's slots (a single-page app's too), and only
 * the slots it has not handled yet.
 */
export function slotRenderer(file: (name: string) => Promise<any>, withSlots: () => void, host: () => RenderHost): () => void {
  let loaded: Promise<any> | undefined;
  return () => {
    if (!document.querySelector('[data-linger-slot]')) return;
    withSlots(); // (loads the promotion fields once)
    // Without the renderer (blocked, offline) the slots keep their default content.
    (loaded ||= file(RENDER_FILE)).then((m) => m.render(host()), () => {});
  };
}
