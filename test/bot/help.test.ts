import { describe, expect, it } from 'vitest';
import { helpFor, helpText } from '../../src/bot/help.ts';
import { createRegistry } from '../../src/bot/registry.ts';
import type { CardReply, Reply } from '../../src/bot/types.ts';
import { ALL, asker, duesCalc, duesShow, meetingAdd } from './fixtures.ts';

const registry = createRegistry(ALL);
const card = (r: Reply): CardReply => {
  if (r.kind !== 'card') throw new Error('expected a card');
  return r;
};
const lines = (r: Reply) => (card(r).text ?? '').split('\n');

describe('helpText', () => {
  it('an unbound user sees only what anyone may run', () => {
    expect(lines(helpText(registry, asker()))).toEqual([
      '**帮助**',
      '帮助 — 查看可用的命令',
      '',
      '发送“帮助 命令名”查看用法和示例，例如：帮助 党费 计算',
    ]);
  });

  it('a 群众 member sees member commands but not party-only or role-only ones', () => {
    const text = lines(helpText(registry, asker({ status: '群众' })));
    expect(text).toContain('党费 计算 — 按2008年党费规定计算每月应交党费');
    expect(text.join('\n')).not.toMatch(/党费 统计|查看本人党费|会议 安排|系统 状态/);
  });

  it('groups by family, marks chat scope, hides hidden commands', () => {
    const text = lines(helpText(registry, asker({ roles: ['书记'] })));
    expect(text).toEqual([
      '**党费**',
      '党费 计算 — 按2008年党费规定计算每月应交党费',
      '党费 — 查看本人党费缴纳情况（仅限私聊）',
      '党费 统计 — 查看支部党费收缴情况',
      '**会议**',
      '会议 安排 — 安排一次“三会一课”并通知参会人员（仅限群聊）',
      '**帮助**',
      '帮助 — 查看可用的命令',
      '',
      '发送“帮助 命令名”查看用法和示例，例如：帮助 党费 计算',
    ]);
  });

  it('admins see everything that is not hidden', () => {
    const text = lines(helpText(registry, asker({ admin: true }))).join('\n');
    expect(text).toMatch(/系统 状态 — 查看发送队列与运行状态/);
    expect(text).not.toMatch(/会议 回执/);
  });

  it('says so when nothing is available', () => {
    const empty = createRegistry([duesCalc]);
    expect(card(helpText(empty, asker())).text).toBe('您暂时没有可用的命令。如需使用，请联系支部书记或管理员绑定您的成员信息。');
  });
});

describe('helpFor', () => {
  it('shows usage, purpose, access, aliases, options and examples', () => {
    expect(card(helpFor(duesCalc)).fields).toEqual([
      { label: '用法', value: '党费 计算 <月收入（税后，元）> [原因:…]' },
      { label: '说明', value: '按2008年党费规定计算每月应交党费' },
      { label: '权限', value: '仅已绑定成员信息的用户可用' },
      { label: '别名', value: 'dues calc' },
      { label: '选项', value: '原因/reason:原因（可选）' },
      { label: '示例', value: '党费 计算 6500' },
    ]);
    expect(card(helpFor(duesCalc)).title).toBe('帮助：党费 计算');
  });

  it('shows where a command may be used', () => {
    expect(card(helpFor(duesShow)).fields).toContainEqual({ label: '使用场景', value: '仅限私聊' });
    expect(card(helpFor(meetingAdd)).fields).toContainEqual({ label: '权限', value: '仅书记、组织委员可用' });
  });
});
