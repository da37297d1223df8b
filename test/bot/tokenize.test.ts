import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/bot/normalize.ts';
import { tokenize } from '../../src/bot/tokenize.ts';

const t = (line: string) => {
  const { raw: _raw, optionWords: _optionWords, ...rest } = tokenize(normalize(line));
  return rest;
};

describe('tokenize', () => {
  it.each([
    ['党费 计算 6500', { words: ['党费', '计算', '6500'], options: {}, mentions: [], mentionWords: [] }],
    ['会议 记录 “研究 发展党员”', { words: ['会议', '记录', '研究 发展党员'], options: {}, mentions: [], mentionWords: [] }],
    ['会议 记录 "研究 发展"', { words: ['会议', '记录', '研究 发展'], options: {}, mentions: [], mentionWords: [] }],
    ['会议 记录 「支委会 纪要」', { words: ['会议', '记录', '支委会 纪要'], options: {}, mentions: [], mentionWords: [] }],
    ["a 'b c' d", { words: ['a', 'b c', 'd'], options: {}, mentions: [], mentionWords: [] }],
    ['a “”', { words: ['a', ''], options: {}, mentions: [], mentionWords: [] }],
    ['诉求 提交 “食堂 太贵', { words: ['诉求', '提交', '食堂 太贵'], options: {}, mentions: [], mentionWords: [] }],
    ['a "b', { words: ['a', 'b'], options: {}, mentions: [], mentionWords: [] }],
    ['“abc”def', { words: ['abc', 'def'], options: {}, mentions: [], mentionWords: [] }],
    ['don\'t stop', { words: ["don't", 'stop'], options: {}, mentions: [], mentionWords: [] }],
  ])('quotes: %s', (line, expected) => {
    expect(t(line)).toEqual(expected);
  });

  it.each([
    ['会议 记录 主题：“研究发展党员工作”', { 主题: '研究发展党员工作' }, ['会议', '记录']],
    ['会议 记录 缺席:李四(出差),王五(病假)', { 缺席: '李四(出差),王五(病假)' }, ['会议', '记录']],
    ['会议 记录 缺席：李四（出差），王五（病假）', { 缺席: '李四(出差),王五(病假)' }, ['会议', '记录']],
    ['a reason:病假 b', { reason: '病假' }, ['a', 'b']],
    ['a 主题: 学习 b', { 主题: '学习' }, ['a', 'b']],
    ['a 主题： “学习 讨论” b', { 主题: '学习 讨论' }, ['a', 'b']],
    ['a 主题:', { 主题: '' }, ['a']],
    ['a 主题:“”', { 主题: '' }, ['a']],
    ['a 主题:"未闭合 的 值', { 主题: '未闭合 的 值' }, ['a']],
    ['a 原因:一 原因:二', { 原因: '二' }, ['a']],
    ['a 主题: 原因:x', { 主题: '', 原因: 'x' }, ['a']],
    ['a 九个字的选项键名啊啊:x', {}, ['a', '九个字的选项键名啊啊:x']],
    ['a 下午3:00', {}, ['a', '下午3:00']],
    ['2026-11-20 15:00', {}, ['2026-11-20', '15:00']],
    ['诉求 https://example.com/x', {}, ['诉求', 'https://example.com/x']],
    ['a “主题:不是选项”', {}, ['a', '主题:不是选项']],
  ])('options: %s', (line, options, words) => {
    const r = t(line);
    expect(r.options).toEqual(options);
    expect(r.words).toEqual(words);
  });

  it.each([
    ['谈心 预约 @张三 明天', ['谈心', '预约', '@张三', '明天'], ['张三'], [2]],
    ['a @张三 @李四，b', ['a', '@张三', '@李四', 'b'], ['张三', '李四'], [1, 2]],
    ['a ＠王五。', ['a', '@王五'], ['王五'], [1]],
    ['a @ b', ['a', '@', 'b'], [], []],
    ['a “@张三”', ['a', '@张三'], [], []],
    ['a @,', ['a', '@,'], [], []],
    ['a @张三,@李四', ['a', '@张三', '@李四'], ['张三', '李四'], [1, 2]],
    ['a @张三、李四', ['a', '@张三', '李四'], ['张三'], [1]],
    ['a @张三！', ['a', '@张三'], ['张三'], [1]],
  ])('mentions: %s', (line, words, mentions, mentionWords) => {
    const r = t(line);
    expect(r.words).toEqual(words);
    expect(r.mentions).toEqual(mentions);
    expect(r.mentionWords).toEqual(mentionWords);
  });

  it('remembers where each option stood and how it was typed', () => {
    expect(tokenize('a 主题:“x y” b 原因: 病假 c').optionWords).toEqual([
      { key: '主题', text: '主题:“x y”', at: 1 },
      { key: '原因', text: '原因: 病假', at: 2 },
    ]);
  });

  it('keeps the line as raw', () => {
    expect(tokenize('a  b').raw).toBe('a  b');
    expect(tokenize('').words).toEqual([]);
  });
});
