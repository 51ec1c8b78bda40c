/**
 * Sealed fan-out (docs/SERVER.md §15): SEND_SEALED_MULTI, SEND_MULTI on an unauthenticated
 * connection (one sealed envelope per current device of one account, admitted by that account's
 * delivery access key), and GROUP_SEND_SEALED, GROUP_SEND on an unauthenticated connection (one
 * envelope for a list of devices, admitted by ONE combined access key: the XOR of the distinct
 * recipient accounts' verifiers, PROTOCOL.md §13.11). Every row is stored with no sender.
 * Side channels: the access-key comparisons are constant time (access-key.ts); the device set and
 * the recipient list are public data.
 */
import { checkCombinedAccessKey } from '../protocol/sealed-sender/access-key.ts';
import { ServerError } from '../util/errors.ts';
import type { Request } from '../wire/requests.ts';
import type { GroupSendResult } from '../wire/responses.ts';
import type { Outcome, ServerContext, Session } from './context.ts';
import { currentDevices, requireDeviceSet } from './fan-out.ts';
import { requireRecipientList } from './group-send.ts';
import { deliveryCutoff, mailboxQuota } from './mailbox.ts';
import { requireAccessKey, requireAnonymous, requireSealedEnvelope } from './sealed.ts';
import { takeSealedIpToken, takeSealedRecipientToken, takeSealedTokens } from './sealed-buckets.ts';
import type { NewSealedMessage } from './store.ts';

type SendSealedMulti = Extract<Request, { op: 'sendSealedMulti' }>;
type GroupSendSealed = Extract<Request, { op: 'groupSendSealed' }>;

/**
 * SEND_SEALED_MULTI, in order: SEALED_NOT_ANONYMOUS, ENVELOPE_TOO_LARGE (any envelope),
 * RATE_LIMITED_SEALED (one IP token, one token per addressed device), ACCESS_DENIED (as
 * SEND_SEALED), UNKNOWN_ADDRESS (no such account), DEVICE_MISMATCH (as SEND_MULTI); then every
 * envelope is stored in one transaction, idempotent per (recipient device, clientMessageId).
 */
export async function handleSendSealedMulti(ctx: ServerContext, session: Session, req: SendSealedMulti): Promise<Outcome> {
  requireAnonymous(session);
  for (const m of req.messages) requireSealedEnvelope(ctx, m.envelope);
  const now = ctx.clock();
  const addressed = req.messages.map((m) => ({ username: req.to, deviceId: m.deviceId }));
  if (!takeSealedTokens(ctx, session.remote ?? '', addressed, now))
    throw new ServerError('RATE_LIMITED_SEALED', 'sealed send rate limit (per address or per recipient)');
  await requireAccessKey(ctx, req.to, req.accessKey);
  const current = await currentDevices(ctx, req.to);
  if (current.size === 0) throw new ServerError('UNKNOWN_ADDRESS', `no account ${req.to}`);
  requireDeviceSet(req.to, current, req.messages);
  const messages: NewSealedMessage[] = req.messages.map((m) => ({
    recipient: { username: req.to, deviceId: m.deviceId },
    clientMessageId: req.clientMessageId,
    envelope: m.envelope,
    serverTimestamp: now,
    expiredBefore: deliveryCutoff(ctx, now),
  }));
  const ack = await ctx.store.storeSealedMessageBatch(messages, mailboxQuota(ctx));
  const response = { op: 'sendSealedMulti' as const, ...ack };
  return ack.duplicate ? { response } : { response, deliver: messages.map((m) => m.recipient) };
}

/**
 * GROUP_SEND_SEALED, in order: SEALED_NOT_ANONYMOUS, TOO_MANY_RECIPIENTS, BAD_RECIPIENT_LIST,
 * ENVELOPE_TOO_LARGE, RATE_LIMITED_SEALED (the IP bucket, once per request), ACCESS_DENIED (an
 * account without registered access, or a combined key that is not the XOR of the distinct
 * accounts' verifiers — whatever their mode); then per recipient: RATE_LIMITED_SEALED (its device
 * bucket), UNKNOWN_ADDRESS, MAILBOX_FULL_* as refusals of that recipient only, the others stored
 * as sealed rows in one transaction.
 */
export async function handleGroupSendSealed(ctx: ServerContext, session: Session, req: GroupSendSealed): Promise<Outcome> {
  requireAnonymous(session);
  requireRecipientList(req.recipients);
  requireSealedEnvelope(ctx, req.envelope);
  const now = ctx.clock();
  if (!takeSealedIpToken(ctx, session.remote ?? '', now))
    throw new ServerError('RATE_LIMITED_SEALED', 'sealed send rate limit (per address)');
  const verifiers: Uint8Array[] = [];
  let registered = true;
  for (const username of new Set(req.recipients.map((r) => r.username))) {
    const access = await ctx.store.deliveryAccess(username);
    if (access === undefined) registered = false;
    else verifiers.push(access.verifier);
  }
  // Both conditions are evaluated before the branch: the comparison runs whatever `registered` is.
  const matches = checkCombinedAccessKey(verifiers, req.accessKey);
  if (!registered || !matches)
    throw new ServerError('ACCESS_DENIED', 'sealed group send refused: missing or wrong combined access key');
  const limited = req.recipients.map((r) => !takeSealedRecipientToken(ctx, r, now));
  const admitted = req.recipients.filter((_, i) => !limited[i]);
  const stored = admitted.length === 0 ? [] : await ctx.store.storeSealedGroupMessage(
    {
      recipients: admitted,
      clientMessageId: req.clientMessageId,
      envelope: req.envelope,
      serverTimestamp: now,
      expiredBefore: deliveryCutoff(ctx, now),
    },
    mailboxQuota(ctx),
  );
  let k = 0;
  const results = limited.map((l): GroupSendResult => (l ? { status: 'refused', code: 'RATE_LIMITED_SEALED' } : stored[k++]));
  const deliver = req.recipients.filter((_, i) => results[i].status === 'stored');
  return { response: { op: 'groupSendSealed', results }, deliver };
}
