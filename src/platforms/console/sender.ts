import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FileReply } from '../../bot/types.ts';
import type { FileSource } from '../../files/export-files.ts';
import type { Outbound, PlatformSender, SendResult } from '../types.ts';
import { renderPlain } from './render.ts';

export interface ConsoleSenderOptions {
  write: (text: string, to: Outbound['recipient']) => void;
  /** The person at the keyboard: their messages carry no `[发给 …]` prefix. */
  self?: string;
  /** Where file replies are loaded from and written to (a terminal cannot show a file). */
  files?: { source: FileSource; dir: string };
}

/** Delivers console-platform outbox rows by printing them; a file is saved under `files.dir`. */
export function createConsoleSender(opts: ConsoleSenderOptions): PlatformSender {
  async function fileLine(reply: FileReply): Promise<string> {
    if (!opts.files) return `[文件] ${reply.fileName}（控制台未配置导出目录，文件未保存）`;
    const file = await opts.files.source(reply.fileId);
    if (!file) return `[文件] ${reply.fileName} 已过期，请重新导出。`;
    const dir = resolve(opts.files.dir);
    await mkdir(dir, { recursive: true });
    const path = join(dir, file.fileName);
    await writeFile(path, file.content);
    return `[文件] ${file.fileName} 已保存到 ${path}`;
  }

  return {
    platform: 'console',
    async send(items: Outbound[]): Promise<SendResult[]> {
      const results: SendResult[] = [];
      for (const item of items) {
        const to = item.recipient;
        const prefix = to.kind === 'chat' ? `[群 ${to.id}] ` : to.id === opts.self ? '' : `[发给 ${to.id}] `;
        try {
          const { reply } = item;
          const text = reply.kind === 'file'
            ? [reply.caption, await fileLine(reply)].filter(Boolean).join('\n')
            : renderPlain(reply);
          opts.write(prefix + text, to);
          results.push({ ok: true });
        } catch (e) {
          results.push({ ok: false, retryable: true, error: `console: ${(e as Error).message}` });
        }
      }
      return results;
    },
  };
}
