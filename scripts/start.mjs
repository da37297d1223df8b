// `npm start`: bundles src/node.ts with esbuild (scripts/build-node.mjs, in a child process that exits)
// and runs the bundle on plain node in this process. Running the TypeScript through the tsx loader
// instead costs about 100 MiB of memory more (its module-hooks thread, transformed sources) and a
// slower start; the bundle takes about a second to build. `npm run dev` runs the sources through tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const build = spawnSync(process.execPath, [fileURLToPath(new URL('./build-node.mjs', import.meta.url))], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
await import(pathToFileURL(fileURLToPath(new URL('../.data/build/node.mjs', import.meta.url))).href);
