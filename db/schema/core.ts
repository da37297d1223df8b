import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, date, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** One organisation on one platform (a Feishu tenant, a DingTalk corp, or the local console). */
export const tenants = pgTable('tenants', {
  id: serial('id').primaryKey(),
  platform: text('platform').notNull(),
  externalKey: text('external_key').notNull(),
  name: text('name').notNull(),
  /** Per-tenant settings; parsed with defaults by src/domain/settings.ts. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('tenants_platform_key').on(t.platform, t.externalKey)]);

/** 党支部. */
export const branches = pgTable('branches', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  name: text('name').notNull(),
  /** 上级党组织 (parent organisation), free text. */
  parentOrg: text('parent_org'),
  termStart: date('term_start'),
  termEnd: date('term_end'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('branches_tenant_name').on(t.tenantId, t.name)]);

/** 党小组 within a branch. */
export const partyGroups = pgTable('party_groups', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  name: text('name').notNull(),
}, (t) => [uniqueIndex('party_groups_branch_name').on(t.branchId, t.name)]);

export const members = pgTable('members', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  branchId: integer('branch_id').references(() => branches.id),
  partyGroupId: integer('party_group_id').references(() => partyGroups.id),
  name: text('name').notNull(),
  employeeNo: text('employee_no'),
  /** 群众 | 入党申请人 | 入党积极分子 | 发展对象 | 预备党员 | 正式党员 */
  status: text('status').notNull().default('群众'),
  statusSince: date('status_since'),
  /** The 支部大会 date that made this member 预备党员; dues start that month. */
  probationarySince: date('probationary_since'),
  fullSince: date('full_since'),
  birthDate: date('birth_date'),
  /** 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 会计, 出纳, 党小组长 */
  roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
  active: boolean('active').notNull().default(true),
  /** Bumped on every update; concurrent edits compare it (optimistic locking). */
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
}, (t) => [
  index('members_branch').on(t.branchId),
  uniqueIndex('members_tenant_employee_no').on(t.tenantId, t.employeeNo),
]);

/** A platform account bound to a member. */
export const identities = pgTable('identities', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  platform: text('platform').notNull(),
  userId: text('user_id').notNull(),
  unionId: text('union_id'),
  memberId: integer('member_id').notNull().references(() => members.id),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('identities_platform_user').on(t.tenantId, t.platform, t.userId),
  index('identities_member').on(t.memberId),
]);

/** Tenant administrators beyond BOT_ADMINS (e.g. the parent organisation's staff). */
export const admins = pgTable('admins', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  platform: text('platform').notNull(),
  userId: text('user_id').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('admins_user').on(t.tenantId, t.platform, t.userId)]);

/** Group chats bound to a branch. */
export const chats = pgTable('chats', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  branchId: integer('branch_id').notNull().references(() => branches.id),
  title: text('title'),
  /** Weekly summary posted to this chat. */
  summaryEnabled: boolean('summary_enabled').notNull().default(true),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('chats_platform_chat').on(t.tenantId, t.platform, t.chatId)]);

/** Every accepted inbound message, durable before the webhook is acknowledged. */
export const inbox = pgTable('inbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** platform:tenantKey:messageId — a redelivery or replay collides here. */
  dedupeKey: text('dedupe_key').notNull().unique(),
  platform: text('platform').notNull(),
  /** The ChatMessage; cleared once processed so message text does not linger. */
  message: jsonb('message').$type<Record<string, unknown> | null>(),
  /** received | done | failed */
  status: text('status').notNull().default('received'),
  error: text('error'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
}, (t) => [index('inbox_pending').on(t.status, t.id)]);

/** Who changed what, written in the same transaction as the change. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  /** `member:<id>`, `admin:<platform>:<user>` or `system:<job>`. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('audit_entity').on(t.tenantId, t.entity, t.entityId)]);

/** One-time codes with which a person binds their own platform account to a member record. */
export const invites = pgTable('invites', {
  id: serial('id').primaryKey(),
  tenantId: integer('tenant_id').notNull().references(() => tenants.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** SHA-256 of the code; the code itself is only ever shown to the officer who made it. */
  codeHash: text('code_hash').notNull().unique(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});
