// Six builds: the tracker as a minified IIFE for the script tag and as an ES module; the
// IndexedDB queue, a minified ES module the tracker imports only when a page needs the queue;
// the promotion fields, one it imports only for visitors shown a promotion or on pages with
// slots; the product tracking, one it imports only on pages with product markup; and the slot
// renderer, one it imports only on pages that declare slots.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const plugins = [nodeResolve(), esbuild({ target: 'es2022' })];
// V8's compile hint: every function of the file is compiled with it, not each again when first
// called (at 4× CPU throttling a first visit's script time falls from +55 to +40 ms: bench:sdk-cost).
const ALL_CALLED = '//# allFunctionsCalledOnLoad';
/** Terser as every minified file uses it; `allCalled`: the file starts with the compile hint. */
const minifier = ({ allCalled = false, ...compress } = {}) =>
  terser({ ecma: 2020, compress: { passes: 2, hoist_funs: true, ...compress }, format: { comments: false, ...(allCalled && { preamble: ALL_CALLED }) } });
const minify = minifier();
// The product tracking's functions all run on the page that loads it (all but a click's).
const minifyItems = minifier({ allCalled: true });
// The tracker's single-use functions stay functions, and only simple ones are inlined: the others
// inlined as function expressions gzip worse (−30 B).
const minifyTracker = minifier({ allCalled: true, reduce_funcs: false, inline: 1 });

export default [
  {
    input: 'sdk/src/index.ts',
    output: { file: 'sdk/dist/linger.js', format: 'iife', strict: false, plugins: [minifyTracker] }, // (TypeScript's code needs no sloppy-mode guard)
    plugins,
  },
  {
    input: 'sdk/src/esm.ts',
    output: { file: 'sdk/dist/linger.mjs', format: 'es' },
    plugins,
  },
  // the files the tracker imports when a page needs them
  ...[
    ['sdk/src/durable.ts', 'linger-store.js'],
    ['sdk/src/promotions.ts', 'linger-promo.js'],
    ['sdk/src/items.ts', 'linger-items.js', minifyItems],
    ['sdk/src/render/index.ts', 'linger-render.js'],
  ].map(([input, file, min = minify]) => ({ input, output: { file: `sdk/dist/${file}`, format: 'es', plugins: [min] }, plugins })),
];
