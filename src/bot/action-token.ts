/**
 * Signed button actions, platform-neutral.
 *
 * A card button carries a token that names the command it runs, who may run it (the user the card
 * was sent to, or any member of the chat it was posted in) and until when. The token is
 * `v1.<base64url(JSON)>.<base64url(HMAC-SHA256)[:16 bytes]>`: compact enough for a button value,
 * unforgeable without the server key, and readable by nobody who should not already see the card.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ActionPayload {
  /** The command line the tap runs, exactly as if typed. */
  command: string;
  /** Only this user may use the token (a card sent to one person). */
  userId?: string;
  /** Any member of this chat may use the token (a card posted in a group). */
  chatId?: string;
  expiresAt: Date;
}

export type ActionTokenErrorReason = 'expired' | 'invalid';

export class ActionTokenError extends Error {
  override name = 'ActionTokenError';
  constructor(readonly reason: ActionTokenErrorReason) {
    super(reason === 'expired' ? 'action token expired' : 'action token invalid');
  }
}

const VERSION = 'v1';
const MAC_BYTES = 16;

interface Wire {
  c: string;
  u?: string;
  g?: string;
  /** Expiry, epoch seconds. */
  e: number;
}

/** A purpose-bound sub-key, so the raw server key is never used directly for two things. */
function macKey(key: string): Buffer {
  if (!key) throw new TypeError('action token key is empty');
  return createHmac('sha256', key).update('action-token/v1').digest();
}

function mac(key: string, signed: string): Buffer {
  return createHmac('sha256', macKey(key)).update(signed).digest().subarray(0, MAC_BYTES);
}

export function signAction(payload: ActionPayload, key: string): string {
  if (!payload.userId && !payload.chatId) throw new TypeError('an action token must name a user or a chat');
  const wire: Wire = { c: payload.command, e: Math.ceil(payload.expiresAt.getTime() / 1000) };
  if (payload.userId) wire.u = payload.userId;
  if (payload.chatId) wire.g = payload.chatId;
  const signed = `${VERSION}.${Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

/** The payload of a genuine, unexpired token; throws {@link ActionTokenError} otherwise. */
export function verifyAction(token: string, key: string, now: Date): ActionPayload {
  if (typeof token !== 'string') throw new ActionTokenError('invalid');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw new ActionTokenError('invalid');
  const [version, body, sig] = parts as [string, string, string];
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(key, `${version}.${body}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ActionTokenError('invalid');
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Wire>;
  } catch {
    throw new ActionTokenError('invalid');
  }
  if (typeof wire.c !== 'string' || typeof wire.e !== 'number' || (!wire.u && !wire.g)) {
    throw new ActionTokenError('invalid');
  }
  if (now.getTime() > wire.e * 1000) throw new ActionTokenError('expired');
  return {
    command: wire.c,
    ...(wire.u ? { userId: wire.u } : {}),
    ...(wire.g ? { chatId: wire.g } : {}),
    expiresAt: new Date(wire.e * 1000),
  };
}
