import { describe, expect, it } from 'vitest';
import { verifyAction } from '../../../src/bot/action-token.ts';
import type { CardReply } from '../../../src/bot/types.ts';
import { MAX_CARD_BYTES, TRUNCATION_NOTE, renderCard, renderFeishu } from '../../../src/platforms/feishu/render.ts';

const now = new Date('2026-03-01T00:00:00Z');
const opts = { serverKey: 'k', now };

type El = Record<string, any>;

describe('render for Feishu', () => {
  it('renders text as a text message', () => {
    const out = renderFeishu({ kind: 'text', text: '应交党费 32.50 元/月' }, { userId: 'ou_a' }, opts);
    expect(out.msgType).toBe('text');
    expect(JSON.parse(out.content)).toEqual({ text: '应交党费 32.50 元/月' });
  });

  it('renders a card as JSON 2.0: coloured header, markdown body, fields in two columns, signed buttons', () => {
    const card: CardReply = {
      kind: 'card',
      title: '三月支部党员大会',
      tone: 'warning',
      text: '**时间** 3月8日 14:00',
      fields: [
        { label: '地点', value: '三楼会议室' },
        { label: '应到', value: '12 人' },
        { label: '主持', value: '张书记' },
      ],
      buttons: [
        { label: '参加', command: '会议 回复 12 参加', style: 'primary' },
        { label: '请假', command: '会议 回复 12 请假' },
      ],
    };
    const out = renderFeishu(card, { chatId: 'oc_g' }, opts);
    expect(out.msgType).toBe('interactive');
    const json = JSON.parse(out.content) as El;
    expect(json.schema).toBe('2.0');
    expect(json.config).toEqual({ update_multi: true });
    expect(json.header).toEqual({ title: { tag: 'plain_text', content: '三月支部党员大会' }, template: 'orange' });
    const els = json.body.elements as El[];
    expect(els[0]).toEqual({ tag: 'markdown', content: '**时间** 3月8日 14:00' });
    // Fields: two per row.
    expect(els[1]?.tag).toBe('column_set');
    expect(els[1]?.columns.map((c: El) => c.elements[0]?.content)).toEqual(['**地点**\n三楼会议室', '**应到**\n12 人']);
    expect(els[2]?.columns[0].elements[0].content).toBe('**主持**\n张书记');
    expect(els[2]?.columns[1].elements).toEqual([]);
    // Buttons carry tokens bound to the chat.
    const buttons = (els[3]?.columns as El[]).map((c) => c.elements[0]);
    expect(buttons.map((b: El) => [b.text.content, b.type])).toEqual([['参加', 'primary_filled'], ['请假', 'default']]);
    const token = buttons[0].behaviors[0].value.a as string;
    expect(buttons[0].behaviors[0].type).toBe('callback');
    expect(verifyAction(token, 'k', now)).toMatchObject({ command: '会议 回复 12 参加', chatId: 'oc_g' });
  });

  it('maps every tone to a header template', () => {
    const t = (tone: CardReply['tone']) => (renderCard({ kind: 'card', title: 't', ...(tone ? { tone } : {}) }, { userId: 'u' }, opts).header as El).template;
    expect([t(undefined), t('info'), t('success'), t('warning'), t('danger')]).toEqual(['blue', 'blue', 'green', 'orange', 'red']);
  });

  it('neutralises markup so user text cannot @everyone', () => {
    const text = renderFeishu({ kind: 'text', text: '诉求：<at user_id="all"></at> 请处理' }, { userId: 'u' }, opts);
    expect(JSON.parse(text.content).text).not.toContain('<at');
    const card = renderCard({ kind: 'card', title: 't', text: '<at id=all></at> 支部 绑定群 <支部名称>' }, { userId: 'u' }, opts);
    const md = ((card.body as El).elements[0] as El).content as string;
    expect(md).not.toContain('<at');
    expect(md).toContain('<支部名称>');
  });

  it('keeps a huge card under the 30 KB limit, with a note', () => {
    const card: CardReply = { kind: 'card', title: '汇总', text: '党费收缴明细\n'.repeat(5000), buttons: [{ label: '刷新', command: '汇总' }] };
    const out = renderFeishu(card, { userId: 'ou_a' }, opts);
    expect(Buffer.byteLength(out.content)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(out.content).toContain(TRUNCATION_NOTE);
    expect(out.content).toContain('刷新'); // buttons survive
  });

  it('drops trailing fields when fields alone are too big', () => {
    const fields = Array.from({ length: 800 }, (_, i) => ({ label: `党员${i}`, value: '已缴 2026年3月 党费 32.50 元' }));
    const out = renderFeishu({ kind: 'card', title: '名单', fields }, { userId: 'ou_a' }, opts);
    expect(Buffer.byteLength(out.content)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(out.content).toContain(TRUNCATION_NOTE);
    expect(out.content).toContain('党员0');
  });

  it('truncates text messages over 150 KB', () => {
    const out = renderFeishu({ kind: 'text', text: '长'.repeat(80_000) }, { userId: 'ou_a' }, opts);
    expect(Buffer.byteLength(out.content)).toBeLessThan(150 * 1024);
    expect(JSON.parse(out.content).text.endsWith(TRUNCATION_NOTE)).toBe(true);
  });
});
