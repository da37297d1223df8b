import type { Db } from '../../db/client.ts';
import type { Logger } from '../log.ts';
import type { BranchRole, MemberStatus } from './roles.ts';
import type { ChatMessage, Recipient, Reply } from './types.ts';

/** The member record of whoever is asking, if their account is bound to one. */
export interface AskerMember {
  id: number;
  name: string;
  branchId: number | null;
  status: MemberStatus;
  roles: BranchRole[];
}

export interface Asker {
  platform: ChatMessage['platform'];
  userId: string;
  /** In BOT_ADMINS or the tenant's admin table: may run every command in this tenant. */
  isAdmin: boolean;
  member?: AskerMember;
}

export interface TenantInfo {
  id: number;
  name: string;
  /** Raw settings; read through src/domain/settings.ts for typed values with defaults. */
  settings: Record<string, unknown>;
}

export interface EnqueueInput {
  recipient: Recipient;
  reply: Reply;
  /** Unique for the logical message, e.g. `dues-unpaid:<member>:2026-11`; enqueueing it twice sends once. */
  dedupeKey: string;
  kind?: 'reply' | 'reminder' | 'summary' | 'alert';
  /** Earliest delivery; reminders falling in quiet hours move to the morning. */
  notBefore?: Date;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
}

/** What a command handler gets besides its parsed arguments. All writes happen in one transaction. */
export interface CommandContext {
  db: Db;
  now: Date;
  tz: string;
  tenant: TenantInfo;
  asker: Asker;
  message: ChatMessage;
  log: Logger;
  /** Queue an outbound message in the same transaction. */
  enqueue(input: EnqueueInput): Promise<void>;
  /** Write an audit row in the same transaction. */
  audit(entry: AuditEntry): Promise<void>;
  /** Recipients (one per bound platform account) for a member, for notifications. */
  recipientsOf(memberId: number): Promise<Recipient[]>;
}
