/**
 * What appeal changes need from their surroundings, whether a command or a job makes them: the
 * transaction, the clock, audit rows (anonymous ones never name the asker) and outbound messages.
 */
import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import { auditAnonymously } from '../anon/index.ts';
import type { AuditEntry, CommandContext } from '../bot/context.ts';
import type { Recipient, Reply } from '../bot/types.ts';
import { parseSettings } from '../domain/settings.ts';
import { enqueue } from '../notify/outbox.ts';

export interface AppealEnv {
  db: Db;
  tenantId: number;
  now: Date;
  tz: string;
  /** `anonymous`: the hidden submitter did this; the row's actor is then `anonymous`. */
  audit(entry: AuditEntry, anonymous: boolean): Promise<void>;
  send(recipient: Recipient, reply: Reply, dedupeKey: string, kind?: 'reminder' | 'summary'): Promise<void>;
}

export function envOf(ctx: CommandContext): AppealEnv {
  return {
    db: ctx.db,
    tenantId: ctx.tenant.id,
    now: ctx.now,
    tz: ctx.tz,
    audit: (entry, anonymous) => (anonymous ? auditAnonymously(ctx, entry) : ctx.audit(entry)),
    send: (recipient, reply, dedupeKey, kind = 'reminder') => ctx.enqueue({ recipient, reply, dedupeKey, kind }),
  };
}

/** For a job: audit rows are `system:<job>`; messages obey the tenant's quiet hours. */
export function jobEnv(db: Db, tenant: { id: number; settings: unknown }, now: Date, tz: string, job: string): AppealEnv {
  const tenantId = tenant.id;
  const quietHours = parseSettings(tenant.settings).quietHours;
  return {
    db, tenantId, now, tz,
    audit: async (entry) => {
      await db.insert(auditLog).values({
        tenantId, actor: `system:${job}`, action: entry.action, entity: entry.entity,
        entityId: entry.entityId === undefined ? null : String(entry.entityId),
        before: entry.before ?? null, after: entry.after ?? null, at: now,
      });
    },
    send: async (recipient, reply, dedupeKey, kind = 'reminder') => {
      await enqueue(db, { tenantId, recipient, reply, dedupeKey, kind }, { now, tz, quietHours });
    },
  };
}
