import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { memoryLogger } from '../../src/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { consoleMessage } from '../../src/platforms/console/message.ts';
import { createConsoleSender } from '../../src/platforms/console/sender.ts';
import type { PlatformSender } from '../../src/platforms/types.ts';
import type { DbHandle } from '../../db/client.ts';
import { fileSource } from '../../src/files/export-files.ts';
import { createTestDb } from './db.ts';

export interface TestBot {
  runtime: Runtime;
  handle: DbHandle;
  log: ReturnType<typeof memoryLogger>;
  /** Every console-platform message delivered, in order, as `[发给 X] …` or `[群 X] …`. */
  outputs: string[];
  /** The injected clock; move it with `setNow`. */
  now(): Date;
  setNow(d: Date | string): void;
  /** Types `text` in the console as `as` (in a group when given) and returns what the bot sent back to that chat. */
  say(as: string, text: string, opts?: { group?: string }): Promise<string>;
  /** Drains the outbox through the test senders; returns what was delivered as `[user:X] …` / `[chat:X] …`. */
  drain(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The whole service on a fresh test database, driven through the console adapter: the same
 * dispatcher, inbox, outbox and sender as production.
 */
export async function createTestBot(opts: {
  env?: Record<string, string>;
  now?: Date | string;
  handle?: DbHandle;
  senders?: PlatformSender[];
  config?: Partial<Config>;
} = {}): Promise<TestBot> {
  const handle = opts.handle ?? (await createTestDb());
  // Files the console receives go to EXPORTS_DIR when the process sets one, else to a fresh directory.
  const ownDir = process.env.EXPORTS_DIR ? undefined : mkdtempSync(join(tmpdir(), 'pba-exports-'));
  const env = { BOT_ADMINS: 'console:管理员', LOG_LEVEL: 'debug', EXPORTS_DIR: process.env.EXPORTS_DIR ?? ownDir!, ...opts.env };
  const config = { ...loadConfig(env), ...opts.config };
  let clock = new Date(opts.now ?? '2026-12-02T10:00:00+08:00');
  const log = memoryLogger('debug', [config.serverKey]);
  const outputs: string[] = [];
  let delivered: Array<{ text: string; to: string }> = [];
  const consoleSender = createConsoleSender({
    files: { source: fileSource(handle.db), dir: config.exportsDir },
    write: (t, to) => {
      outputs.push(t);
      delivered.push({ text: t.replace(/^\[[^\]]+\] /, ''), to: `${to.kind}:${to.id}` });
    },
  });
  const runtime = createRuntime({
    config, handle, log, now: () => clock, extraSenders: [consoleSender, ...(opts.senders ?? [])],
  });
  const drain = async () => {
    delivered = [];
    for (let i = 0; i < 20; i++) {
      const r = await runtime.sender.drainOnce();
      if (!r.sent && !r.retried && !r.failed) break;
    }
    return delivered.map((d) => `[${d.to}] ${d.text}`);
  };
  return {
    runtime, handle, log, outputs,
    now: () => clock,
    setNow: (d) => { clock = new Date(d); },
    drain,
    async say(as, text, sayOpts = {}) {
      await runtime.ingest(consoleMessage(text, as, { group: sayOpts.group, now: clock }));
      await runtime.deferrer.settle();
      await runtime.processPending();
      await drain();
      const target = sayOpts.group ? `chat:${sayOpts.group}` : `user:${as}`;
      return delivered.filter((d) => d.to === target).map((d) => d.text).join('\n---\n');
    },
    close: async () => {
      await runtime.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
