/**
 * GROUP_SEND (docs/SERVER.md §14): one upload of one group message with a list of recipient
 * device addresses, fanned out by the store to every recipient's mailbox in one transaction, each
 * recipient then woken like after a SEND. The server learns the recipient list and the sender,
 * never the group, its name or its membership: it has no notion of groups, and the envelope is
 * opaque (PROTOCOL.md §15.9).
 */
import { ServerError } from '../util/errors.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import { MAX_GROUP_RECIPIENTS } from '../wire/frame-constants.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext } from './context.ts';
import { deliveryCutoff, mailboxQuota, requireEnvelopeSize } from './mailbox.ts';

type GroupSend = Extract<Request, { op: 'groupSend' }>;

/**
 * TOO_MANY_RECIPIENTS beyond MAX_GROUP_RECIPIENTS; BAD_RECIPIENT_LIST for an empty list, a device
 * named twice, or the sending device itself (GROUP_SEND and GROUP_SEND_SEALED, which has none).
 */
export function requireRecipientList(recipients: readonly Address[], sender?: Address): void {
  const n = recipients.length;
  if (n > MAX_GROUP_RECIPIENTS)
    throw new ServerError('TOO_MANY_RECIPIENTS', `group send to ${n} devices exceeds ${MAX_GROUP_RECIPIENTS}`);
  const seen = new Set(recipients.map(formatAddress));
  if (n === 0 || seen.size !== n || (sender !== undefined && seen.has(formatAddress(sender))))
    throw new ServerError('BAD_RECIPIENT_LIST', `group send needs distinct recipients${sender === undefined ? '' : ' other than the sender'}`);
}

/** GROUP_SEND: checks the recipient list and the size, stores per recipient, wakes the stored. */
export async function handleGroupSend(ctx: ServerContext, sender: Address, req: GroupSend): Promise<Outcome> {
  requireRecipientList(req.recipients, sender);
  requireEnvelopeSize(ctx, req.envelope);
  const now = ctx.clock();
  const results = await ctx.store.storeGroupMessage(
    {
      sender,
      recipients: req.recipients,
      clientMessageId: req.clientMessageId,
      envelope: req.envelope,
      serverTimestamp: now,
      expiredBefore: deliveryCutoff(ctx, now),
    },
    mailboxQuota(ctx),
  );
  const deliver = req.recipients.filter((_, i) => results[i].status === 'stored');
  return { response: { op: 'groupSend', results }, deliver };
}
