/**
 * ML-DSA key generation, signing and verification, and the public object API.
 * FIPS 204 §5.1–5.3: Algorithm 1 (ML-DSA.KeyGen), 2 (ML-DSA.Sign), 3 (ML-DSA.Verify), over the
 * deterministic cores in internal.ts. Pure ML-DSA with a context string (|ctx| ≤ 255 bytes);
 * signing is hedged by default (fresh 32-byte rnd) with a deterministic option (rnd = 0³²).
 * Side channels: argument checks branch on public lengths only; see internal.ts for signing.
 */
import { expectBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { defaultRandom } from '../util/random.ts';
import { keyGenInternal, signInternal, verifyInternal } from './internal.ts';
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
  });
}

/** ML-DSA-44 (FIPS 204 Table 1, security category 2). */
export const mldsa44: MlDsa = api(ML_DSA_44);
/** ML-DSA-65 (FIPS 204 Table 1, security category 3): pqmsg's identity signature. */
export const mldsa65: MlDsa = api(ML_DSA_65);
/** ML-DSA-87 (FIPS 204 Table 1, security category 5). */
export const mldsa87: MlDsa = api(ML_DSA_87);
