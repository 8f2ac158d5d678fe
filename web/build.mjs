// Bundles the browser code for offline use: `npm run build` rewrites dist/.
// dist/ is committed so that `go build` never needs Node; the same
// package-lock.json gives byte-identical output (no source maps, no
// timestamps, no absolute paths).
import * as esbuild from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outdir = here('./dist');

const common = {
  absWorkingDir: here('.'),
  bundle: true,
  minify: true,
  format: 'iife', // classic scripts: document.currentScript locates the workers
  platform: 'browser',
  target: ['es2022', 'chrome111', 'edge111', 'firefox115', 'safari16'],
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': '"production"' },
};

// One entry per page. Each writes dist/<name>.js and dist/<name>.css; web.go
// serves every file in dist/ under /assets/<version>/.
const pages = {
  graphiql: './src/graphiql.jsx',
  explorer: './src/explorer.js',
};

// Web workers (Monaco's editor core, its JSON language service, and
// monaco-graphql), loaded by src/workers.js from the same directory.
const workers = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};

await rm(outdir, { recursive: true, force: true });

await esbuild.build({
  ...common,
  entryPoints: pages,
  outdir,
  jsx: 'automatic',
  // Fonts or images that CSS references by file (Monaco's codicon font) are
  // copied next to the CSS with a content hash in the name.
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: '[name]-[hash]',
  alias: { 'graphql-ws': './src/graphql-ws-stub.js' },
});

await esbuild.build({
  ...common,
  entryPoints: workers,
  outdir,
});
