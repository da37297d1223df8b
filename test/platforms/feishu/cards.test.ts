import { describe, expect, it, vi } from 'vitest';
import { signAction, verifyAction } from '../../../src/bot/action-token.ts';
import type { ChatMessage, Reply } from '../../../src/bot/types.ts';
import type { FeishuConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createFeishuRoutes } from '../../../src/platforms/feishu/routes.ts';
import { buildCardAction, buildChallenge, feishuRequest } from '../../fakes/feishu-server.ts';

const TOKEN = 'verification-token-xyz';
const KEY = 'encrypt-key-abc';
const SERVER_KEY = 'server-key-for-cards';
const NOW = new Date();
const LATER = new Date(NOW.getTime() + 3600_000);

type El = Record<string, any>;

function setup(onCardAction: (m: ChatMessage) => Promise<Reply> = async () => ({ kind: 'text', text: '已登记：参加' }), extra: { cardActionTimeoutMs?: number } = {}) {
  const config: FeishuConfig = { appId: 'cli_x', appSecret: 'secret-x', verificationToken: TOKEN, encryptKey: KEY, baseUrl: 'http://x', mode: 'webhook' };
  const handler = vi.fn(onCardAction);
  const ingest = vi.fn(async () => 'accepted' as const);
  const log = memoryLogger('debug');
  const app = createFeishuRoutes({ config, serverKey: SERVER_KEY, ingest, onBotAdded: async () => {}, onCardAction: handler, log, ...extra });
  const tap = async (value: unknown, who: { operatorOpenId: string; chatId?: string }) => {
    const res = await app.request('/feishu/cards', feishuRequest(buildCardAction({ token: TOKEN, tenantKey: 't_1', eventId: 'ev_card_1', value, ...who }), KEY));
    return { status: res.status, body: (await res.json()) as El };
  };
  return { app, handler, ingest, log, tap };
}

const userToken = (command = '会议 回复 12 参加', expiresAt = LATER) => signAction({ command, userId: 'ou_alice', expiresAt }, SERVER_KEY);

describe('POST /feishu/cards', () => {
  it('runs the button command as the tapper and answers with a toast', async () => {
    const { tap, handler, ingest } = setup();
    const { status, body } = await tap({ a: userToken() }, { operatorOpenId: 'ou_alice', chatId: 'oc_p2p_alice' });
    expect(status).toBe(200);
    expect(body).toEqual({ toast: { type: 'info', content: '已登记：参加' } });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]?.[0]).toMatchObject({
      platform: 'feishu',
      tenantKey: 't_1',
      messageId: 'card:ev_card_1',
      chat: { id: 'oc_p2p_alice', kind: 'private' },
      sender: { userId: 'ou_alice' },
      text: '会议 回复 12 参加',
      mentions: [],
    });
    expect(ingest).not.toHaveBeenCalled();
  });

  it('returns an updated card (JSON 2.0) whose buttons are signed for the same recipient', async () => {
    const reply: Reply = { kind: 'card', title: '已回复：参加', tone: 'success', text: '谢谢', buttons: [{ label: '改为请假', command: '会议 回复 12 请假' }] };
    const { tap } = setup(async () => reply);
    const { body } = await tap({ a: signAction({ command: '会议 回复 12 参加', chatId: 'oc_group', expiresAt: LATER }, SERVER_KEY) }, { operatorOpenId: 'ou_bob', chatId: 'oc_group' });
    expect(body.toast).toEqual({ type: 'success', content: '已回复：参加' });
    expect(body.card.type).toBe('raw');
    expect(body.card.data.schema).toBe('2.0');
    const button = body.card.data.body.elements.at(-1).columns[0].elements[0];
    expect(verifyAction(button.behaviors[0].value.a, SERVER_KEY, NOW)).toMatchObject({ command: '会议 回复 12 请假', chatId: 'oc_group' });
  });

  it('lets any member of the group use a group card', async () => {
    const { tap, handler } = setup();
    const token = signAction({ command: '会议 签到 12', chatId: 'oc_group', expiresAt: LATER }, SERVER_KEY);
    const { body } = await tap({ a: token }, { operatorOpenId: 'ou_carol', chatId: 'oc_group' });
    expect(body.toast.type).toBe('info');
    expect(handler.mock.calls[0]?.[0]).toMatchObject({ chat: { id: 'oc_group', kind: 'group' }, sender: { userId: 'ou_carol' } });
  });

  it('refuses a forged token', async () => {
    const { tap, handler } = setup();
    const forged = signAction({ command: '支部 删除', userId: 'ou_alice', expiresAt: LATER }, 'attacker-key');
    const { status, body } = await tap({ a: forged }, { operatorOpenId: 'ou_alice' });
    expect(status).toBe(200);
    expect(body.toast.type).toBe('error');
    expect(body.toast.content).toMatch(/校验失败/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a tampered token and a value with no token', async () => {
    const { tap, handler } = setup();
    const [v, , mac] = userToken().split('.');
    const body = Buffer.from(JSON.stringify({ c: '支部 删除', u: 'ou_alice', e: 9e9 })).toString('base64url');
    expect((await tap({ a: `${v}.${body}.${mac}` }, { operatorOpenId: 'ou_alice' })).body.toast.type).toBe('error');
    expect((await tap({ command: '支部 删除' }, { operatorOpenId: 'ou_alice' })).body.toast.type).toBe('error');
    expect((await tap('会议 回复 12 参加', { operatorOpenId: 'ou_alice' })).body.toast.type).toBe('error');
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses an expired token', async () => {
    const { tap, handler } = setup();
    const { body } = await tap({ a: userToken('帮助', new Date(NOW.getTime() - 60_000)) }, { operatorOpenId: 'ou_alice' });
    expect(body.toast).toEqual({ type: 'error', content: '这个按钮已过期，请重新发送命令。' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a card tapped by someone it was not sent to, or in another chat', async () => {
    const { tap, handler } = setup();
    const mine = await tap({ a: userToken() }, { operatorOpenId: 'ou_mallory', chatId: 'oc_p2p_alice' });
    expect(mine.body.toast).toEqual({ type: 'error', content: '这张卡片是发给其他人的，操作未执行。' });
    const group = signAction({ command: '会议 签到 12', chatId: 'oc_group_a', expiresAt: LATER }, SERVER_KEY);
    const other = await tap({ a: group }, { operatorOpenId: 'ou_bob', chatId: 'oc_group_b' });
    expect(other.body.toast.type).toBe('error');
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers within the time limit even when the command is slow', async () => {
    let finish!: (r: Reply) => void;
    const { tap } = setup(() => new Promise<Reply>((r) => (finish = r)), { cardActionTimeoutMs: 50 });
    const { body } = await tap({ a: userToken() }, { operatorOpenId: 'ou_alice' });
    expect(body.toast).toEqual({ type: 'info', content: '已收到，正在处理。' });
    finish({ kind: 'text', text: 'late' });
  });

  it('answers an error toast when the command throws', async () => {
    const { tap, log } = setup(async () => {
      throw new Error('boom');
    });
    const { status, body } = await tap({ a: userToken() }, { operatorOpenId: 'ou_alice' });
    expect(status).toBe(200);
    expect(body.toast).toEqual({ type: 'error', content: '操作失败，请稍后再试。' });
    expect(log.lines.join('\n')).toContain('boom');
  });

  it('verifies card callbacks like events: bad signature and wrong token are 401', async () => {
    const { app, handler } = setup();
    const req = feishuRequest(buildCardAction({ token: TOKEN, value: { a: userToken() }, operatorOpenId: 'ou_alice' }), KEY);
    req.headers['X-Lark-Signature'] = '0'.repeat(64);
    expect((await app.request('/feishu/cards', req)).status).toBe(401);
    const wrong = feishuRequest(buildCardAction({ token: 'nope', value: { a: userToken() }, operatorOpenId: 'ou_alice' }), KEY);
    expect((await app.request('/feishu/cards', wrong)).status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers the callback URL challenge', async () => {
    const { app } = setup();
    const res = await app.request('/feishu/cards', feishuRequest(buildChallenge(TOKEN, 'cc'), KEY));
    expect(await res.json()).toEqual({ challenge: 'cc' });
  });

  it('refuses the legacy (v1) card callback with 400', async () => {
    const { app, handler } = setup();
    const legacy = { open_id: 'ou_alice', tenant_key: 't', token: TOKEN, open_message_id: 'om', action: { value: { a: userToken() }, tag: 'button' } };
    const res = await app.request('/feishu/cards', feishuRequest(legacy, KEY));
    expect(res.status).toBe(400);
    expect(handler).not.toHaveBeenCalled();
  });
});
