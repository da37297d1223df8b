import { describe, expect, it } from 'vitest';
import type { CardReply } from '../../../src/bot/types.ts';
import {
  MAX_MSG_PARAM_BYTES,
  renderCardMarkdown,
  renderForRobotApi,
  renderForSessionWebhook,
} from '../../../src/platforms/dingtalk/render.ts';

const card: CardReply = {
  kind: 'card',
  title: '支部党员大会通知',
  text: '请按时参加。\n会议地点：**三楼会议室**',
  fields: [
    { label: '时间', value: '2026-03-05 14:30' },
    { label: '议题', value: '发展对象讨论' },
  ],
  buttons: [
    { label: '参加', command: '会议 回复 12 参加', style: 'primary' },
    { label: '请假', command: '会议 回复 12 请假' },
  ],
};

describe('DingTalk render', () => {
  it('renders text as text', () => {
    expect(renderForSessionWebhook({ kind: 'text', text: '你好' }, { chatKind: 'private' })).toEqual({ msgtype: 'text', text: { content: '你好' } });
    expect(renderForRobotApi({ kind: 'text', text: '你好' }, { chatKind: 'private' })).toEqual({
      msgKey: 'sampleText',
      msgParam: JSON.stringify({ content: '你好' }),
    });
  });

  it('renders a card as markdown: title, body lines, bold fields, and the exact commands to type', () => {
    const { title, text } = renderCardMarkdown(card, { chatKind: 'private' });
    expect(title).toBe('支部党员大会通知');
    expect(text).toContain('#### 支部党员大会通知');
    expect(text).toContain('会议地点：**三楼会议室**');
    expect(text).toContain('**时间**：2026-03-05 14:30');
    expect(text).toContain('**议题**：发展对象讨论');
    expect(text).toContain('回复「会议 回复 12 参加」');
    expect(text).toContain('回复「会议 回复 12 请假」');
    // 1:1 chats also get a dtmd link that sends the same command.
    expect(text).toContain(`[参加](dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent('会议 回复 12 参加')})`);
  });

  it('in groups shows the command with @我 and no link (a tapped link would not @ the bot)', () => {
    const { text } = renderCardMarkdown(card, { chatKind: 'group' });
    expect(text).toContain('@我 回复「会议 回复 12 参加」');
    expect(text).not.toContain('dtmd://');
  });

  it('can turn the links off', () => {
    expect(renderCardMarkdown(card, { chatKind: 'private', buttonLinks: false }).text).not.toContain('dtmd://');
  });

  it('uses markdown for both the session webhook and the robot API', () => {
    expect(renderForSessionWebhook(card, { chatKind: 'private' })).toMatchObject({ msgtype: 'markdown', markdown: { title: '支部党员大会通知' } });
    const api = renderForRobotApi(card, { chatKind: 'group' });
    expect(api.msgKey).toBe('sampleMarkdown');
    expect(JSON.parse(api.msgParam)).toMatchObject({ title: '支部党员大会通知', text: expect.stringContaining('回复「会议 回复 12 参加」') });
  });

  it('keeps msgParam under the size limit, cutting on a character boundary', () => {
    const long = '党'.repeat(20_000) + '\n"引号"\n'.repeat(500);
    const api = renderForRobotApi({ kind: 'card', title: 't', text: long }, { chatKind: 'group' });
    expect(Buffer.byteLength(api.msgParam)).toBeLessThanOrEqual(MAX_MSG_PARAM_BYTES);
    expect(JSON.parse(api.msgParam).text).toContain('内容过长，已截断');
    const text = renderForRobotApi({ kind: 'text', text: '😀'.repeat(10_000) }, { chatKind: 'private' });
    expect(Buffer.byteLength(text.msgParam)).toBeLessThanOrEqual(MAX_MSG_PARAM_BYTES);
    expect(JSON.parse(text.msgParam).content).not.toContain('\uFFFD');
  });
});
