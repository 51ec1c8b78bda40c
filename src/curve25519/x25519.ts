/**
 * X25519 (RFC 7748, Elliptic Curves for Security): §5 the X25519 function (decodeScalar25519,
 * decodeUCoordinate, Montgomery ladder) and §6.1 Diffie-Hellman, with the all-zero check.
 * This is the SHIPPED path, on the limb field of field.ts; reference.ts is its bigint twin.
 * Public keys (u = 9) take the edwards25519 fixed-base table of scalar-mult.ts instead.
 * Side channels: no secret-dependent branch, loop bound or index — the ladder runs 255 steps for
 * every scalar and swaps through feCswap; JS gives no constant-time guarantee. The only branch on
 * the output is the LOW_ORDER throw, taken when the result is going to be discarded anyway.
 * Inputs are never mutated; scalar and ladder temporaries are wiped (best effort: GC copies).
 */
import { copyBytes, expectLength } from '../util/bytes.ts';
import { ctIsZero, wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { defaultRandom } from '../util/random.ts';
import {
  fe,
  feAdd,
  feCswap,
  feFromBytes,
  feInvert,
  feMul,
  feMulSmall,
  feSqr,
  feSub,
  feToBytes,
} from './field.ts';
import { pointWipe } from './point.ts';
import { baseMul } from './scalar-mult.ts';

/** a24 = (486662 − 2) / 4. RFC 7748 §5. */
const A24 = 121665;

/** The u-coordinate of the base point, 9. RFC 7748 §4.1. */
export const BASE_U: Uint8Array = Uint8Array.of(9, ...new Array<number>(31).fill(0));

/**
 * Copies k and clamps it: clears bits 0, 1, 2 and 255, sets bit 254.
 * RFC 7748 §5 (decodeScalar25519).
 */
export function decodeScalar25519(k: Uint8Array): Uint8Array {
  const kList = copyBytes(k, 0, 32);
  kList[0] &= 248;
  kList[31] &= 127;
  kList[31] |= 64;
  return kList;
}

/**
 * The X25519 function on 32-byte k and u: the Montgomery ladder with masked cswap. RFC 7748 §5.
 * Bit 255 of u is masked and u ≥ p is accepted, as §5 requires. Does not reject a zero result
 * (getSharedSecret does, RFC 7748 §6.1).
 */
export function scalarMult(kBytes: Uint8Array, uBytes: Uint8Array): Uint8Array {
  const k = decodeScalar25519(kBytes);
  const x1 = fe();
  feFromBytes(x1, uBytes); // decodeUCoordinate: bit 255 ignored
  const x2 = fe(1);
  const z2 = fe(0);
  const x3 = fe();
  x3.set(x1);
  const z3 = fe(1);
  const [A, AA, B, BB, E] = [fe(), fe(), fe(), fe(), fe()];
  const [C, D, DA, CB] = [fe(), fe(), fe(), fe()];
  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const kt = (k[t >>> 3] >>> (t & 7)) & 1; // k_t; the byte index is the public t
    swap ^= kt;
    feCswap(swap, x2, x3); // (x_2, x_3) = cswap(swap, x_2, x_3)
    feCswap(swap, z2, z3); // (z_2, z_3) = cswap(swap, z_2, z_3)
    swap = kt;
    feAdd(A, x2, z2); //      A = x_2 + z_2
    feSqr(AA, A); //          AA = A^2
    feSub(B, x2, z2); //      B = x_2 - z_2
    feSqr(BB, B); //          BB = B^2
    feSub(E, AA, BB); //      E = AA - BB
    feAdd(C, x3, z3); //      C = x_3 + z_3
    feSub(D, x3, z3); //      D = x_3 - z_3
    feMul(DA, D, A); //       DA = D * A
    feMul(CB, C, B); //       CB = C * B
    feAdd(x3, DA, CB);
    feSqr(x3, x3); //         x_3 = (DA + CB)^2
    feSub(z3, DA, CB);
    feSqr(z3, z3);
    feMul(z3, x1, z3); //     z_3 = x_1 * (DA - CB)^2
    feMul(x2, AA, BB); //     x_2 = AA * BB
    feMulSmall(z2, E, A24);
    feAdd(z2, AA, z2);
    feMul(z2, E, z2); //      z_2 = E * (AA + a24 * E)
  }
  feCswap(swap, x2, x3);
  feCswap(swap, z2, z3);
  feInvert(z2, z2);
  feMul(x2, x2, z2); //       x_2 * (z_2^(p - 2))
  const out = new Uint8Array(32);
  feToBytes(out, x2);
  wipe(k, x1, x2, z2, x3, z3, A, AA, B, BB, E, C, D, DA, CB);
  return out;
}

/**
 * X25519(k, 9) through edwards25519: u = (1 + y)/(1 − y) = (Z + Y)/(Z − Y) for [k]B, the
 * birational map of RFC 7748 §4.1 (B maps to u = 9), computed with the constant-time fixed-base
 * table instead of a 255-step ladder. Same value as scalarMult(k, BASE_U) (tested).
 */
function scalarMultBase(kBytes: Uint8Array): Uint8Array {
  const k = decodeScalar25519(kBytes); // k < 2^255: what baseMul accepts
  const P = baseMul(k);
  const num = fe();
  const den = fe();
  feAdd(num, P.Z, P.Y);
  feSub(den, P.Z, P.Y);
  feInvert(den, den);
  feMul(num, num, den);
  const out = new Uint8Array(32);
  feToBytes(out, num);
  wipe(k, num, den);
  pointWipe(P);
  return out;
}

/** The public key X25519(secretKey, 9) of a 32-byte secret key. RFC 7748 §6.1. */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  expectLength(secretKey, 32, 'X25519 secret key');
  return scalarMultBase(secretKey);
}

/**
 * A key pair from a 32-byte seed (the secret key itself; random when absent). RFC 7748 §6.1.
 * The secret key is stored unclamped, as RFC 7748 keys are; clamping happens in scalarMult.
 */
export function keygen(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  if (seed !== undefined) expectLength(seed, 32, 'X25519 seed');
  const secretKey = seed === undefined ? defaultRandom(32) : copyBytes(seed);
  return { secretKey, publicKey: scalarMultBase(secretKey) };
}

/**
 * The shared secret X25519(secretKey, publicKey); throws LOW_ORDER on the all-zero value, which
 * a low-order (or twist low-order) public key forces. RFC 7748 §6.1 ("check … all-zero value").
 */
export function getSharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  expectLength(secretKey, 32, 'X25519 secret key');
  expectLength(publicKey, 32, 'X25519 public key');
  const shared = scalarMult(secretKey, publicKey);
  if (ctIsZero(shared) === 1) {
    throw new CryptoError('LOW_ORDER', 'X25519: all-zero shared secret (RFC 7748 §6.1)');
  }
  return shared;
}
