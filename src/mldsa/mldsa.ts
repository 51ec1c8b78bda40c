/**
 * ML-DSA key generation, signing and verification, and the public object API.
 * FIPS 204 §5.1–5.3: Algorithm 1 (ML-DSA.KeyGen), 2 (ML-DSA.Sign), 3 (ML-DSA.Verify), over the
 * deterministic cores in internal.ts. Pure ML-DSA with a context string (|ctx| ≤ 255 bytes);
 * signing is hedged by default (fresh 32-byte rnd) with a deterministic option (rnd = 0³²).
 * Also the external-μ interface: Algorithms 7 and 8 with the message representative μ given
 * (as ACVP's `externalMu` groups test), and the helpers that compute μ.
 * Side channels: argument checks branch on public lengths only; see internal.ts for signing.
 */
import { expectBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { defaultRandom } from '../util/random.ts';
import {
  H,
  messageRepresentative,
  keyGenInternal,
  signInternal,
  signMuInternal,
  verifyInternal,
  verifyMuInternal,
} from './internal.ts';
import { ML_DSA_44, ML_DSA_65, ML_DSA_87, type MlDsaParams } from './params.ts';

/** An ML-DSA key pair: pk and the expanded sk (FIPS 204 Algorithms 22 and 24). */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface SignOptions {
  /** Context string ctx, at most 255 bytes (default empty). */
  context?: Uint8Array;
  /** The 32-byte rnd for hedged signing (default: fresh from the system CSPRNG). */
  random?: Uint8Array;
  /** rnd = 0³² (the deterministic variant of FIPS 204 §3.4); excludes `random`. */
  deterministic?: boolean;
}

/** Options of signMu: the rnd choice of SignOptions (the context is already inside μ). */
export type MuSignOptions = Omit<SignOptions, 'context'>;

export interface VerifyOptions {
  /** Context string ctx used when signing (default empty). */
  context?: Uint8Array;
}

export interface MlDsaLengths {
  publicKey: number;
  secretKey: number;
  signature: number;
  seed: number;
}

/**
 * One ML-DSA parameter set as an object. `keygen` is spelled as in @noble/post-quantum; the FIPS
 * 204 functions are keyGen / keyGenInternal, sign / signInternal, verify / verifyInternal. Unlike
 * noble (sign(msg, sk), verify(sig, msg, pk)), every method here takes the key first and the
 * same arguments in the same order as the module function of the same name.
 */
export interface MlDsa {
  readonly params: MlDsaParams;
  readonly lengths: MlDsaLengths;
  keygen(seed?: Uint8Array): KeyPair;
  sign(secretKey: Uint8Array, message: Uint8Array, opts?: SignOptions): Uint8Array;
  verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    opts?: VerifyOptions,
  ): boolean;
  /**
   * μ = H(tr ‖ M′, 64) for pure ML-DSA, M′ = 0 ‖ |ctx| ‖ ctx ‖ M and tr = H(pk, 64) (FIPS 204
   * Algorithm 2 line 10 with Algorithm 7 line 6). signMu(sk, computeMu(pk, M, {context})) is
   * sign(sk, M, {context}), and verifyMu(pk, μ, σ) is verify(pk, M, σ, {context}).
   */
  computeMu(publicKey: Uint8Array, message: Uint8Array, opts?: VerifyOptions): Uint8Array;
  /** μ = H(H(pk, 64) ‖ M′, 64) for an already formatted M′ (e.g. HashML-DSA's 1 ‖ … ‖ PH(M)). */
  computeMuFromMPrime(publicKey: Uint8Array, mPrime: Uint8Array): Uint8Array;
  /**
   * Signs the 64-byte message representative μ: FIPS 204 Algorithm 7 (ML-DSA.Sign_internal) with
   * μ given instead of M′, hedged unless opts say otherwise.
   * Use it when μ is computed away from the key: an HSM or remote signer that holds sk receives
   * only μ, or a streaming signer hashes a large M (with `computeMu`, or its own incremental
   * SHAKE256 over tr ‖ M′) without holding it whole. The caller must compute tr from the public
   * key that matches sk: a μ made with another pk yields a signature that does not verify, and the
   * binding of the signature to its key is exactly tr. Prefer `sign` whenever M is at hand.
   */
  signMu(secretKey: Uint8Array, mu: Uint8Array, opts?: MuSignOptions): Uint8Array;
  /**
   * Verifies σ on the 64-byte μ under pk: FIPS 204 Algorithm 8 (ML-DSA.Verify_internal) with μ
   * given. false for a wrong pk or σ length or a malformed σ; a μ that is not 64 bytes throws.
   */
  verifyMu(publicKey: Uint8Array, mu: Uint8Array, signature: Uint8Array): boolean;
}

/** The 2-byte prefix IntegerToBytes(domain, 1) ‖ IntegerToBytes(|ctx|, 1) of M′. */
export function messagePrefix(domain: 0 | 1, ctx: Uint8Array): Uint8Array {
  return Uint8Array.of(domain, ctx.length);
}

/**
 * Generates a key pair from the 32-byte seed ξ, or from fresh randomness when ξ is omitted.
 * FIPS 204, Algorithm 1 (ML-DSA.KeyGen).
 */
export function keyGen(p: MlDsaParams, seed?: Uint8Array): KeyPair {
  if (seed !== undefined) expectLength(seed, 32, `${p.name}.KeyGen: seed ξ`);
  const xi = seed ?? defaultRandom(32); // ξ ←$ B³²
  const { pk, sk } = keyGenInternal(p, xi);
  if (seed === undefined) wipe(xi);
  return { publicKey: pk, secretKey: sk };
}

/** Returns ctx (default empty) after the type and 255-byte checks. */
function checkContext(p: MlDsaParams, what: string, ctx: Uint8Array | undefined): Uint8Array {
  if (ctx === undefined) return new Uint8Array(0);
  expectBytes(ctx, `${p.name}.${what}: context`);
  if (ctx.length > 255)
    throw new CryptoError(
      'BAD_PARAMS',
      `${p.name}.${what}: context longer than 255 bytes (FIPS 204 §5.2)`,
    );
  return ctx;
}

/** The 32-byte rnd for one signature, per the options. */
export function signingRandomness(p: MlDsaParams, what: string, opts: SignOptions): Uint8Array {
  if (opts.deterministic === true) {
    if (opts.random !== undefined)
      throw new CryptoError(
        'BAD_PARAMS',
        `${p.name}.${what}: 'random' and 'deterministic' exclude each other`,
      );
    return new Uint8Array(32); // rnd ← {0}³²
  }
  if (opts.random !== undefined) {
    expectLength(opts.random, 32, `${p.name}.${what}: rnd`);
    return opts.random;
  }
  return defaultRandom(32); // rnd ←$ B³²
}

/**
 * Signs M under sk with context ctx: M′ ← 0 ‖ |ctx| ‖ ctx ‖ M, σ ← Sign_internal(sk, M′, rnd).
 * FIPS 204, Algorithm 2 (ML-DSA.Sign).
 */
export function sign(
  p: MlDsaParams,
  sk: Uint8Array,
  message: Uint8Array,
  opts: SignOptions | null = {},
): Uint8Array {
  opts ??= {}; // null from untyped callers means no options
  expectLength(sk, p.skBytes, `${p.name}.Sign: secret key`);
  expectBytes(message, `${p.name}.Sign: message`);
  const ctx = checkContext(p, 'Sign', opts.context); // if |ctx| > 255 then return error
  const rnd = signingRandomness(p, 'Sign', opts);
  const sig = signInternal(p, sk, [messagePrefix(0, ctx), ctx, message], rnd);
  if (rnd !== opts.random) wipe(rnd); // ours, not the caller's
  return sig;
}

/**
 * Verifies σ on M under pk with context ctx; false for wrong lengths, |ctx| > 255 or a malformed
 * σ (throws only on a non-Uint8Array argument). FIPS 204, Algorithm 3 (ML-DSA.Verify).
 */
export function verify(
  p: MlDsaParams,
  pk: Uint8Array,
  message: Uint8Array,
  sig: Uint8Array,
  opts: VerifyOptions | null = {},
): boolean {
  opts ??= {}; // null from untyped callers means no options
  expectBytes(pk, `${p.name}.Verify: public key`);
  expectBytes(message, `${p.name}.Verify: message`);
  expectBytes(sig, `${p.name}.Verify: signature`);
  const ctx = opts.context ?? new Uint8Array(0);
  expectBytes(ctx, `${p.name}.Verify: context`);
  if (ctx.length > 255) return false; // if |ctx| > 255 then return error (⊥ → false)
  return verifyInternal(p, pk, [messagePrefix(0, ctx), ctx, message], sig);
}

/**
 * μ for pure ML-DSA from (pk, M, ctx): μ ← H(H(pk, 64) ‖ 0 ‖ |ctx| ‖ ctx ‖ M, 64).
 * FIPS 204, Algorithm 2 (M′) and Algorithm 7 line 6 (μ), with tr ← H(pk, 64) as in Algorithm 8.
 */
export function computeMu(
  p: MlDsaParams,
  pk: Uint8Array,
  message: Uint8Array,
  opts: VerifyOptions | null = {},
): Uint8Array {
  opts ??= {};
  expectLength(pk, p.pkBytes, `${p.name}.ComputeMu: public key`);
  expectBytes(message, `${p.name}.ComputeMu: message`);
  const ctx = checkContext(p, 'ComputeMu', opts.context);
  return messageRepresentative(H([pk], 64), [messagePrefix(0, ctx), ctx, message]);
}

/** μ ← H(H(pk, 64) ‖ M′, 64) for a formatted M′. FIPS 204, Algorithm 7 line 6, Algorithm 8. */
export function computeMuFromMPrime(
  p: MlDsaParams,
  pk: Uint8Array,
  mPrime: Uint8Array,
): Uint8Array {
  expectLength(pk, p.pkBytes, `${p.name}.ComputeMu: public key`);
  expectBytes(mPrime, `${p.name}.ComputeMu: M′`);
  return messageRepresentative(H([pk], 64), [mPrime]);
}

/**
 * Signs the 64-byte μ with sk (length and coefficient ranges checked by skDecode).
 * FIPS 204, Algorithm 7 (ML-DSA.Sign_internal) with external μ.
 */
export function signMu(
  p: MlDsaParams,
  sk: Uint8Array,
  mu: Uint8Array,
  opts: MuSignOptions | null = {},
): Uint8Array {
  opts ??= {};
  expectLength(sk, p.skBytes, `${p.name}.SignMu: secret key`);
  expectLength(mu, 64, `${p.name}.SignMu: μ`);
  const rnd = signingRandomness(p, 'SignMu', opts);
  const sig = signMuInternal(p, sk, mu, rnd);
  if (rnd !== opts.random) wipe(rnd); // ours, not the caller's
  return sig;
}

/**
 * Verifies σ on the 64-byte μ under pk; false for wrong pk/σ lengths or a malformed σ.
 * FIPS 204, Algorithm 8 (ML-DSA.Verify_internal) with external μ.
 */
export function verifyMu(
  p: MlDsaParams,
  pk: Uint8Array,
  mu: Uint8Array,
  sig: Uint8Array,
): boolean {
  expectBytes(pk, `${p.name}.VerifyMu: public key`);
  expectLength(mu, 64, `${p.name}.VerifyMu: μ`);
  expectBytes(sig, `${p.name}.VerifyMu: signature`);
  return verifyMuInternal(p, pk, mu, sig);
}

function api(p: MlDsaParams): MlDsa {
  return Object.freeze({
    params: p,
    lengths: Object.freeze({
      publicKey: p.pkBytes,
      secretKey: p.skBytes,
      signature: p.sigBytes,
      seed: 32,
    }),
    keygen: (seed?: Uint8Array) => keyGen(p, seed),
    sign: (sk: Uint8Array, message: Uint8Array, opts?: SignOptions) => sign(p, sk, message, opts),
    verify: (pk: Uint8Array, message: Uint8Array, sig: Uint8Array, opts?: VerifyOptions) =>
      verify(p, pk, message, sig, opts),
    computeMu: (pk: Uint8Array, message: Uint8Array, opts?: VerifyOptions) =>
      computeMu(p, pk, message, opts),
    computeMuFromMPrime: (pk: Uint8Array, mPrime: Uint8Array) =>
      computeMuFromMPrime(p, pk, mPrime),
    signMu: (sk: Uint8Array, mu: Uint8Array, opts?: MuSignOptions) =>
      signMu(p, sk, mu, opts),
    verifyMu: (pk: Uint8Array, mu: Uint8Array, sig: Uint8Array) => verifyMu(p, pk, mu, sig),
  });
}

/** ML-DSA-44 (FIPS 204 Table 1, security category 2). */
export const mldsa44: MlDsa = api(ML_DSA_44);
/** ML-DSA-65 (FIPS 204 Table 1, security category 3): pqmsg's identity signature. */
export const mldsa65: MlDsa = api(ML_DSA_65);
/** ML-DSA-87 (FIPS 204 Table 1, security category 5). */
export const mldsa87: MlDsa = api(ML_DSA_87);
