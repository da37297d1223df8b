import type { Reply } from '../../bot/types.ts';
import { fileAsText } from '../../bot/file-text.ts';

/** A reply as terminal text: cards become a title line, fields and the commands behind their buttons. */
export function renderPlain(reply: Reply): string {
  if (reply.kind === 'text') return reply.text;
  if (reply.kind === 'file') return fileAsText(reply);
  const lines = [`【${reply.title}】`];
  if (reply.text) lines.push(reply.text.replace(/\*\*(.+?)\*\*/g, '$1'));
  for (const f of reply.fields ?? []) lines.push(`${f.label}：${f.value}`);
  for (const b of reply.buttons ?? []) lines.push(`［${b.label}］发送：${b.command}`);
  return lines.join('\n');
}
