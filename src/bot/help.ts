import { usageOf, type AnyCommand } from './command.ts';
import type { Asker } from './context.ts';
import { canRun, describeAccess, describeChat } from './permissions.ts';
import type { Registry } from './registry.ts';
import type { CardField, Reply } from './types.ts';

/** The commands `asker` may run, grouped by family (the first word of the name), one line each. */
export function helpText(registry: Registry, asker: Asker): Reply {
  const families = new Map<string, AnyCommand[]>();
  for (const cmd of registry.list()) {
    if (cmd.hidden || !canRun(cmd.access, asker)) continue;
    const family = cmd.name.split(' ')[0]!;
    families.set(family, [...(families.get(family) ?? []), cmd]);
  }
  if (!families.size) {
    return {
      kind: 'card',
      title: '党支部助手',
      tone: 'info',
      text: '您暂时没有可用的命令。如需使用，请联系支部书记或管理员绑定您的成员信息。',
    };
  }
  const lines: string[] = [];
  for (const [family, cmds] of families) {
    lines.push(`**${family}**`);
    for (const cmd of cmds) {
      const where = describeChat(cmd.chat);
      lines.push(`${cmd.name} — ${cmd.help}${where ? `（${where}）` : ''}`);
    }
  }
  lines.push('', '发送“帮助 命令名”查看用法和示例，例如：帮助 党费 计算');
  return { kind: 'card', title: '党支部助手 · 可用命令', tone: 'info', text: lines.join('\n') };
}

/** Usage, purpose, who may use it, where, aliases and examples of one command. */
export function helpFor(cmd: AnyCommand): Reply {
  const fields: CardField[] = [
    { label: '用法', value: usageOf(cmd) },
    { label: '说明', value: cmd.help },
    { label: '权限', value: describeAccess(cmd.access) },
  ];
  const where = describeChat(cmd.chat);
  if (where) fields.push({ label: '使用场景', value: where });
  if (cmd.aliases.length) fields.push({ label: '别名', value: cmd.aliases.join('、') });
  const options = Object.values(cmd.options);
  if (options.length) {
    fields.push({
      label: '选项',
      value: options.map((o) => `${o.keys.join('/')}:${o.arg.label}${o.arg.required ? '' : '（可选）'}`).join('\n'),
    });
  }
  if (cmd.examples.length) fields.push({ label: '示例', value: cmd.examples.join('\n') });
  return {
    kind: 'card',
    title: `帮助：${cmd.name}`,
    tone: 'info',
    text: '尖括号 <…> 为必填，方括号 […] 可省略；含空格的内容请用引号括起来。',
    fields,
  };
}
