import { describe, expect, it, vi } from 'vitest';
import { signAction } from '../../../src/bot/action-token.ts';
import type { ChatMessage } from '../../../src/bot/types.ts';
import type { FeishuConfig } from '../../../src/config.ts';
import { memoryLogger } from '../../../src/log.ts';
import { createFeishuRoutes } from '../../../src/platforms/feishu/routes.ts';
import { createFeishuWsDispatcher, startFeishuWs } from '../../../src/platforms/feishu/ws.ts';
import {
  FAKE_APP_ID,
  FAKE_APP_SECRET,
  FAKE_BOT_OPEN_ID,
  buildBotAddedEvent,
  buildCardAction,
  buildMessageEvent,
  feishuRequest,
  startFakeFeishu,
} from '../../fakes/feishu-server.ts';
import { startFakeFeishuWsGateway } from '../../fakes/feishu-ws-gateway.ts';

const TOKEN = 'vt-ws';
const SERVER_KEY = 'server-key-ws';
const now = new Date('2026-03-01T08:00:00Z');

function deps() {
  const config: FeishuConfig = { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: TOKEN, baseUrl: 'http://127.0.0.1:9', mode: 'ws' };
  const ingested: ChatMessage[] = [];
  return {
    config,
    ingested,
    ingest: vi.fn(async (m: ChatMessage) => {
      ingested.push(m);
      return 'accepted' as const;
    }),
    onBotAdded: vi.fn(async () => {}),
    onCardAction: vi.fn(async (_msg: ChatMessage) => ({ kind: 'text' as const, text: '已处理' })),
    log: memoryLogger('debug'),
    now: () => now,
    botOpenId: async () => FAKE_BOT_OPEN_ID,
    serverKey: SERVER_KEY,
  };
}

describe('Feishu long connection', () => {
  it('decodes pushed messages exactly like the webhook does (shared decode path)', async () => {
    const event = buildMessageEvent({
      token: TOKEN,
      tenantKey: 't_ws',
      chatType: 'group',
      senderOpenId: 'ou_alice',
      text: '@_user_1 谈心 预约 @_user_2',
      mentions: [
        { openId: FAKE_BOT_OPEN_ID, name: '党支部助手' },
        { openId: 'ou_bob', name: '李四' },
      ],
    });
    // What the WSClient does with a merged frame: invoke without a signature check.
    const ws = deps();
    await createFeishuWsDispatcher(ws).invoke(structuredClone(event), { needCheck: false });
    const hook = deps();
    const res = await createFeishuRoutes(hook).request('/feishu/events', feishuRequest(event));
    expect(res.status).toBe(200);
    expect(ws.ingested).toHaveLength(1);
    expect(ws.ingested).toEqual(hook.ingested);
    expect(ws.ingested[0]).toMatchObject({ tenantKey: 't_ws', text: '谈心 预约 @李四', mentions: [{ userId: 'ou_bob' }] });
  });

  it('ignores a group message without the bot mention', async () => {
    const d = deps();
    const event = buildMessageEvent({ token: TOKEN, chatType: 'group', senderOpenId: 'ou_alice', text: '闲聊' });
    await createFeishuWsDispatcher(d).invoke(event, { needCheck: false });
    expect(d.ingest).not.toHaveBeenCalled();
  });

  it('handles bot-added and card taps, returning the card response as the ACK payload', async () => {
    const d = deps();
    const dispatcher = createFeishuWsDispatcher(d);
    const added = buildBotAddedEvent({ token: TOKEN, tenantKey: 't_ws', chatId: 'oc_new', name: '第二党支部' });
    await dispatcher.invoke(added, { needCheck: false });
    expect(d.onBotAdded).toHaveBeenCalledWith({ tenantKey: 't_ws', chatId: 'oc_new', chatName: '第二党支部', eventId: added.header.event_id });

    const token = signAction({ command: '会议 签到 3', userId: 'ou_alice', expiresAt: new Date(now.getTime() + 60_000) }, SERVER_KEY);
    const tap = buildCardAction({ token: TOKEN, tenantKey: 't_ws', eventId: 'ev_ws', value: { a: token }, operatorOpenId: 'ou_alice', chatId: 'oc_p2p' });
    const result = await dispatcher.invoke(tap, { needCheck: false });
    expect(result).toEqual({ toast: { type: 'info', content: '已处理' } });
    expect(d.onCardAction.mock.calls[0]?.[0]).toMatchObject({ messageId: 'card:ev_ws', tenantKey: 't_ws', text: '会议 签到 3', sender: { userId: 'ou_alice' } });

    const stranger = buildCardAction({ token: TOKEN, value: { a: token }, operatorOpenId: 'ou_mallory' });
    expect(await dispatcher.invoke(stranger, { needCheck: false })).toMatchObject({ toast: { type: 'error' } });
    expect(d.onCardAction).toHaveBeenCalledTimes(1);
  });

  it('starts the SDK WSClient against the configured domain and closes it', async () => {
    const fake = await startFakeFeishu();
    const d = deps();
    const conn = startFeishuWs({ ...d, config: { ...d.config, baseUrl: fake.baseUrl } });
    await vi.waitFor(() => expect(fake.calls.some((c) => c.path === '/callback/ws/endpoint')).toBe(true), { timeout: 5000 });
    conn.close();
    await fake.close();
    expect(d.log.lines.join('\n')).not.toContain(FAKE_APP_SECRET);
  });

  it('receives a message and a card tap over a real WebSocket through the SDK WSClient, acking each after the handler', async () => {
    const gateway = await startFakeFeishuWsGateway({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET });
    const d = deps();
    const conn = startFeishuWs({ ...d, config: { ...d.config, baseUrl: gateway.baseUrl } });
    try {
      await gateway.connected();
      const message = buildMessageEvent({
        token: TOKEN, tenantKey: 't_ws', chatType: 'group', chatId: 'oc_ws', messageId: 'om_ws_1', senderOpenId: 'ou_alice',
        text: '@_user_1 帮助', mentions: [{ openId: FAKE_BOT_OPEN_ID, name: '党支部助手' }],
      });
      expect(await gateway.push(message)).toEqual({ code: 200, result: 'handled' });
      expect(d.ingested).toEqual([expect.objectContaining({
        platform: 'feishu', tenantKey: 't_ws', messageId: 'om_ws_1', chat: { id: 'oc_ws', kind: 'group' }, text: '帮助',
      })]);

      const token = signAction({ command: '会议 签到 3', userId: 'ou_alice', expiresAt: new Date(now.getTime() + 60_000) }, SERVER_KEY);
      const tap = buildCardAction({ token: TOKEN, tenantKey: 't_ws', eventId: 'ev_ws_tap', value: { a: token }, operatorOpenId: 'ou_alice', chatId: 'oc_p2p' });
      expect(await gateway.push(tap)).toEqual({ code: 200, result: { toast: { type: 'info', content: '已处理' } } });
      expect(d.onCardAction).toHaveBeenCalledTimes(1);

      // A failing inbox is not acknowledged as done: the SDK reports 500, so Feishu pushes it again.
      d.ingest.mockRejectedValueOnce(new Error('database unavailable'));
      const again = buildMessageEvent({ token: TOKEN, tenantKey: 't_ws', chatType: 'p2p', messageId: 'om_ws_2', senderOpenId: 'ou_alice', text: '帮助' });
      expect((await gateway.push(again)).code).toBe(500);
      expect(gateway.endpointCalls).toHaveLength(1);
    } finally {
      conn.close();
      await gateway.close();
    }
    expect(d.log.lines.join('\n')).not.toContain(FAKE_APP_SECRET);
  });
});
