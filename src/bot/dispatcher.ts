import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema/index.ts';
import type { Logger } from '../log.ts';
import { enqueue } from '../notify/outbox.ts';
import { parseSettings } from '../domain/settings.ts';
import type { CommandContext } from './context.ts';
import { UserError } from './errors.ts';
import { normalize } from './normalize.ts';
import { tokenize } from './tokenize.ts';
import { parseArgs } from './args.ts';
import { usageOf, type AnyCommand } from './command.ts';
import { accessRefusal, canRun, chatAllowed, chatRefusal } from './permissions.ts';
import type { Registry } from './registry.ts';
import { recipientsOf } from './recipients.ts';
import { resolveAsker, resolveTenant } from './tenancy.ts';
import type { ChatMessage, Reply } from './types.ts';

export interface DispatcherOptions {
  registry: Registry;
  admins: readonly string[];
  log: Logger;
  tz: string;
  now: () => Date;
}

export type Dispatch = (msg: ChatMessage, tx: Db) => Promise<Reply | null>;

const text = (t: string): Reply => ({ kind: 'text', text: t });

/**
 * Turns one message into one reply: tenant and asker, command lookup, permission, arguments,
 * then the handler inside a savepoint so a refusal leaves nothing half-written.
 */
export function createDispatcher(opts: DispatcherOptions): Dispatch {
  const { registry, log } = opts;
  return async (msg, tx) => {
    const line = normalize(msg.text);
    if (!line) return msg.chat.kind === 'private' ? text('您好！发送“帮助”查看可用的命令。') : null;
    const tokens = tokenize(line);
    const found = registry.match(tokens);
    if (!found) {
      const head = tokens.words[0] ?? line;
      const near = registry.suggest(line, 3).map((c) => `“${c.name}”`);
      return text(`没有“${head}”这个命令。${near.length ? `您是不是要找：${near.join('、')}？` : ''}发送“帮助”查看全部命令。`);
    }
    const cmd: AnyCommand = found.command;
    const tenant = await resolveTenant(tx, msg.platform, msg.tenantKey);
    const asker = await resolveAsker(tx, tenant, msg, opts.admins);
    if (!canRun(cmd.access, asker)) return text(`“${cmd.name}”：${accessRefusal(cmd.access, asker)}`);
    if (!chatAllowed(cmd.chat, msg.chat.kind)) return text(`“${cmd.name}”：${chatRefusal(cmd.chat)}。`);
    const now = opts.now();
    const parsed = parseArgs(cmd, found.rest, { now, tz: opts.tz });
    if (!parsed.ok) return text(`${parsed.error}\n用法：${usageOf(cmd)}${exampleLine(cmd)}`);

    const settings = parseSettings(tenant.settings);
    const actor = asker.member ? `member:${asker.member.id}` : `admin:${msg.platform}:${msg.sender.userId}`;
    try {
      return await tx.transaction(async (sp) => {
        const ctx: CommandContext = {
          db: sp,
          now,
          tz: opts.tz,
          tenant,
          asker,
          message: msg,
          log,
          enqueue: async (input) => {
            await enqueue(sp, { ...input, tenantId: tenant.id }, { now, tz: opts.tz, quietHours: settings.quietHours });
          },
          audit: async (entry) => {
            await sp.insert(auditLog).values({
              tenantId: tenant.id,
              actor,
              action: entry.action,
              entity: entry.entity,
              entityId: entry.entityId === undefined ? null : String(entry.entityId),
              before: entry.before ?? null,
              after: entry.after ?? null,
              at: now,
            });
          },
          recipientsOf: (memberId) => recipientsOf(sp, tenant.id, memberId),
        };
        return await cmd.run(parsed.value as never, ctx);
      });
    } catch (err) {
      if (err instanceof UserError) return text(err.usage ? `${err.message}\n用法：${err.usage}` : err.message);
      throw err;
    }
  };
}

function exampleLine(cmd: AnyCommand): string {
  return cmd.examples.length ? `\n例如：${cmd.examples[0]}` : '';
}
