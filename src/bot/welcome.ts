import type { Reply } from './types.ts';

/** Posted when the bot joins a group: how to bind the group to a branch. */
export function welcomeCard(): Reply {
  return {
    kind: 'card',
    title: '党支部助手已加入本群',
    tone: 'info',
    text: [
      '请支部书记或管理员在本群 @我 发送：',
      '**支部 绑定群 <支部名称>**',
      '绑定后，本群每周会收到支部工作小结（会议、党费收缴率、谈心谈话等，只含汇总数字）。',
      '发送“帮助”查看全部命令。',
    ].join('\n'),
  };
}
