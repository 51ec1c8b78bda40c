/**
 * SHA-3 hash functions and SHAKE extendable-output functions.
 * NIST FIPS 202 (August 2015), §6.1 SHA3-224/256/384/512 = KECCAK[2d](M ‖ 01, d),
 * §6.2 SHAKE128/256 = KECCAK[c](M ‖ 1111, d), over the sponge in keccak.ts.
 * Lengths are in bytes; bit-length messages exist only in the internal `*Bits` helpers that
 * the ACVP bit-oriented KATs use.
 * Side channels: no secret-dependent branch or index; lengths are public.
 */
import { expectBytes } from '../util/bytes.ts';
import { CryptoError } from '../util/errors.ts';
import { KeccakSponge } from './sponge.ts';

/** The SHA-3 suffix 01 (LSB first: bit 0 = 0, bit 1 = 1), FIPS 202 §6.1. */
const SHA3_SUFFIX = 0b10;
/** The SHAKE suffix 1111, FIPS 202 §6.2. */
const SHAKE_SUFFIX = 0b1111;

function checkOutputLength(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CryptoError('BAD_PARAMS', `${what}: output length must be a non-negative integer`);
}

/** An incremental SHA3-d hasher: update any number of times, then digest once. */
export class Sha3 {
  private readonly sponge: KeccakSponge;
  private done = false;

  /** d = digest length in bytes; capacity c = 2d, rate = 200 − 2d bytes (FIPS 202 §6.1). */
  constructor(readonly digestLength: 28 | 32 | 48 | 64) {
    if (![28, 32, 48, 64].includes(digestLength))
      throw new CryptoError('BAD_PARAMS', `SHA-3: digest length must be 28, 32, 48 or 64 bytes, got ${digestLength}`);
    this.sponge = new KeccakSponge(200 - 2 * digestLength, SHA3_SUFFIX, 2);
  }

  update(data: Uint8Array): this {
    expectBytes(data, 'SHA-3 update');
    if (this.done) throw new CryptoError('BAD_PARAMS', 'SHA-3: update after digest');
    this.sponge.absorb(data);
    return this;
  }

  /** Returns the digest and wipes the state. FIPS 202, §6.1 (SHA3-224/256/384/512). */
  digest(): Uint8Array {
    return this.digestBits(0, 0);
  }

  /** As digest(), after absorbing `nBits` (0..7) more message bits from the low bits of `lastBits`. */
  digestBits(lastBits: number, nBits: number): Uint8Array {
    if (this.done) throw new CryptoError('BAD_PARAMS', 'SHA-3: digest called twice');
    this.done = true;
    this.sponge.finishBits(lastBits, nBits);
    const out = new Uint8Array(this.digestLength);
    this.sponge.squeezeInto(out);
    this.sponge.destroy();
    return out;
  }
}

/**
 * One sponge per SHA-3 and SHAKE rate for the one-shot functions below: each call absorbs,
 * squeezes and destroys (wipes) it before returning, also when it throws, and no call nests
 * another (synchronous JS), so they can share it instead of allocating a state per call.
 */
const ONE_SHOT = new Map<number, KeccakSponge>();

function oneShot(rate: number, suffix: number, suffixBits: number): KeccakSponge {
  const key = rate * 16 + suffix;
  let sponge = ONE_SHOT.get(key);
  if (sponge === undefined) {
    sponge = new KeccakSponge(rate, suffix, suffixBits);
    ONE_SHOT.set(key, sponge);
  }
  return sponge;
}

function sha3(d: 28 | 32 | 48 | 64, msg: Uint8Array, what: string): Uint8Array {
  expectBytes(msg, what);
  const out = new Uint8Array(d);
  const sponge = oneShot(200 - 2 * d, SHA3_SUFFIX, 2);
  try {
    sponge.absorb(msg);
    sponge.squeezeInto(out); // FIPS 202, §6.1: SHA3-d(M) = KECCAK[2d](M ‖ 01, d)
  } finally {
    sponge.destroy();
  }
  return out;
}

/** SHA3-224 of a byte string. FIPS 202, §6.1 (SHA3-224). */
export const sha3_224 = (msg: Uint8Array): Uint8Array => sha3(28, msg, 'sha3_224');
/** SHA3-256 of a byte string. FIPS 202, §6.1 (SHA3-256). */
export const sha3_256 = (msg: Uint8Array): Uint8Array => sha3(32, msg, 'sha3_256');
/** SHA3-384 of a byte string. FIPS 202, §6.1 (SHA3-384). */
export const sha3_384 = (msg: Uint8Array): Uint8Array => sha3(48, msg, 'sha3_384');
/** SHA3-512 of a byte string. FIPS 202, §6.1 (SHA3-512). */
export const sha3_512 = (msg: Uint8Array): Uint8Array => sha3(64, msg, 'sha3_512');

/**
 * An incremental SHAKE: absorb any number of times, then squeeze any number of times.
 * FIPS 202, §6.2 (SHAKE128, SHAKE256) as an XOF: output is the prefix of one infinite Z.
 */
export class Shake {
  private readonly sponge: KeccakSponge;

  /** `rate` in bytes: 168 for SHAKE128, 136 for SHAKE256. */
  constructor(readonly rate: 168 | 136) {
    if (rate !== 168 && rate !== 136)
      throw new CryptoError('BAD_PARAMS', `SHAKE: rate must be 168 (SHAKE128) or 136 (SHAKE256) bytes, got ${rate}`);
    this.sponge = new KeccakSponge(rate, SHAKE_SUFFIX, 4);
  }

  /** Absorbs more input; throws once squeezing has begun. */
  absorb(data: Uint8Array): this {
    expectBytes(data, 'SHAKE absorb');
    this.sponge.absorb(data);
    return this;
  }

  /** Pads after `nBits` (0..7) more message bits (low bits of `lastBits`); for bit-level KATs. */
  finishBits(lastBits: number, nBits: number): this {
    this.sponge.finishBits(lastBits, nBits);
    return this;
  }

  /** Returns the next n output bytes. */
  squeeze(n: number): Uint8Array {
    checkOutputLength(n, 'SHAKE squeeze');
    const out = new Uint8Array(n);
    this.sponge.squeezeInto(out);
    return out;
  }

  /** Fills `out` with the next output bytes. */
  squeezeInto(out: Uint8Array): void {
    expectBytes(out, 'SHAKE squeezeInto');
    this.sponge.squeezeInto(out);
  }

  /**
   * Writes nBlocks whole rate-sized blocks into `out` (e.g. 168-byte blocks for FIPS 203
   * SampleNTT); must be called at a block boundary (directly after absorbing, or after
   * earlier whole blocks).
   */
  squeezeBlocks(out: Uint8Array, nBlocks: number): void {
    expectBytes(out, 'SHAKE squeezeBlocks');
    this.sponge.squeezeBlocks(out, nBlocks);
  }

  /** Zeroes the state; the object must not be used afterwards. */
  destroy(): void {
    this.sponge.destroy();
  }
}

/** A fresh incremental SHAKE128. FIPS 202, §6.2 (SHAKE128). */
export const shake128Xof = (): Shake => new Shake(168);
/** A fresh incremental SHAKE256. FIPS 202, §6.2 (SHAKE256). */
export const shake256Xof = (): Shake => new Shake(136);

function shake(rate: 168 | 136, msg: Uint8Array, outputLength: number, what: string): Uint8Array {
  expectBytes(msg, what);
  checkOutputLength(outputLength, what);
  const out = new Uint8Array(outputLength); // may throw (RangeError): before the sponge is used
  const sponge = oneShot(rate, SHAKE_SUFFIX, 4);
  try {
    sponge.absorb(msg);
    sponge.squeezeInto(out); // FIPS 202, §6.2: SHAKE(M, d) = KECCAK[c](M ‖ 1111, d)
  } finally {
    sponge.destroy();
  }
  return out;
}

/**
 * SHAKE256(M₁ ‖ M₂ ‖ …, 8·out.length) written into `out` (and returned), on the shared one-shot
 * sponge: for the hashes of ML-KEM and ML-DSA whose input comes in parts (J(z‖c), H(tr‖M′)),
 * without concatenating them or allocating a sponge per call. FIPS 202, §6.2 (SHAKE256).
 */
export function shake256Into(out: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  expectBytes(out, 'shake256Into output');
  for (const part of parts) expectBytes(part, 'shake256Into input');
  const sponge = oneShot(136, SHAKE_SUFFIX, 4);
  try {
    for (const part of parts) sponge.absorb(part);
    sponge.squeezeInto(out);
  } finally {
    sponge.destroy();
  }
  return out;
}

/** SHAKE128(M, 8·outputLength). FIPS 202, §6.2 (SHAKE128). */
export const shake128 = (msg: Uint8Array, outputLength: number): Uint8Array =>
  shake(168, msg, outputLength, 'shake128');
/** SHAKE256(M, 8·outputLength). FIPS 202, §6.2 (SHAKE256). */
export const shake256 = (msg: Uint8Array, outputLength: number): Uint8Array =>
  shake(136, msg, outputLength, 'shake256');
