// Bundles src/node.ts with esbuild into .data/build/node.mjs (every package stays in node_modules
// except chinese-days), and writes a minified copy of the Lark SDK beside it. Run by scripts/start.mjs
// in a child process of its own, so that esbuild's module and its service process do not stay in
// memory beside the server.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the project so the external packages resolve from its node_modules; git ignores .data/.
const outfile = join(root, '.data', 'build', 'node.mjs');
mkdirSync(dirname(outfile), { recursive: true });

// The Lark SDK is one 6 MB CommonJS file. Its Chinese comments make V8 hold the source as a two-byte
// string, 11 MiB of heap for the life of the process; minified it is 1.5 MB of ASCII. Its own
// packages (axios, ws, protobufjs…) still load from node_modules.
const LARK = '@larksuiteoapi/node-sdk';
const larkCopy = 'lark-sdk.cjs';
await esbuild.build({
  entryPoints: [createRequire(import.meta.url).resolve(LARK)],
  outfile: join(dirname(outfile), larkCopy),
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  banner: { js: `/* ${LARK}, MIT License, Copyright (c) 2022 Lark Technologies Pte. Ltd.; minified by scripts/build-node.mjs */` },
  logLevel: 'warning',
});

await esbuild.build({
  entryPoints: [join(root, 'src', 'node.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // What src/ imports lazily (the Lark SDK's long connection, dingtalk-stream, exceljs…) goes to
  // chunks of its own: in one file, their static imports would be hoisted and load at start-up.
  splitting: true,
  outdir: dirname(outfile),
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-external',
      setup(build) {
        // chinese-days is bundled: Node 20 refuses its JSON import without an import attribute.
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('chinese-days')) return undefined;
          return { path: args.path === LARK ? `./${larkCopy}` : args.path, external: true };
        });
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

