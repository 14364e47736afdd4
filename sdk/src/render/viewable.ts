// Viewable impressions by the IAB / MRC standard: at least 50 % of the slot in the viewport for
// at least one continuous second, while the tab is visible. One shared IntersectionObserver
// watches every slot; each watch fires at most once.

const MIN_RATIO = 0.5;
const MIN_MS = 1000;

interface Watch {
  inView: boolean;
  timer?: ReturnType<typeof setTimeout>;
  onView: () => void;
}

const watches = new Map<Element, Watch>();
let observer: IntersectionObserver | undefined;

const tabVisible = () => document.visibilityState === 'visible';

/** Starts or stops a watch's one-second clock as its visibility changes. */
function update(target: Element, w: Watch) {
  if (w.inView && tabVisible()) {
    w.timer ??= setTimeout(() => {
      watches.delete(target);
      observer?.unobserve(target);
      w.onView();
    }, MIN_MS);
  } else {
    clearTimeout(w.timer);
    w.timer = undefined;
  }
}

/**
 * Calls `onView` once, when `target` has been viewable for a second. A `virtual` target (an
 * overlay that was never shown, for the holdout) counts as fully in view: only the tab matters.
 */
export function whenViewable(target: Element, onView: () => void, virtual = false) {
  if (!observer) {
    observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const w = watches.get(e.target);
          // A hair of tolerance: a ratio of exactly one half can come back as 0.4999.
          if (w) (w.inView = e.isIntersecting && e.intersectionRatio >= MIN_RATIO - 0.001), update(e.target, w);
        }
      },
      { threshold: [0, MIN_RATIO] },
    );
    document.addEventListener('visibilitychange', () => watches.forEach((w, t) => update(t, w)));
  }
  const w: Watch = { inView: virtual, onView };
  watches.set(target, w);
  if (virtual) update(target, w);
  else observer.observe(target);
}
