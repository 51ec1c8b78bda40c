/**
 * HMAC over SHA-256 and SHA-512.
 * RFC 2104 (February 1997), HMAC: Keyed-Hashing for Message Authentication, §2 (definition);
 * the same construction as FIPS 198-1 §4. Truncation is left to the caller.
 * Side channels: no secret-dependent branch or index; key and message lengths are public.
 * Secret temporaries (K ⊕ ipad, K ⊕ opad, the inner digest) are wiped after use.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { Sha256, Sha512 } from './sha2.ts';

/** The hash functions HMAC and HKDF accept. */
export type HashName = 'sha256' | 'sha512';

/** Output length in bytes (HashLen / L of RFC 2104) of each supported hash. */
export function hashLength(hash: HashName): 32 | 64 {
  checkHashName(hash);
  return hash === 'sha256' ? 32 : 64;
}

function checkHashName(hash: unknown): asserts hash is HashName {
  if (hash !== 'sha256' && hash !== 'sha512')
    throw new CryptoError('BAD_PARAMS', `HMAC: unsupported hash ${String(hash)} (sha256 | sha512)`);
}

const IPAD = 0x36;
const OPAD = 0x5c;

/** An incremental HMAC: keyed once, update any number of times, digest once. */
export class Hmac {
  private readonly inner: Sha256 | Sha512;
  private readonly outer: Sha256 | Sha512;
  /** Chaining values after K₀ ⊕ ipad and K₀ ⊕ opad (RFC 2104 §4, precomputed pads). */
  private readonly innerKeyed: Int32Array;
  private readonly outerKeyed: Int32Array;

  /** Keys the inner and outer hashes. RFC 2104, §2 steps (1)–(2) and the key-hashing rule. */
  constructor(hash: HashName, key: Uint8Array) {
    checkHashName(hash);
    expectBytes(key, 'HMAC key');
    const create = hash === 'sha256' ? () => new Sha256() : () => new Sha512();
    this.inner = create();
    this.outer = create();
    const B = this.inner.blockLength;
    // K₀: keys longer than B are hashed first, then K₀ is padded with zeros to B bytes
    const K0 = new Uint8Array(B);
    if (key.length > B) {
      const hk = create().update(key).digest();
      K0.set(hk);
      wipe(hk);
    } else K0.set(key);
    const pad = new Uint8Array(B);
    for (let i = 0; i < B; i++) pad[i] = K0[i] ^ IPAD; // K₀ ⊕ ipad
    this.inner.update(pad);
    for (let i = 0; i < B; i++) pad[i] = K0[i] ^ OPAD; // K₀ ⊕ opad
    this.outer.update(pad);
    wipe(K0, pad);
    this.innerKeyed = this.inner.exportChaining();
    this.outerKeyed = this.outer.exportChaining();
  }

  /** Appends `data` to the text. */
  update(data: Uint8Array): this {
    expectBytes(data, 'HMAC update');
    this.inner.update(data);
    return this;
  }

  /** H((K₀ ⊕ opad) ‖ H((K₀ ⊕ ipad) ‖ text)). RFC 2104, §2 steps (3)–(7). */
  digest(): Uint8Array {
    const innerDigest = this.inner.digest();
    this.outer.update(innerDigest);
    wipe(innerDigest);
    return this.outer.digest();
  }

  /** Forgets the text (and any digest) and starts a new MAC under the same key. */
  reset(): this {
    const B = this.inner.blockLength;
    this.inner.importChaining(this.innerKeyed, B);
    this.outer.importChaining(this.outerKeyed, B);
    return this;
  }

  /** A copy keyed the same way and holding the same text so far. */
  clone(): Hmac {
    const c: Hmac = Object.create(Hmac.prototype);
    Object.assign(c, {
      inner: this.inner.clone(),
      outer: this.outer.clone(),
      innerKeyed: this.innerKeyed.slice(),
      outerKeyed: this.outerKeyed.slice(),
    });
    return c;
  }

  /** Wipes the keyed states; the object cannot be used afterwards. */
  destroy(): void {
    this.inner.destroy();
    this.outer.destroy();
    wipe(this.innerKeyed, this.outerKeyed);
  }
}

/** A fresh incremental HMAC keyed with `key`. RFC 2104, §2. */
export const createHmac = (hash: HashName, key: Uint8Array): Hmac => new Hmac(hash, key);

/** HMAC-SHA-256 or HMAC-SHA-512 of `msg` under `key`. RFC 2104, §2. */
export function hmac(hash: HashName, key: Uint8Array, msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'HMAC message');
  const h = new Hmac(hash, key);
  h.update(msg);
  return h.digest();
}
