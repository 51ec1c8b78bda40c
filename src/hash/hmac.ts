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
import { Sha256 } from './sha256.ts';
import { Sha512 } from './sha512.ts';

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

/** Scratch for K₀ ⊕ pad and the inner digest (single-threaded JS; wiped after each use). */
const PAD = new Uint8Array(128);
const INNER_DIGEST = new Uint8Array(64);

function newHash(hash: HashName): Sha256 | Sha512 {
  return hash === 'sha256' ? new Sha256() : new Sha512();
}

/**
 * Absorbs K₀ ⊕ ipad into `inner` and K₀ ⊕ opad into `outer`, with K₀ = K zero-padded to the
 * block length B, or H(K) zero-padded when K is longer than B. RFC 2104, §2 steps (1)–(2).
 */
function keyPads(hash: HashName, inner: Sha256 | Sha512, outer: Sha256 | Sha512, key: Uint8Array): void {
  const B = inner.blockLength;
  const K0 = PAD.subarray(0, B);
  K0.fill(0);
  if (key.length > B) newHash(hash).update(key).digestInto(K0);
  else K0.set(key);
  for (let i = 0; i < B; i++) K0[i] ^= IPAD; // K₀ ⊕ ipad
  inner.update(K0);
  for (let i = 0; i < B; i++) K0[i] ^= IPAD ^ OPAD; // K₀ ⊕ opad
  outer.update(K0);
  wipe(K0);
}

/** H((K₀ ⊕ opad) ‖ H((K₀ ⊕ ipad) ‖ text)) from keyed states. RFC 2104, §2 steps (3)–(7). */
function finish(inner: Sha256 | Sha512, outer: Sha256 | Sha512): Uint8Array {
  const innerDigest = INNER_DIGEST.subarray(0, inner.digestLength);
  inner.digestInto(innerDigest);
  outer.update(innerDigest);
  wipe(innerDigest);
  return outer.digest();
}

/** An incremental HMAC: keyed once, update any number of times, digest once (or reset). */
export class Hmac {
  private readonly inner: Sha256 | Sha512;
  private readonly outer: Sha256 | Sha512;
  /** Chaining values after K₀ ⊕ ipad and K₀ ⊕ opad (RFC 2104 §4, precomputed pads). */
  private readonly innerKeyed: Int32Array;
  private readonly outerKeyed: Int32Array;

  /** Keys the inner and outer hashes. RFC 2104, §2 steps (1)–(2). */
  constructor(hash: HashName, key: Uint8Array) {
    checkHashName(hash);
    expectBytes(key, 'HMAC key');
    this.inner = newHash(hash);
    this.outer = newHash(hash);
    keyPads(hash, this.inner, this.outer, key);
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
    return finish(this.inner, this.outer);
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
  checkHashName(hash);
  expectBytes(key, 'HMAC key');
  expectBytes(msg, 'HMAC message');
  const inner = newHash(hash);
  const outer = newHash(hash);
  keyPads(hash, inner, outer, key);
  inner.update(msg);
  return finish(inner, outer);
}
