// Run by `postinstall`. postgres.js 3.4.9 crashes the process when a connection closes while a
// small write is queued: the queued `nextWrite` runs with `socket === null` and throws outside any
// promise (porsager/postgres#1154, #1208; fixes proposed in #1168, #1209, none released). Its
// teardown also cancels the queued write without forgetting it, so the reconnected connection
// never flushes again. This makes both paths safe: the queued bytes are dropped, the queries they
// carried fail with CONNECTION_CLOSED (which the service retries), and the next write schedules
// normally. Idempotent; refuses to guess on a version it was not written for.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'node_modules', 'postgres');
const MARK = '/* party-branch-assistant: null-socket guard */';
const PATCHED_VERSION = '3.4.9';

const guard = `function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
`;

export function patchSource(source) {
  if (source.includes(MARK)) return source;
  const head = 'function nextWrite(fn) {\n';
  const cancel = 'clearImmediate(nextWriteTimer)\n';
  if (!source.includes(head) || source.split(cancel).length !== 4) throw new Error('unexpected connection.js');
  return source
    .replace(head, guard)
    // In terminate() and closed(): forget the cancelled write so the next one is scheduled.
    .replaceAll(`    ${cancel}`, `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n`);
}

if (existsSync(root)) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (version !== PATCHED_VERSION) {
    console.warn(`patch-postgres: postgres ${version} is not ${PATCHED_VERSION}; check whether it still needs the null-socket guard`);
  } else {
    for (const dir of ['src', 'cjs/src', 'cf/src']) {
      const file = join(root, dir, 'connection.js');
      if (!existsSync(file)) continue;
      writeFileSync(file, patchSource(readFileSync(file, 'utf8')));
    }
  }
}
