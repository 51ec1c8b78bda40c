/**
 * The prekey directory (docs/SERVER.md §5; PQXDH rev. 3 §3.2 "Publishing keys", §3.3 bundle
 * fetch). Uploads are verified key by key with the hybrid signature (PROTOCOL.md §3.1) under the
 * uploader's registered identity and stored all-or-nothing; a fetch takes each one-time key at
 * most once (one store transaction) and falls back to the last-resort ML-KEM-768 prekey. The
 * bundle is returned in the PROTOCOL.md §3.2 encoding that `decodeBundle`/`verifyBundle` consume.
 */
import { encodeBundle } from '../protocol/bundle.ts';
import { PREKEY_ROLE } from '../protocol/constants.ts';
import { decodeIdentityPublic } from '../protocol/identity.ts';
import { readPreKeyPublic, verifyPreKey, type SignedPreKeyPublic } from '../protocol/prekeys.ts';
import { ServerError } from '../util/errors.ts';
import { Reader } from '../wire/codec.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { PreKeyCounts } from '../wire/responses.ts';
import type { Outcome, ServerContext } from './context.ts';
import type { StoredPreKey } from './store.ts';

type Upload = Extract<Request, { op: 'uploadPreKeys' }>;
type Fetch = Extract<Request, { op: 'fetchBundle' }>;

/** UPLOAD_PREKEYS: every signature must verify, else nothing is stored (BAD_PREKEY_SIGNATURE). */
export async function handleUploadPreKeys(ctx: ServerContext, owner: Address, req: Upload): Promise<Outcome> {
  if (req.preKeys.length === 0) throw new ServerError('BAD_PREKEY_BATCH', 'upload: no prekeys');
  const ownerIdentity = await ctx.store.deviceIdentity(owner);
  if (ownerIdentity === undefined) throw new ServerError('UNKNOWN_ADDRESS', `no device ${formatAddress(owner)}`);
  const identity = decodeIdentityPublic(ownerIdentity);
  const decoded = req.preKeys.map((bytes, i) => decodePreKey(bytes, i));
  for (const role of [PREKEY_ROLE.SIGNED, PREKEY_ROLE.KEM_LAST_RESORT])
    if (decoded.filter((p) => p.role === role).length > 1)
      throw new ServerError('BAD_PREKEY_BATCH', `upload: more than one prekey of role ${role}`);
  const bad = decoded.findIndex((p) => !verifyPreKey(ctx.suite, identity, p));
  if (bad >= 0)
    throw new ServerError('BAD_PREKEY_SIGNATURE', `upload: prekey #${bad} (role ${decoded[bad].role}, id ${decoded[bad].id}) does not verify; nothing stored`);
  const stored: StoredPreKey[] = decoded.map((p, i) => ({ role: p.role, id: p.id, encoded: req.preKeys[i] }));
  const counts = await ctx.store.putPreKeys(owner, stored, ctx.limits.maxOneTimePreKeys);
  return { response: { op: 'uploadPreKeys', counts } };
}

/** PREKEY_COUNT: the caller's live one-time stock. */
export async function handlePreKeyCount(ctx: ServerContext, owner: Address): Promise<Outcome> {
  return { response: { op: 'preKeyCount', counts: await ctx.store.preKeyCounts(owner) } };
}

/**
 * FETCH_BUNDLE: takes the bundle in one transaction and tells the owner when this fetch took its
 * stock of either kind below the low-water mark.
 */
export async function handleFetchBundle(ctx: ServerContext, req: Fetch): Promise<Outcome> {
  const taken = await ctx.store.takeOneTimePreKeys(req.address);
  if (taken === undefined) throw new ServerError('UNKNOWN_ADDRESS', `no device ${formatAddress(req.address)}`);
  const bundle = encodeBundle({
    identity: decodeIdentityPublic(taken.identity),
    signedPreKey: readStored(taken.signedPreKey),
    kemPreKey: readStored(taken.kemPreKey),
    ...(taken.oneTimePreKey ? { oneTimePreKey: readStored(taken.oneTimePreKey) } : {}),
  });
  const before: PreKeyCounts = {
    oneTime: taken.remaining.oneTime + (taken.oneTimePreKey ? 1 : 0),
    kemOneTime: taken.remaining.kemOneTime + (taken.kemPreKey.role === PREKEY_ROLE.KEM_ONE_TIME ? 1 : 0),
  };
  const low = ctx.limits.preKeyLowWater;
  const crossed =
    (before.oneTime >= low && taken.remaining.oneTime < low) ||
    (before.kemOneTime >= low && taken.remaining.kemOneTime < low);
  const response = { op: 'fetchBundle' as const, bundle };
  return crossed ? { response, preKeysLow: { owner: req.address, counts: taken.remaining } } : { response };
}

/** True when either one-time stock is below the low-water mark (checked again on AUTHENTICATE). */
export function isStockLow(ctx: ServerContext, counts: PreKeyCounts): boolean {
  return counts.oneTime < ctx.limits.preKeyLowWater || counts.kemOneTime < ctx.limits.preKeyLowWater;
}

/** One uploaded PreKey (PROTOCOL.md §3.1), strictly; BAD_PREKEY_BATCH names the bad entry. */
function decodePreKey(bytes: Uint8Array, index: number): SignedPreKeyPublic {
  try {
    const r = new Reader(bytes, 'prekey');
    const p = readPreKeyPublic(r);
    r.end();
    return p;
  } catch (e) {
    throw new ServerError('BAD_PREKEY_BATCH', `upload: prekey #${index} does not decode (${(e as Error).message})`);
  }
}

function readStored(k: StoredPreKey): SignedPreKeyPublic {
  const r = new Reader(k.encoded, 'stored prekey');
  const p = readPreKeyPublic(r);
  r.end();
  return p;
}
