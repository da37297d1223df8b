import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { admins, identities, invites } from '../db/schema/index.ts';
import { arg } from '../src/bot/args.ts';
import { command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { assertInBranch, findMember } from '../src/org/members.ts';

const text = (t: string) => ({ kind: 'text' as const, text: t });
const INVITE_DAYS = 7;
const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

export const memberBind = command({
  name: '成员 绑定',
  aliases: ['member bind'],
  args: { who: arg.mention('@某人'), member: arg.text('成员姓名或工号') },
  access: { roles: ['书记', '副书记', '组织委员'] },
  help: '把群里 @ 到的账号绑定到成员记录',
  examples: ['成员 绑定 @张三 张三'],
  run: async ({ who, member: ref }, ctx) => {
    const mention = ctx.message.mentions[who.index];
    if (!mention) throw new UserError('请在消息中 @ 要绑定的人。');
    const member = await findMember(ctx, ref);
    assertInBranch(ctx, member.branchId);
    const [taken] = await ctx.db.select().from(identities).where(and(eq(identities.tenantId, ctx.tenant.id),
      eq(identities.platform, ctx.message.platform), eq(identities.userId, mention.userId)));
    if (taken && taken.memberId !== member.id) throw new UserError(`@${who.name} 的账号已绑定其他成员。`);
    if (!taken) {
      await ctx.db.insert(identities).values({ tenantId: ctx.tenant.id, platform: ctx.message.platform,
        userId: mention.userId, unionId: mention.unionId ?? null, memberId: member.id });
      await ctx.audit({ action: 'bind', entity: 'identity', entityId: member.id, after: { platform: ctx.message.platform } });
    }
    return text(`已将 @${who.name} 的账号绑定到成员“${member.name}”。`);
  },
});

export const memberInvite = command({
  name: '成员 邀请',
  aliases: ['member invite'],
  args: { member: arg.text('成员姓名或工号') },
  access: { roles: ['书记', '副书记', '组织委员'] },
  chat: 'private',
  help: `生成一次性邀请码（${INVITE_DAYS}天内有效），成员私聊机器人发送“绑定 邀请码”完成绑定`,
  examples: ['成员 邀请 张三'],
  run: async ({ member: ref }, ctx) => {
    const member = await findMember(ctx, ref);
    assertInBranch(ctx, member.branchId);
    const code = String(randomInt(10_000_000, 100_000_000));
    await ctx.db.insert(invites).values({ tenantId: ctx.tenant.id, memberId: member.id, codeHash: hashCode(code),
      expiresAt: new Date(ctx.now.getTime() + INVITE_DAYS * 86_400_000) });
    await ctx.audit({ action: 'invite', entity: 'member', entityId: member.id });
    return text(`“${member.name}”的邀请码：${code}（${INVITE_DAYS}天内有效，仅可使用一次）。请转告本人私聊我发送：绑定 ${code}`);
  },
});

export const bindSelf = command({
  name: '绑定',
  aliases: ['bind'],
  args: { code: arg.text('邀请码') },
  access: 'anyone',
  chat: 'private',
  help: '用邀请码把您的账号绑定到成员信息',
  examples: ['绑定 12345678'],
  run: async ({ code }, ctx) => {
    if (ctx.asker.member) throw new UserError(`您的账号已绑定成员“${ctx.asker.member.name}”。`);
    const [invite] = await ctx.db.select().from(invites).where(and(eq(invites.tenantId, ctx.tenant.id),
      eq(invites.codeHash, hashCode(code.trim())), isNull(invites.usedAt), gt(invites.expiresAt, ctx.now)));
    if (!invite) throw new UserError('邀请码无效或已过期，请向支部书记重新索取。');
    await ctx.db.update(invites).set({ usedAt: ctx.now }).where(eq(invites.id, invite.id));
    await ctx.db.insert(identities).values({ tenantId: ctx.tenant.id, platform: ctx.message.platform,
      userId: ctx.message.sender.userId, unionId: ctx.message.sender.unionId ?? null, memberId: invite.memberId });
    await ctx.audit({ action: 'bind', entity: 'identity', entityId: invite.memberId, after: { platform: ctx.message.platform } });
    return text('绑定成功！发送“我的信息”查看，发送“帮助”查看可用命令。');
  },
});

export const adminAdd = command({
  name: '管理员 添加',
  aliases: ['admin add'],
  args: { who: arg.mention('@某人') },
  access: 'admin',
  help: '把 @ 到的账号设为本单位管理员（如上级党委组织部门的同志）',
  examples: ['管理员 添加 @王主任'],
  run: async ({ who }, ctx) => {
    const mention = ctx.message.mentions[who.index];
    if (!mention) throw new UserError('请在消息中 @ 要设为管理员的人。');
    await ctx.db.insert(admins).values({ tenantId: ctx.tenant.id, platform: ctx.message.platform, userId: mention.userId })
      .onConflictDoNothing();
    await ctx.audit({ action: 'grant', entity: 'admin', entityId: mention.userId });
    return text(`已将 @${who.name} 设为管理员。`);
  },
});

export const bindCommands = [memberBind, memberInvite, bindSelf, adminAdd];
