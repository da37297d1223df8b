/**
 * The same server without the TypeScript loader: src/node.ts bundled by esbuild (external packages
 * stay in node_modules) and run on plain node. Only to show what `tsx` itself costs in start time and
 * memory; skipped when esbuild (tsx's own dependency) is not there.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The bundle's path, or why there is none. */
export async function bundleServer(): Promise<{ path: string } | { skipped: string }> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return { skipped: 'esbuild is not installed' };
  }
  // Inside node_modules' reach so the external packages resolve; git ignores bench/out/.
  const path = join(root, 'bench/out/server/node.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'src/node.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay external, except one whose JSON import Node 20 refuses without an import attribute.
    plugins: [{
      name: 'external-packages',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('chinese-days') ? undefined : { path: args.path, external: true }));
      },
    }],
    outfile: path,
    logLevel: 'warning',
    // db/migrate.ts finds the migrations next to itself.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'db/migrate.ts')).href) },
  });
  return { path };
}
