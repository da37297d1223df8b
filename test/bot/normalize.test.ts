import { describe, expect, it } from 'vitest';
import { foldCase, normalize } from '../../src/bot/normalize.ts';

describe('normalize', () => {
  it.each([
    ['  帮助  ', '帮助'],
    ['/帮助', '帮助'],
    ['／帮助', '帮助'],
    ['/ 帮助', '帮助'],
    ['//帮助', '/帮助'],
    ['党费　计算　６５００', '党费 计算 6500'],
    ['主题：“研究发展党员工作”', '主题:“研究发展党员工作”'],
    ['缺席：李四（出差），王五（病假）', '缺席:李四(出差),王五(病假)'],
    ['ＤＵＥＳ　ｃａｌｃ！', 'DUES calc!'],
    ['＠张三 你好', '@张三 你好'],
    ['「会议」 『纪要』 ‘a’', '「会议」 『纪要』 ‘a’'],
    ['党费\t计算\n\r6500', '党费 计算 6500'],
    ['党\u0000费\u0007 计\u200B算\uFEFF', '党费 计算'],
    ['\u202E反转\u202C', '反转'],
    ['￥6500', '¥6500'],
    ['李四、王五。', '李四、王五。'],
    ['a\u00A0\u3000\u2003b', 'a b'],
    ['', ''],
    ['   ', ''],
    ['/', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalize(raw)).toBe(expected);
  });

  it('is idempotent apart from one leading slash', () => {
    const once = normalize('  ／会议　记录　主题：“学习”  ');
    expect(normalize(once)).toBe(once);
  });

  it('folds only ASCII case', () => {
    expect(foldCase('Dues CALC 党费 Ä')).toBe('dues calc 党费 Ä');
  });
});
