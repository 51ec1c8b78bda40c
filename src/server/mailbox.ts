/**
 * Mailboxes (docs/SERVER.md §5; Signal-Server's per-device queues): a SEND
 * is committed durably and idempotently before it is acknowledged, then pushed to the recipient
 * if connected; a message leaves the mailbox only when its recipient ACKs its guid, and expires
 * after `messageTtlMs`. Quotas are per mailbox (count and bytes). The envelope is opaque here.
 */
import { ServerError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext } from './context.ts';
import type { MailboxQuota } from './store.ts';

type Send = Extract<Request, { op: 'send' }>;
type Ack = Extract<Request, { op: 'ack' }>;

/** SEND: stores the envelope for `req.to` (once per client message id) and acknowledges it. */
export async function handleSend(ctx: ServerContext, sender: Address, req: Send): Promise<Outcome> {
  requireEnvelopeSize(ctx, req.envelope);
  const now = ctx.clock();
  const ack = await ctx.store.storeMessage(
    {
      sender,
      recipient: req.to,
      clientMessageId: req.clientMessageId,
      envelope: req.envelope,
      serverTimestamp: now,
      expiredBefore: deliveryCutoff(ctx, now),
    },
    mailboxQuota(ctx),
  );
  const response = { op: 'send' as const, guid: ack.guid, serverTimestamp: ack.serverTimestamp, duplicate: ack.duplicate };
  if (ack.duplicate) return { response };
  if (ack.previousGuid === undefined) return { response, deliver: [req.to] };
  const message = { guid: ack.guid, serverTimestamp: ack.serverTimestamp, sender, clientMessageId: req.clientMessageId, envelope: req.envelope };
  return { response, deliver: [req.to], stored: { to: req.to, message, previousGuid: ack.previousGuid } };
}

/** ACK: deletes a delivered message from the caller's own mailbox. */
export async function handleAck(ctx: ServerContext, owner: Address, req: Ack): Promise<Outcome> {
  if (!(await ctx.store.ackMessage(owner, req.guid)))
    throw new ServerError('UNKNOWN_MESSAGE', `ack: no message ${req.guid} in this mailbox`);
  return { response: { op: 'ack' } };
}

/** The per-mailbox quota every store call applies (docs/SERVER.md §6). */
export function mailboxQuota(ctx: ServerContext): MailboxQuota {
  return { maxMessages: ctx.limits.mailboxMaxMessages, maxBytes: ctx.limits.mailboxMaxBytes };
}

/** ENVELOPE_TOO_LARGE for an envelope over maxEnvelopeBytes (every send op, docs/SERVER.md §6). */
export function requireEnvelopeSize(ctx: ServerContext, envelope: Uint8Array): void {
  if (envelope.length > ctx.limits.maxEnvelopeBytes)
    throw new ServerError('ENVELOPE_TOO_LARGE', `envelope of ${envelope.length} bytes exceeds ${ctx.limits.maxEnvelopeBytes}`);
}

/** Messages stored before this time (ms) have expired and are neither delivered nor counted. */
export function deliveryCutoff(ctx: ServerContext, now: number): number {
  return now - ctx.limits.messageTtlMs;
}
