/**
 * The weekly summary as each platform receives it: a Feishu interactive card and DingTalk markdown,
 * from the job through the outbox and the real senders (Lark SDK, DingTalk OpenAPI client) to the fakes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../cron/runner.ts';
import { weeklySummary } from '../../cron/weekly-summary.ts';
import type { DbHandle } from '../../db/client.ts';
import { chats } from '../../db/schema/index.ts';
import { memoryLogger } from '../../src/log.ts';
import { createSender } from '../../src/notify/sender.ts';
import { createDingTalkSender } from '../../src/platforms/dingtalk/sender.ts';
import { createFeishuSender } from '../../src/platforms/feishu/sender.ts';
import { startFakeDingTalk, type FakeDingTalk } from '../fakes/dingtalk-server.ts';
import { FAKE_APP_ID, FAKE_APP_SECRET, startFakeFeishu, type FakeFeishu } from '../fakes/feishu-server.ts';
import { createTestDb } from '../helpers/db.ts';
import { loadConfig } from '../../src/config.ts';
import { PEOPLE_A, seedMonth } from './seed.ts';

const NOW = new Date('2026-11-27T17:00:00+08:00');
const DT_KEY = 'dingsummarykey';

describe('weekly summary on Feishu and DingTalk', () => {
  let h: DbHandle;
  let feishu: FakeFeishu;
  let dingtalk: FakeDingTalk;
  const log = memoryLogger('debug');

  beforeAll(async () => {
    h = await createTestDb();
    const s = await seedMonth(h.db);
    await h.db.insert(chats).values([
      { tenantId: s.tenantId, platform: 'feishu', chatId: 'oc_branch1', branchId: s.a, title: '一支部飞书群' },
      { tenantId: s.tenantId, platform: 'dingtalk', chatId: 'cid_branch1', branchId: s.a, title: '一支部钉钉群' },
    ]);
    [feishu, dingtalk] = await Promise.all([
      startFakeFeishu(), startFakeDingTalk({ appKey: DT_KEY, appSecret: 'dt-secret', robotCode: DT_KEY }),
    ]);
    const r = await runJob(weeklySummary, NOW, { db: h.db, tz: 'Asia/Shanghai', log, config: loadConfig({}) });
    expect(r.counts).toMatchObject({ posted: 3, quiet: 1 }); // the console group too; the quiet branch gets nothing
    const sender = createSender({
      db: h.db, log, now: () => NOW, admins: [],
      senders: [
        createFeishuSender({
          config: { appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, verificationToken: 'vt', baseUrl: feishu.baseUrl, mode: 'webhook' },
          log, serverKey: 'summary-server-key', now: () => NOW,
        }),
        createDingTalkSender({
          config: { appKey: DT_KEY, appSecret: 'dt-secret', robotCode: DT_KEY, apiBase: dingtalk.baseUrl, mode: 'http' }, log, now: () => NOW,
        }),
      ],
    });
    expect(await sender.drainOnce()).toMatchObject({ sent: 2, failed: 0 });
  });
  afterAll(async () => {
    await Promise.all([feishu?.close(), dingtalk?.close()]);
    await h?.close();
  });

  const privateBits = (s: string) => [...PEOPLE_A, '元', '匿名', '食堂'].filter((x) => s.includes(x));

  it('Feishu: an interactive card to the group, header, markdown body with the bars, and a bar chart', () => {
    const [m, ...more] = feishu.sent();
    expect(more).toEqual([]);
    expect(m).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_branch1', msgType: 'interactive' });
    const card = m!.content as { header: { title: { content: string }; template: string }; body: { elements: Array<{ tag: string; content?: string }> } };
    expect(card.header.title.content).toBe('第一党支部 本周工作小结');
    expect(card.header.template).toBe('orange'); // there are things to act on
    const body = card.body.elements.filter((e) => e.tag === 'markdown').map((e) => e.content).join('\n');
    expect(body).toContain('**党费收缴**\n11月党费收缴 ██████░░░░ 63%\n已交 5/8 人');
    expect(body).toContain('年度覆盖 ████░░░░░░ 38%（3/8 名党员）');
    expect(body).toContain('**需要办理**');
    // The same two shares drawn by the card's chart component (VChart bars on a 0–100 % axis).
    const chart = card.body.elements.find((e) => e.tag === 'chart') as unknown as { chart_spec: { type: string; data: { values: unknown[] }; axes: unknown[] } };
    expect(chart.chart_spec.type).toBe('bar');
    expect(chart.chart_spec.data.values).toEqual([{ item: '11月党费收缴', percent: 63 }, { item: '年度谈话覆盖', percent: 38 }]);
    expect(chart.chart_spec.axes).toEqual([{ orient: 'bottom', min: 0, max: 100 }]);
    expect(privateBits(JSON.stringify(card))).toEqual([]);
  });

  it('DingTalk: sampleMarkdown to the group conversation, the same figures', () => {
    const [m, ...more] = dingtalk.sent();
    expect(more).toEqual([]);
    expect(m).toMatchObject({ via: 'group', openConversationId: 'cid_branch1', msgKey: 'sampleMarkdown' });
    if (m?.via !== 'group') throw new Error(`expected a group message, got ${m?.via}`);
    const param = m.msgParam as { title: string; text: string };
    expect(param.title).toContain('第一党支部 本周工作小结');
    expect(param.text).toContain('11月党费收缴 ██████░░░░ 63%');
    expect(param.text).toContain('本周召开 2 次：支部委员会会议（11月24日）、党课（11月25日）');
    expect(privateBits(JSON.stringify(param))).toEqual([]);
  });
});
