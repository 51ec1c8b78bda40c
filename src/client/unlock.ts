/**
 * The database key of a client store and how it is unlocked (docs/CLIENT.md "Encryption at rest").
 * Two kinds, recorded in the clear header row 'kdf':
 *   argon2id: key = Argon2id(passphrase, salt, m, t, p, 32) (RFC 9106 §3.1), parameters and the
 *             16-byte salt kept in the file (default: RFC 9106 §4 second recommended option);
 *   keyfile:  a random 32-byte key kept in a separate 0600 file (`init --no-passphrase`).
 * A key-check value (header row 'keycheck' = nonce ‖ XChaCha20-Poly1305 tag over the empty message
 * with a fixed AD) tells a wrong passphrase apart (ClientError WRONG_PASSPHRASE) before any row is
 * read or written. Argon2id is imported only when a passphrase store is unlocked.
 * Side channels: the key only reaches the AEAD and the KDF; branches on public header fields.
 */
import { NONCE_LENGTH, open, seal } from '../aead/xchacha20poly1305.ts';
import { concatBytes, utf8 } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { ClientError, CryptoError, DecodeError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Reader, Writer } from '../wire/codec.ts';
import { SealedStore } from './sealed-store.ts';
import { HEADER_TABLE, type ClientStore, type RowStore } from './store.ts';

export const STORE_KEY_BYTES = 32;
const SALT_BYTES = 16;
const HEADER_VERSION = 1;
const KIND = Object.freeze({ ARGON2ID: 1, KEYFILE: 2 });
const KEY_CHECK_AD = utf8('pqmsg store key check v1');

/** Argon2id cost parameters (RFC 9106 §3.1): memory m in KiB, passes t, lanes p. */
export interface Argon2Params {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

export type StoreKdf =
  | { readonly kind: 'argon2id'; readonly salt: Uint8Array; readonly params: Argon2Params }
  | { readonly kind: 'keyfile' };

/** Where the secret comes from when a store is created or unlocked. */
export type StoreSecret =
  | { readonly kind: 'passphrase'; readonly passphrase: string }
  | { readonly kind: 'keyfile'; readonly key: Uint8Array };

export function encodeKdf(kdf: StoreKdf): Uint8Array {
  const w = new Writer().u8(HEADER_VERSION);
  if (kdf.kind === 'keyfile') return w.u8(KIND.KEYFILE).finish();
  const { memoryKiB, iterations, parallelism } = kdf.params;
  w.u8(KIND.ARGON2ID).bytes(kdf.salt);
  return w.u32(memoryKiB).u32(iterations).u32(parallelism).finish();
}

export function decodeKdf(bytes: Uint8Array): StoreKdf {
  const r = new Reader(bytes, 'store kdf header');
  const version = r.u8();
  if (version !== HEADER_VERSION)
    throw new DecodeError('BAD_VERSION', `store kdf header: unsupported version ${version}`);
  const kind = r.u8();
  if (kind === KIND.KEYFILE) {
    r.end();
    return { kind: 'keyfile' };
  }
  if (kind !== KIND.ARGON2ID) throw new DecodeError('BAD_TAG', `store kdf header: kind ${kind}`);
  const salt = r.bytes(64);
  const params = { memoryKiB: r.u32(), iterations: r.u32(), parallelism: r.u32() };
  r.end();
  return { kind: 'argon2id', salt, params };
}

/** The KDF header of an existing store (NOT_INITIALIZED if it has none). */
export function readKdf(rows: RowStore): StoreKdf {
  const bytes = rows.get(HEADER_TABLE, 'kdf');
  if (bytes === undefined) throw new ClientError('NOT_INITIALIZED', 'no pqmsg store here');
  return decodeKdf(bytes);
}

/** Argon2id(passphrase, salt) with the stored parameters, 32-byte tag (RFC 9106 §3.1). */
async function deriveStoreKey(
  passphrase: string,
  salt: Uint8Array,
  params: Argon2Params,
): Promise<Uint8Array> {
  const { argon2id } = await import('../kdf/argon2.ts');
  const password = utf8(passphrase);
  try {
    const { memoryKiB: m, iterations: t, parallelism: p } = params;
    return argon2id(password, salt, { m, t, p, tagLength: STORE_KEY_BYTES });
  } finally {
    wipe(password);
  }
}

function keyCheck(key: Uint8Array, random: RandomSource): Uint8Array {
  const nonce = random(NONCE_LENGTH);
  return concatBytes(nonce, seal(key, nonce, new Uint8Array(0), KEY_CHECK_AD));
}

function expectKeyCheck(key: Uint8Array, check: Uint8Array | undefined): void {
  if (check === undefined || check.length < NONCE_LENGTH)
    throw new ClientError('STORE_CORRUPT', 'store: key-check value missing');
  try {
    open(key, check.subarray(0, NONCE_LENGTH), check.subarray(NONCE_LENGTH), KEY_CHECK_AD);
  } catch (err) {
    if (err instanceof CryptoError && err.code === 'AUTH_FAILED')
      throw new ClientError('WRONG_PASSPHRASE', 'wrong passphrase (or key file) for this store');
    throw err;
  }
}

/**
 * Writes the KDF header and key check of a new store (ALREADY_INITIALIZED if it has one) and
 * returns it unlocked. For a passphrase, `params` are the Argon2id costs to record (default:
 * `defaultArgon2Params`).
 */
export async function createStore(
  rows: RowStore,
  secret: StoreSecret,
  params: Argon2Params | undefined,
  random: RandomSource,
): Promise<ClientStore> {
  if (rows.get(HEADER_TABLE, 'kdf') !== undefined)
    throw new ClientError('ALREADY_INITIALIZED', 'a pqmsg store already exists here');
  const kdf: StoreKdf =
    secret.kind === 'keyfile'
      ? { kind: 'keyfile' }
      : {
          kind: 'argon2id',
          salt: random(SALT_BYTES),
          params: params ?? (await defaultArgon2Params()),
        };
  const key = await keyFor(kdf, secret);
  try {
    rows.transaction(() => {
      rows.put(HEADER_TABLE, 'kdf', encodeKdf(kdf));
      rows.put(HEADER_TABLE, 'keycheck', keyCheck(key, random));
    });
    return new SealedStore(rows, key, random);
  } finally {
    wipe(key);
  }
}

/** RFC 9106 §4's second recommended option (t = 3, p = 4, m = 64 MiB), from src/kdf. */
export async function defaultArgon2Params(): Promise<Argon2Params> {
  const { ARGON2ID_DEFAULTS: d } = await import('../kdf/argon2.ts');
  return { memoryKiB: d.m, iterations: d.t, parallelism: d.p };
}

/** Derives the key for an existing store and checks it (WRONG_PASSPHRASE); writes nothing. */
export async function unlockStore(
  rows: RowStore,
  secret: StoreSecret,
  random: RandomSource,
): Promise<ClientStore> {
  const key = await keyFor(readKdf(rows), secret);
  try {
    expectKeyCheck(key, rows.get(HEADER_TABLE, 'keycheck'));
    return new SealedStore(rows, key, random);
  } finally {
    wipe(key);
  }
}

async function keyFor(kdf: StoreKdf, secret: StoreSecret): Promise<Uint8Array> {
  if (kdf.kind === 'keyfile') {
    if (secret.kind !== 'keyfile')
      throw new ClientError('WRONG_PASSPHRASE', 'this store is unlocked by its key file');
    if (secret.key.length !== STORE_KEY_BYTES)
      throw new ClientError('STORE_CORRUPT', `store key file: ${secret.key.length} bytes, not 32`);
    return concatBytes(secret.key);
  }
  if (secret.kind !== 'passphrase')
    throw new ClientError('WRONG_PASSPHRASE', 'this store is unlocked by a passphrase');
  return deriveStoreKey(secret.passphrase, kdf.salt, kdf.params);
}

