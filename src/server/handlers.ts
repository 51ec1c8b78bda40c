/**
 * Request dispatch (docs/ARCHITECTURE.md §9 rule 1): one function from (session, decoded request) to an Outcome or
 * a ServerError, using only the store and the clock of the context. It applies the per-connection
 * rate limits (token buckets) and the authentication requirement, then calls the handler of the op.
 * The socket layer (connection.ts) only decodes, calls this and encodes.
 */
import { ServerError } from '../util/errors.ts';
import type { Request } from '../wire/requests.ts';
import { handleAuthenticate, handleRegister } from './auth.ts';
import type { Outcome, ServerContext, Session } from './context.ts';
import { handleFetchBundle, handlePreKeyCount, handleUploadPreKeys } from './directory.ts';
import { handleGroupSend } from './group-send.ts';
import { handleAck, handleSend } from './mailbox.ts';
import {
  handleFetchSealedKey,
  handleGetSenderCertificate,
  handleSendSealed,
  handleSetDeliveryAccess,
  handleUploadSealedKey,
} from './sealed.ts';
import { handleFetchDeviceList, handleUploadDeviceList } from './device-lists.ts';
import { handleSendMulti } from './fan-out.ts';
import { handleGroupSendSealed, handleSendSealedMulti } from './sealed-fan-out.ts';
import { handleProvisionAnswer, handleProvisionOpen, handleProvisionPoll, handleProvisionTake } from './provisioning.ts';

/** Handles one request of an open connection. */
export async function handleRequest(ctx: ServerContext, session: Session, req: Request): Promise<Outcome> {
  const now = ctx.clock();
  if (!session.buckets.request.take(now))
    throw new ServerError('RATE_LIMITED_REQUEST', `request rate limit (${ctx.limits.requestRate.perSecond}/s, burst ${ctx.limits.requestRate.burst})`);
  if (req.op === 'register') return handleRegister(ctx, session, req);
  if (req.op === 'authenticate') return handleAuthenticate(ctx, session, req);
  // Anonymous by design (docs/SERVER.md §12, §15).
  if (req.op === 'sendSealed') return handleSendSealed(ctx, session, req);
  if (req.op === 'sendSealedMulti') return handleSendSealedMulti(ctx, session, req);
  if (req.op === 'groupSendSealed') return handleGroupSendSealed(ctx, session, req);
  // A device being linked has no account yet (docs/SERVER.md §13.2).
  if (req.op === 'provisionOpen') return handleProvisionOpen(ctx, req);
  if (req.op === 'provisionPoll') return handleProvisionPoll(ctx, req);
  const device = session.device;
  if (device === undefined)
    throw new ServerError('NOT_AUTHENTICATED', `${req.op} needs an authenticated connection`);
  switch (req.op) {
    case 'uploadPreKeys':
      return handleUploadPreKeys(ctx, device, req);
    case 'preKeyCount':
      return handlePreKeyCount(ctx, device);
    case 'fetchBundle':
      if (!session.buckets.bundle.take(now))
        throw new ServerError('RATE_LIMITED_BUNDLE', `bundle fetch rate limit (${ctx.limits.bundleRate.perSecond}/s, burst ${ctx.limits.bundleRate.burst})`);
      return handleFetchBundle(ctx, req);
    case 'send':
      if (!session.buckets.send.take(now))
        throw new ServerError('RATE_LIMITED_SEND', `send rate limit (${ctx.limits.sendRate.perSecond}/s, burst ${ctx.limits.sendRate.burst})`);
      return handleSend(ctx, device, req);
    case 'ack':
      return handleAck(ctx, device, req);
    case 'getSenderCertificate':
      return handleGetSenderCertificate(ctx, device);
    case 'uploadSealedKey':
      return handleUploadSealedKey(ctx, device, req);
    case 'fetchSealedKey':
      if (!session.buckets.bundle.take(now))
        throw new ServerError('RATE_LIMITED_BUNDLE', `bundle fetch rate limit (${ctx.limits.bundleRate.perSecond}/s, burst ${ctx.limits.bundleRate.burst})`);
      return handleFetchSealedKey(ctx, req);
    case 'setDeliveryAccess':
      return handleSetDeliveryAccess(ctx, device, req);
    case 'uploadDeviceList':
      return handleUploadDeviceList(ctx, device, req);
    case 'fetchDeviceList':
      return handleFetchDeviceList(ctx, req);
    case 'provisionTake':
      return handleProvisionTake(ctx, device, req);
    case 'provisionAnswer':
      return handleProvisionAnswer(ctx, device, req);
    case 'sendMulti':
      if (!session.buckets.send.take(now))
        throw new ServerError('RATE_LIMITED_SEND', `send rate limit (${ctx.limits.sendRate.perSecond}/s, burst ${ctx.limits.sendRate.burst})`);
      return handleSendMulti(ctx, device, req);
    case 'groupSend':
      if (!session.buckets.send.take(now))
        throw new ServerError('RATE_LIMITED_SEND', `send rate limit (${ctx.limits.sendRate.perSecond}/s, burst ${ctx.limits.sendRate.burst})`);
      return handleGroupSend(ctx, device, req);
  }
}
