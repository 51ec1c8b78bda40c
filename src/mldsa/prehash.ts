/**
 * HashML-DSA: signing and verifying a pre-hash PH(M) bound to the hash's OID.
 * FIPS 204 §5.4: Algorithm 4 (HashML-DSA.Sign), 5 (HashML-DSA.Verify). OIDs from the NIST
 * hashAlgs arc 2.16.840.1.101.3.4.2 (NIST Computer Security Objects Register,
 * https://csrc.nist.gov/projects/computer-security-objects-register/algorithm-registration;
 * DER: 06 09 60 86 48 01 65 03 04 02 xx): .1 SHA-256, .2 SHA-384, .3 SHA-512, .4 SHA-224,
 * .5 SHA-512/224, .6 SHA-512/256, .7–.10 SHA3-224/256/384/512, .11 SHAKE128, .12 SHAKE256.
 * Supported: all twelve ACVP pre-hashes (SHAKE128 with 256-bit and SHAKE256 with 512-bit output,
 * FIPS 204 §5.4.1).
 * Side channels: as ML-DSA.Sign (internal.ts); the message and hash choice are public.
 */
import { sha224, sha256 } from '../hash/sha256.ts';
import { sha384, sha512, sha512_224, sha512_256 } from '../hash/sha512.ts';
import { sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256 } from '../hash/sha3.ts';
import { expectBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { signInternal, verifyInternal } from './internal.ts';
import { messagePrefix, signingRandomness, type SignOptions, type VerifyOptions } from './mldsa.ts';
import type { MlDsaParams } from './params.ts';

/** A pre-hash function PH and the last byte of its OID. */
interface PreHash {
  oidLast: number;
  ph: (m: Uint8Array) => Uint8Array;
}

/**
 * Pre-hash functions by ACVP name, with their OID's last arc (FIPS 204 §5.4.1 names SHA-256,
 * SHA-512 and SHAKE128; §5.4 allows any approved hash or XOF).
 */
export const PRE_HASHES: Readonly<Record<string, PreHash>> = Object.freeze({
  'SHA2-224': { oidLast: 0x04, ph: sha224 },
  'SHA2-256': { oidLast: 0x01, ph: sha256 },
  'SHA2-384': { oidLast: 0x02, ph: sha384 },
  'SHA2-512': { oidLast: 0x03, ph: sha512 },
  'SHA2-512/224': { oidLast: 0x05, ph: sha512_224 },
  'SHA2-512/256': { oidLast: 0x06, ph: sha512_256 },
  'SHA3-224': { oidLast: 0x07, ph: sha3_224 },
  'SHA3-256': { oidLast: 0x08, ph: sha3_256 },
  'SHA3-384': { oidLast: 0x09, ph: sha3_384 },
  'SHA3-512': { oidLast: 0x0a, ph: sha3_512 },
  'SHAKE-128': { oidLast: 0x0b, ph: (m: Uint8Array) => shake128(m, 32) },
  'SHAKE-256': { oidLast: 0x0c, ph: (m: Uint8Array) => shake256(m, 64) },
});

/** OID ‖ PH(M) for the named pre-hash, or a BAD_PARAMS error for an unsupported one. */
function oidAndDigest(
  p: MlDsaParams,
  what: string,
  hash: string,
  message: Uint8Array,
): Uint8Array[] {
  const h = Object.hasOwn(PRE_HASHES, hash) ? PRE_HASHES[hash] : undefined;
  if (h === undefined)
    throw new CryptoError('BAD_PARAMS', `${p.name}.${what}: unsupported pre-hash ${hash}`);
  const oid = Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, h.oidLast);
  return [oid, h.ph(message)];
}

/**
 * Signs PH(M): M′ ← 1 ‖ |ctx| ‖ ctx ‖ OID ‖ PH(M), σ ← Sign_internal(sk, M′, rnd).
 * FIPS 204, Algorithm 4 (HashML-DSA.Sign).
 */
export function hashSign(
  p: MlDsaParams,
  sk: Uint8Array,
  message: Uint8Array,
  hash: string,
  opts: SignOptions | null = {},
): Uint8Array {
  opts ??= {}; // null from untyped callers means no options
  expectLength(sk, p.skBytes, `${p.name}.HashSign: secret key`);
  expectBytes(message, `${p.name}.HashSign: message`);
  const ctx = opts.context ?? new Uint8Array(0);
  expectBytes(ctx, `${p.name}.HashSign: context`);
  if (ctx.length > 255)
    throw new CryptoError(
      'BAD_PARAMS',
      `${p.name}.HashSign: context longer than 255 bytes (FIPS 204 §5.4)`,
    );
  const tail = oidAndDigest(p, 'HashSign', hash, message);
  const rnd = signingRandomness(p, 'HashSign', opts);
  const sig = signInternal(p, sk, [messagePrefix(1, ctx), ctx, ...tail], rnd);
  if (rnd !== opts.random) wipe(rnd); // ours, not the caller's
  return sig;
}

/**
 * Verifies σ on PH(M); false for wrong lengths, |ctx| > 255 or a malformed σ.
 * FIPS 204, Algorithm 5 (HashML-DSA.Verify).
 */
export function hashVerify(
  p: MlDsaParams,
  pk: Uint8Array,
  message: Uint8Array,
  sig: Uint8Array,
  hash: string,
  opts: VerifyOptions | null = {},
): boolean {
  opts ??= {}; // null from untyped callers means no options
  expectBytes(pk, `${p.name}.HashVerify: public key`);
  expectBytes(message, `${p.name}.HashVerify: message`);
  expectBytes(sig, `${p.name}.HashVerify: signature`);
  const ctx = opts.context ?? new Uint8Array(0);
  expectBytes(ctx, `${p.name}.HashVerify: context`);
  if (ctx.length > 255) return false;
  const tail = oidAndDigest(p, 'HashVerify', hash, message);
  return verifyInternal(p, pk, [messagePrefix(1, ctx), ctx, ...tail], sig);
}
