import type { Asker } from './context.ts';
import type { BranchRole, MemberStatus } from './roles.ts';
import type { ChatKind } from './types.ts';

/**
 * Who may run a command. Admins (BOT_ADMINS or the tenant's admin table) pass every check.
 * - `anyone`: every sender, bound or not;
 * - `member`: the sender's account is bound to a member record (any status, 群众 included);
 * - `{ roles }`: a bound member holding at least one of these branch roles;
 * - `{ statuses }`: a bound member whose status is one of these (e.g. PARTY_STATUSES for dues);
 * - `admin`: admins only.
 */
export type Access =
  | 'anyone'
  | 'member'
  | 'admin'
  | { roles: readonly BranchRole[] }
  | { statuses: readonly MemberStatus[] };

/** Where a command may be used; `private` keeps personal data out of group chats. */
export type ChatScope = 'private' | 'group' | 'any';

export function canRun(access: Access, asker: Asker): boolean {
  if (asker.isAdmin || access === 'anyone') return true;
  if (access === 'admin') return false;
  const member = asker.member;
  if (!member) return false;
  if (access === 'member') return true;
  if ('roles' in access) return access.roles.some((r) => member.roles.includes(r));
  return access.statuses.includes(member.status);
}

/** E.g. `仅书记、会计可用`; no final punctuation, so it can end a sentence or sit in a field. */
export function describeAccess(access: Access): string {
  if (access === 'anyone') return '所有人可用';
  if (access === 'member') return '仅已绑定成员信息的用户可用';
  if (access === 'admin') return '仅管理员可用';
  const names = 'roles' in access ? access.roles : access.statuses;
  return names.length ? `仅${names.join('、')}可用` : '仅管理员可用';
}

/** The full refusal for an asker who may not run a command, with a hint when they are not bound yet. */
export function accessRefusal(access: Access, asker: Asker): string {
  const hint = asker.member ? '' : '您的账号尚未绑定成员信息，请联系支部书记或管理员。';
  return `该命令${describeAccess(access)}。${hint}`;
}

export function chatAllowed(scope: ChatScope, kind: ChatKind): boolean {
  return scope === 'any' || scope === kind;
}

/** Why a command cannot be used in this kind of chat. */
export function chatRefusal(scope: ChatScope): string {
  return scope === 'private' ? '该命令请在与机器人的私聊中使用' : '该命令请在群聊中 @机器人 使用';
}

/** Shown in help: `仅限私聊` / `仅限群聊`, or empty for `any`. */
export function describeChat(scope: ChatScope): string {
  return scope === 'private' ? '仅限私聊' : scope === 'group' ? '仅限群聊' : '';
}
