// Bundles src/node.ts with esbuild into .data/build/node.mjs (every package stays in node_modules
// except chinese-days). Run by scripts/start.mjs in a child process of its own, so that esbuild's
// module and its service process do not stay in memory beside the server.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the project so the external packages resolve from its node_modules; git ignores .data/.
const outfile = join(root, '.data', 'build', 'node.mjs');
mkdirSync(dirname(outfile), { recursive: true });

await esbuild.build({
  entryPoints: [join(root, 'src', 'node.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-external',
      setup(build) {
        // chinese-days is bundled: Node 20 refuses its JSON import without an import attribute.
        build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('chinese-days') ? undefined : { path: args.path, external: true }));
      },
    },
    {
      // A module that finds files next to itself (db/migrate.ts: the migrations) keeps its own URL.
      name: 'own-import-meta-url',
      setup(build) {
        build.onLoad({ filter: /\.ts$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          if (!source.includes('import.meta.url')) return undefined;
          return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
        });
      },
    },
  ],
});

