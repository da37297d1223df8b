import { describe, expect, it } from 'vitest';
import {
  decodeRobotCallback,
  OUTSIDER_REFUSAL,
  parseReplyHint,
  UNSUPPORTED_GROUP,
} from '../../../src/platforms/dingtalk/decode.ts';
import { buildRobotCallback } from '../../fakes/dingtalk-server.ts';

/** The official HTTP example (open.dingtalk.com receive-message; reference/dingtalk.md §1), verbatim. */
const OFFICIAL_EXAMPLE =
  '{"conversationId":"xxx","atUsers":[{"dingtalkId":"xxx","staffId":"xxx"}],"chatbotCorpId":"dinge8a565xxxx","chatbotUserId":"$:LWCP_v1:$Cxxxxx","msgId":"msg0xxxxx","senderNick":"杨xx","isAdmin":true,"senderStaffId":"user123","sessionWebhookExpiredTime":1613635652738,"createAt":1613630252678,"senderCorpId":"dinge8a565xxxx","conversationType":"2","senderId":"$:LWCP_v1:$Ff09GIxxxxx","conversationTitle":"机器人测试-TEST","isInAtList":true,"sessionWebhook":"https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx","text":{"content":" 你好"},"msgtype":"text"}';

const now = new Date('2026-03-01T08:00:00Z');

describe('decodeRobotCallback', () => {
  it('decodes the official example fixture', () => {
    const r = decodeRobotCallback(JSON.parse(OFFICIAL_EXAMPLE), { now });
    expect(r).toEqual({
      kind: 'message',
      message: {
        platform: 'dingtalk',
        tenantKey: 'dinge8a565xxxx',
        messageId: 'msg0xxxxx',
        chat: { id: 'xxx', kind: 'group', title: '机器人测试-TEST' },
        sender: { userId: 'user123', name: '杨xx' },
        text: '你好',
        mentions: [{ userId: 'xxx' }],
        receivedAt: new Date(1613630252678),
        replyHint: {
          sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx',
          sessionWebhookExpiredTime: 1613635652738,
        },
      },
    });
  });

  it('decodes a 1:1 text message, keeps the unionId, trims the text', () => {
    const r = decodeRobotCallback(
      buildRobotCallback({ msgId: 'm1', text: '  党费 计算 6500 \n', senderStaffId: 'u1', senderUnionId: 'union-1', senderNick: '李四' }),
      { now },
    );
    expect(r.kind).toBe('message');
    if (r.kind !== 'message') return;
    expect(r.message.chat).toEqual({ id: 'cidPrivate0001==', kind: 'private' });
    expect(r.message.sender).toEqual({ userId: 'u1', unionId: 'union-1', name: '李四' });
    expect(r.message.text).toBe('党费 计算 6500');
    expect(r.message.mentions).toEqual([]);
  });

  it('takes mentions from atUsers with a staffId, without the bot and without duplicates', () => {
    const r = decodeRobotCallback(
      buildRobotCallback({
        conversationType: '2',
        chatbotUserId: '$:bot',
        text: ' 谈心 预约 @王五 @外部',
        atUsers: [
          { dingtalkId: '$:bot', staffId: 'botstaff' },
          { dingtalkId: '$:w', staffId: 'wangwu', unionId: 'un-w' },
          { dingtalkId: '$:ext' },
          { dingtalkId: '$:w2', staffId: 'wangwu' },
          { dingtalkId: '$:z', staffId: 'zhao' },
        ],
      }),
      { now },
    );
    expect(r.kind === 'message' && r.message.mentions).toEqual([{ userId: 'wangwu', unionId: 'un-w' }, { userId: 'zhao' }]);
  });

  it('uses senderCorpId when chatbotCorpId is missing', () => {
    const raw = buildRobotCallback({ corpId: 'dingA' });
    delete raw.chatbotCorpId;
    const r = decodeRobotCallback(raw, { now });
    expect(r.kind === 'message' && r.message.tenantKey).toBe('dingA');
  });

  it('refuses a sender outside the organisation, in a group through the chat', () => {
    const raw = buildRobotCallback({ msgId: 'out-1', conversationType: '2', senderStaffId: null, sessionWebhookExpiredTime: 1_900_000_000_000 });
    const r = decodeRobotCallback(raw, { now });
    expect(r).toMatchObject({
      kind: 'notice',
      reason: 'outsider',
      notice: {
        recipient: { platform: 'dingtalk', kind: 'chat', id: 'cidGroup0001==', tenantKey: 'dingcorp0001' },
        reply: { kind: 'text', text: OUTSIDER_REFUSAL },
        dedupeKey: 'dingtalk:refuse:out-1',
        kind: 'reply',
        inReplyTo: { messageId: 'out-1', chatKind: 'group', hint: { sessionWebhook: raw.sessionWebhook } },
      },
    });
    expect(OUTSIDER_REFUSAL).toContain('仅本单位通讯录内的人员可以使用党支部助手');
  });

  it('treats an empty senderStaffId as outside the organisation', () => {
    const r = decodeRobotCallback(buildRobotCallback({ senderStaffId: '' }), { now });
    expect(r).toMatchObject({ kind: 'notice', reason: 'outsider', notice: { recipient: { kind: 'user' } } });
  });

  it('answers non-text messages politely instead of ingesting them', () => {
    const raw = buildRobotCallback({ msgId: 'pic-1', conversationType: '2', msgtype: 'picture', extra: { content: { downloadCode: 'x' } } });
    const r = decodeRobotCallback(raw, { now });
    expect(r).toMatchObject({
      kind: 'notice',
      reason: 'unsupported',
      notice: { reply: { kind: 'text', text: UNSUPPORTED_GROUP }, dedupeKey: 'dingtalk:unsupported:pic-1' },
    });
  });

  it('ignores a body that is not a robot message, or an unknown conversation type', () => {
    expect(decodeRobotCallback({ hello: 'world' }, { now })).toMatchObject({ kind: 'ignore', reason: 'invalid-shape' });
    expect(decodeRobotCallback(null, { now })).toMatchObject({ kind: 'ignore', reason: 'invalid-shape' });
    expect(decodeRobotCallback(buildRobotCallback({ extra: { conversationType: '3' } }), { now })).toMatchObject({
      kind: 'ignore',
      reason: 'unknown-conversation',
    });
  });

  it('accepts epoch times sent as strings', () => {
    const r = decodeRobotCallback(buildRobotCallback({ extra: { createAt: '1613630252678', sessionWebhookExpiredTime: '1613635652738' } }), { now });
    expect(r.kind === 'message' && r.message.replyHint?.sessionWebhookExpiredTime).toBe(1613635652738);
    expect(r.kind === 'message' && r.message.receivedAt.getTime()).toBe(1613630252678);
  });

  it('reads a reply hint back after a JSON round trip', () => {
    expect(parseReplyHint(JSON.parse(JSON.stringify({ sessionWebhook: 'https://x', sessionWebhookExpiredTime: 5 })))).toEqual({
      sessionWebhook: 'https://x',
      sessionWebhookExpiredTime: 5,
    });
    expect(parseReplyHint({ sessionWebhook: 'https://x' })).toBeUndefined();
    expect(parseReplyHint(undefined)).toBeUndefined();
  });
});
