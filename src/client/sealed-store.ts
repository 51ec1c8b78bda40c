/**
 * Encryption at rest: a ClientStore over any RowStore that seals every value with
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2) under the database key, with a fresh random
 * 24-byte nonce per write and the row's identity as associated data:
 *   AD = "pqmsg store v1" ‖ bytes(table) ‖ bytes(key)      (u32-length-prefixed, wire/codec.ts)
 *   stored value = nonce ‖ ciphertext ‖ tag
 * so a value moved to another row, or altered, fails authentication (ClientError STORE_CORRUPT).
 * Not detected: replacing a row with an older sealed value of the same row (rollback), or deleting
 * rows; keys and row counts are visible (docs/CLIENT.md).
 * Side channels: the key only reaches the AEAD; branches are on public lengths and row names.
 */
import { NONCE_LENGTH, open, seal } from '../aead/xchacha20poly1305.ts';
import { concatBytes, utf8 } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { ClientError, CryptoError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Writer } from '../wire/codec.ts';
import { HEADER_TABLE, type ClientStore, type Row, type RowStore } from './store.ts';

const AD_LABEL = utf8('pqmsg store v1');
const TAG_LENGTH = 16;

/** The associated data binding a sealed value to its row (table, key). */
export function rowAD(table: string, key: string): Uint8Array {
  return new Writer().fixed(AD_LABEL).bytes(utf8(table)).bytes(utf8(key)).finish();
}

export class SealedStore implements ClientStore {
  private readonly key: Uint8Array;

  /** Takes ownership of a copy of `key` (32 bytes); `close` wipes it. */
  constructor(
    private readonly rows: RowStore,
    key: Uint8Array,
    private readonly random: RandomSource,
  ) {
    this.key = concatBytes(key);
  }

  get(table: string, key: string): Uint8Array | undefined {
    const sealed = this.rows.get(table, key);
    return sealed === undefined ? undefined : this.open(table, key, sealed);
  }

  put(table: string, key: string, value: Uint8Array): void {
    const nonce = this.random(NONCE_LENGTH);
    const sealed = seal(this.key, nonce, value, rowAD(table, key));
    this.rows.put(table, key, concatBytes(nonce, sealed));
  }

  delete(table: string, key: string): void {
    this.rows.delete(table, key);
  }

  list(table: string, prefix = ''): Row[] {
    return this.rows
      .list(table, prefix)
      .map((r) => ({ key: r.key, value: this.open(table, r.key, r.value) }));
  }

  transaction<T>(fn: () => T): T {
    return this.rows.transaction(fn);
  }

  header(name: string): Uint8Array | undefined {
    return this.rows.get(HEADER_TABLE, name);
  }

  setHeader(name: string, value: Uint8Array): void {
    this.rows.put(HEADER_TABLE, name, value);
  }

  close(): void {
    wipe(this.key);
    this.rows.close();
  }

  /** Opens one sealed value; any failure is STORE_CORRUPT naming the row, never the bytes. */
  private open(table: string, key: string, sealed: Uint8Array): Uint8Array {
    if (sealed.length < NONCE_LENGTH + TAG_LENGTH)
      throw new ClientError('STORE_CORRUPT', `store: row ${table}/${key} is truncated`);
    const nonce = sealed.subarray(0, NONCE_LENGTH);
    try {
      return open(this.key, nonce, sealed.subarray(NONCE_LENGTH), rowAD(table, key));
    } catch (err) {
      if (err instanceof CryptoError && err.code === 'AUTH_FAILED')
        throw new ClientError(
          'STORE_CORRUPT',
          `store: row ${table}/${key} failed authentication (tampered, moved or another key)`,
        );
      throw err;
    }
  }
}
