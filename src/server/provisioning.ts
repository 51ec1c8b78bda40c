/**
 * The provisioning relay (docs/SERVER.md §13.2; PROTOCOL.md §14.2–§14.3): a one-time mailbox that
 * carries a new device's link request to the primary and the sealed account data back. The new
 * device opens a slot without an account (PROVISION_OPEN) and polls it (PROVISION_POLL); the
 * primary, authenticated, takes the request (once) and answers (once). Slots live
 * PROVISIONING_TTL_MS and at most MAX_PENDING_PROVISIONS are open at a time (PROVISIONING_FULL).
 * The relay sees public keys and ciphertext only: the link code never reaches it.
 */
import { decodeLinkRequest } from '../protocol/devices/link.ts';
import { PRIMARY_DEVICE_ID, RENDEZVOUS_ID_BYTES } from '../protocol/devices/constants.ts';
import { ServerError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext } from './context.ts';

/** How long a provisioning slot lives, in ms (10 minutes: the user is linking right now). */
export const PROVISIONING_TTL_MS = 10 * 60 * 1000;

/** Open slots the relay holds at most (PROVISIONING_FULL beyond). */
export const MAX_PENDING_PROVISIONS = 1000;

/** Largest link response the relay carries, in bytes (ENVELOPE_TOO_LARGE beyond). */
export const MAX_LINK_RESPONSE_BYTES = 512 * 1024;

type Open = Extract<Request, { op: 'provisionOpen' }>;
type Take = Extract<Request, { op: 'provisionTake' }>;
type Answer = Extract<Request, { op: 'provisionAnswer' }>;
type Poll = Extract<Request, { op: 'provisionPoll' }>;

/** PROVISION_OPEN (no account needed): checks the request's encoding, assigns a rendezvous id. */
export async function handleProvisionOpen(ctx: ServerContext, req: Open): Promise<Outcome> {
  try {
    decodeLinkRequest(req.linkRequest);
  } catch (e) {
    throw new ServerError('BAD_IDENTITY', `link request does not decode (${(e as Error).message})`);
  }
  const now = ctx.clock();
  const rendezvousId = ctx.random(RENDEZVOUS_ID_BYTES);
  if (!(await ctx.store.provisionOpen(rendezvousId, req.linkRequest, now, now + PROVISIONING_TTL_MS, MAX_PENDING_PROVISIONS)))
    throw new ServerError('PROVISIONING_FULL', `${MAX_PENDING_PROVISIONS} link requests are pending; try again later`);
  return { response: { op: 'provisionOpen', rendezvousId } };
}

/** PROVISION_TAKE (primary): the deposited request, once. */
export async function handleProvisionTake(ctx: ServerContext, device: Address, req: Take): Promise<Outcome> {
  expectPrimary(device);
  const linkRequest = await ctx.store.provisionTake(req.rendezvousId, ctx.clock());
  if (linkRequest === undefined)
    throw new ServerError('UNKNOWN_RENDEZVOUS', 'no pending link request with this code (expired, already used, or never opened)');
  return { response: { op: 'provisionTake', linkRequest } };
}

/** PROVISION_ANSWER (primary): leaves the sealed account data, once, after a take. */
export async function handleProvisionAnswer(ctx: ServerContext, device: Address, req: Answer): Promise<Outcome> {
  expectPrimary(device);
  if (req.linkResponse.length > MAX_LINK_RESPONSE_BYTES)
    throw new ServerError('ENVELOPE_TOO_LARGE', `link response of ${req.linkResponse.length} bytes exceeds ${MAX_LINK_RESPONSE_BYTES}`);
  if (!(await ctx.store.provisionAnswer(req.rendezvousId, req.linkResponse, ctx.clock())))
    throw new ServerError('UNKNOWN_RENDEZVOUS', 'no taken, unanswered link request with this code');
  return { response: { op: 'provisionAnswer' } };
}

/** PROVISION_POLL (no account needed): the answer once (the slot is then deleted), or empty. */
export async function handleProvisionPoll(ctx: ServerContext, req: Poll): Promise<Outcome> {
  const polled = await ctx.store.provisionPoll(req.rendezvousId, ctx.clock());
  if (polled === undefined) throw new ServerError('UNKNOWN_RENDEZVOUS', 'no live link request with this id');
  const linkResponse = polled.state === 'answered' ? polled.linkResponse : new Uint8Array(0);
  return { response: { op: 'provisionPoll', linkResponse } };
}

function expectPrimary(device: Address): void {
  if (device.deviceId !== PRIMARY_DEVICE_ID)
    throw new ServerError('NOT_PRIMARY', 'only device 1 (the primary) links new devices');
}
