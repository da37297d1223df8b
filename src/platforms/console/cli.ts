// `npm run chat -- --as <name> [--group <群名>]`: a terminal chat on the real dispatcher and database.
// Lines can also be piped in: `printf '帮助\n' | npm run chat -- --as 张三`.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig, secretsOf } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { openDb } from '../../../db/client.ts';
import { runMigrations } from '../../../db/migrate.ts';
import { createRuntime } from '../../runtime.ts';
import { fileSource } from '../../files/export-files.ts';
import { consoleMessage } from './message.ts';
import { createConsoleSender } from './sender.ts';

const { values } = parseArgs({ options: { as: { type: 'string' }, group: { type: 'string' } } });
if (!values.as) {
  process.stderr.write('用法：npm run chat -- --as <姓名> [--group <群名>]\n');
  process.exit(2);
}
const as = values.as;
const config = loadConfig();
const log = createLogger({ level: 'warn', secrets: secretsOf(config) });
const handle = await openDb({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
await runMigrations(handle);
const runtime = createRuntime({
  config,
  handle,
  log,
  extraSenders: [createConsoleSender({
    write: (t) => process.stdout.write(t + '\n\n'),
    self: as,
    files: { source: fileSource(handle.db), dir: config.exportsDir },
  })],
});

const interactive = process.stdin.isTTY;
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
if (interactive) {
  process.stdout.write(`以“${as}”的身份与党支部助手对话${values.group ? `（群聊：${values.group}）` : ''}。输入“帮助”查看命令，Ctrl+D 退出。\n> `);
}
for await (const line of rl) {
  if (line.trim()) {
    await runtime.ingest(consoleMessage(line, as, { group: values.group }));
    await runtime.processPending();
    await runtime.sender.drainOnce();
  }
  if (interactive) process.stdout.write('> ');
}
await runtime.close();

