/**
 * 谈话 必谈: the tenant's list of 必谈 occasions. No central "四必谈" list exists (domain.md §5), so
 * each unit keeps its own; anyone may read it (bookings pick from it by number), admins change it.
 */
import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { PermissionError } from '../src/bot/errors.ts';
import type { CardReply } from '../src/bot/types.ts';
import { DEFAULT_MUST_TALK_REASONS } from '../src/domain/talks.ts';
import { parseSettings } from '../src/domain/settings.ts';
import { updateTenantSettings } from '../src/org/tenant-settings.ts';

const DEFAULT_WORDS = ['默认', '恢复默认'];

function reasonsCard(list: readonly string[], title: string): CardReply {
  return {
    kind: 'card', title, tone: 'info',
    text: `${list.map((r, i) => `${i + 1}. ${r}`).join('\n')}\n\n预约时写“原因:序号”或名称即记为必谈，例如：谈话 预约 张三 明天下午3点 原因:1`,
  };
}

export const talkReasons = command({
  name: '谈话 必谈',
  aliases: ['talk reasons'],
  args: { list: arg.rest('必谈情形，用顿号或逗号分隔；或“默认”', { max: 700 }).optional() },
  access: 'member',
  help: '查看本单位的必谈情形；管理员可重新设定（用顿号分隔，或写“默认”恢复）',
  examples: ['谈话 必谈', '谈话 必谈 岗位变动、受表彰或处分、家庭困难或变故、思想波动或矛盾、转为正式党员', '谈话 必谈 默认'],
  run: async ({ list }, ctx) => {
    const current = parseSettings(ctx.tenant.settings).mustTalkReasons;
    if (list === undefined) return reasonsCard(current, '本单位的必谈情形');
    if (!ctx.asker.isAdmin) throw new PermissionError('必谈情形是全单位的设置，只有管理员可以修改。');
    const items = DEFAULT_WORDS.includes(list.trim()) ? [...DEFAULT_MUST_TALK_REASONS]
      : list.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean);
    const updated = await updateTenantSettings(ctx, { mustTalkReasons: items }, '例如：谈话 必谈 岗位变动、受表彰或处分');
    return reasonsCard(updated.mustTalkReasons, '已更新必谈情形');
  },
});
