// Two builds of the tracker: a minified IIFE for the script tag, and an ES module.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const plugins = [nodeResolve(), esbuild({ target: 'es2022' })];
const minify = terser({ ecma: 2020, compress: { passes: 3 }, format: { comments: false } });

export default [
  {
    input: 'sdk/src/index.ts',
    output: { file: 'sdk/dist/linger.js', format: 'iife', plugins: [minify] },
    plugins,
  },
  {
    input: 'sdk/src/esm.ts',
    output: { file: 'sdk/dist/linger.mjs', format: 'es' },
    plugins,
  },
];
