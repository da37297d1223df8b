/** What both transports (HTTP callback, Stream) do with one decoded robot message. */
import type { Logger } from '../../log.ts';
import type { Ingest } from '../types.ts';
import { decodeRobotCallback, type Notify } from './decode.ts';

export type InboundOutcome =
  | 'accepted'
  | 'duplicate'
  /** Not ingested; a polite notice was enqueued (or could not be addressed). */
  | 'noticed'
  | 'ignored'
  /** Not a robot message at all (wrong shape or types): the HTTP route answers 400. */
  | 'malformed';

/**
 * Decodes, then hands the message to the durable core. Resolves only once the core has durably
 * accepted it (or recognised it as a duplicate); rejects when ingest or notify fail, so the caller
 * can answer with an error / withhold the Stream ack.
 */
export async function handleRobotCallback(
  raw: unknown,
  deps: { ingest: Ingest; notify: Notify; log: Logger; now: Date },
): Promise<InboundOutcome> {
  const decoded = decodeRobotCallback(raw, { now: deps.now });
  switch (decoded.kind) {
    case 'message': {
      const result = await deps.ingest(decoded.message);
      deps.log.debug('dingtalk message ingested', {
        msgId: decoded.message.messageId,
        chatKind: decoded.message.chat.kind,
        result,
      });
      return result;
    }
    case 'notice': {
      deps.log.info('dingtalk message not ingested', { msgId: decoded.msgId, reason: decoded.reason });
      if (decoded.notice) await deps.notify(decoded.notice);
      return 'noticed';
    }
    case 'ignore': {
      deps.log.warn('dingtalk callback ignored', {
        msgId: decoded.msgId,
        reason: decoded.reason,
        detail: decoded.detail,
      });
      return decoded.reason === 'invalid-shape' ? 'malformed' : 'ignored';
    }
  }
}
