import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { helpFor, helpText } from '../src/bot/help.ts';
import { normalize } from '../src/bot/normalize.ts';
import type { Registry } from '../src/bot/registry.ts';
import { tokenize } from '../src/bot/tokenize.ts';

/** `帮助` needs the finished registry, so it is built with a getter. */
export function helpCommand(registry: () => Registry) {
  return command({
    name: '帮助',
    aliases: ['help', '菜单'],
    args: { topic: arg.rest('命令名').optional() },
    access: 'anyone',
    help: '列出您可以使用的命令；“帮助 命令名”查看用法和示例',
    examples: ['帮助', '帮助 党费 计算'],
    run: ({ topic }, ctx) => {
      const reg = registry();
      if (!topic) return helpText(reg, ctx.asker);
      const exact = reg.find(topic) ?? reg.match(tokenize(normalize(topic)))?.command;
      if (exact && !exact.hidden) return helpFor(exact);
      const near = reg.suggest(topic, 3).map((c) => `“${c.name}”`);
      return { kind: 'text', text: `没有“${topic}”这个命令。${near.length ? `您是不是要找：${near.join('、')}？` : ''}` };
    },
  });
}
