/** Branch roles and member statuses, as the party's own documents name them. */

export const BRANCH_ROLES = ['书记', '副书记', '组织委员', '宣传委员', '纪检委员', '会计', '出纳', '党小组长'] as const;
export type BranchRole = (typeof BRANCH_ROLES)[number];

/** The branch committee (支委): who may hold committee-level talks and see branch-wide records. */
export const COMMITTEE_ROLES: readonly BranchRole[] = ['书记', '副书记', '组织委员', '宣传委员', '纪检委员'];

export const MEMBER_STATUSES = ['群众', '入党申请人', '入党积极分子', '发展对象', '预备党员', '正式党员'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Party members proper (dues, meetings, talks); the others are in development or 群众. */
export const PARTY_STATUSES: readonly MemberStatus[] = ['预备党员', '正式党员'];

export function isBranchRole(s: string): s is BranchRole {
  return (BRANCH_ROLES as readonly string[]).includes(s);
}

export function isMemberStatus(s: string): s is MemberStatus {
  return (MEMBER_STATUSES as readonly string[]).includes(s);
}
