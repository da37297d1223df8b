import type { FileReply } from './types.ts';

/** A file reply where only text can go (a toast, a preview): its caption and the file's name. */
export function fileAsText(reply: FileReply): string {
  return [reply.caption, `附件：${reply.fileName}`].filter(Boolean).join('\n');
}
