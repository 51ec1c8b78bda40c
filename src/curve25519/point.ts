/**
 * edwards25519 points in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z, on
 * −x² + y² = 1 + d·x²·y² (RFC 8032 §5.1: a = −1): encoding §5.1.2, decoding §5.1.3, addition and
 * doubling §5.1.4. Scalar multiplication is in scalar-mult.ts.
 * Side channels: pointAdd, pointDouble and pointEncode have no secret-dependent branch or index.
 * pointDecode is variable-time and for PUBLIC data only (keys, signatures). JS gives no
 * constant-time guarantee.
 * Bounds: every field input below is a carried feMul/feSqr output (|limb| < 2^17 + 2^14) or a
 * sum/difference of at most four of them (< 2^19.2), under field.ts's 2^19.5 multiplication bound.
 */
import {
  type Fe,
  fe,
  feAdd,
  feCopy,
  feFromBytes,
  feInvert,
  feIsNegative,
  feIsZero,
  feMul,
  feNeg,
  fePow22523,
  feSqr,
  feSub,
  feToBytes,
} from './field.ts';
import { wipe } from '../util/ct.ts';

/** A point in extended coordinates. */
export interface Point {
  X: Fe;
  Y: Fe;
  Z: Fe;
  T: Fe;
}

/** The neutral element (0, 1). */
export function pointIdentity(): Point {
  return { X: fe(0), Y: fe(1), Z: fe(1), T: fe(0) };
}

/** Zeroes the coordinates of a secret-derived point (best effort). */
export function pointWipe(p: Point): void {
  wipe(p.X, p.Y, p.Z, p.T);
}

/** o ← p. */
export function pointCopy(o: Point, p: Point): void {
  feCopy(o.X, p.X);
  feCopy(o.Y, p.Y);
  feCopy(o.Z, p.Z);
  feCopy(o.T, p.T);
}

/** A public constant from its integer value (bigint on public data only). */
function feFromBigint(v: bigint): Fe {
  const b = Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  const o = fe();
  feFromBytes(o, b);
  return o;
}

/** d = −121665/121666. RFC 8032 §5.1. Computed at load from its definition. */
export const D: Fe = (() => {
  const num = fe(121665);
  const den = fe(121666);
  feInvert(den, den);
  feMul(num, num, den);
  feNeg(num, num);
  feMul(num, num, fe(1)); // carry back to the canonical limb range
  return num;
})();

/** 2·d, used by the addition formula. */
export const D2: Fe = (() => {
  const o = fe();
  feAdd(o, D, D);
  feMul(o, o, fe(1));
  return o;
})();

/** √(−1) = 2^((p−1)/4) mod p. RFC 8032 §5.1.3 step 3 (a public constant: bigint is fine). */
const SQRT_M1: Fe = feFromBigint(
  19681161376707505956807079304988542015446066515923890162744021073123829784752n,
);

/**
 * Encodes a point: y in 255 bits little-endian, with the low bit of x in bit 255. RFC 8032 §5.1.2.
 * Constant-time (one inversion, no branch).
 */
export function pointEncode(p: Point): Uint8Array {
  const zInv = fe();
  const x = fe();
  const y = fe();
  feInvert(zInv, p.Z);
  feMul(x, p.X, zInv);
  feMul(y, p.Y, zInv);
  const out = new Uint8Array(32);
  feToBytes(out, y);
  out[31] |= feIsNegative(x) << 7;
  zInv.fill(0);
  x.fill(0);
  y.fill(0);
  return out;
}

/**
 * Decodes 32 bytes to a point, or null when they encode none: y ≥ p, x² = (y² − 1)/(d·y² + 1)
 * with no root, or x = 0 with the sign bit set. RFC 8032 §5.1.3 (strict: non-canonical y rejected).
 * Variable-time: for public keys and signatures only.
 */
export function pointDecode(bytes: Uint8Array): Point | null {
  const x0 = bytes[31] >>> 7; // step 1: x_0, then y from the remaining 255 bits
  const y = fe();
  feFromBytes(y, bytes);
  const canonical = new Uint8Array(32);
  feToBytes(canonical, y);
  for (let i = 0; i < 31; i++) if (canonical[i] !== bytes[i]) return null; // y ≥ p
  if (canonical[31] !== (bytes[31] & 0x7f)) return null;
  // step 2: x² = (y² − 1) / (d y² + 1) = u / v
  const u = fe();
  const v = fe();
  const yy = fe();
  feSqr(yy, y);
  feSub(u, yy, fe(1));
  feMul(v, D, yy);
  feAdd(v, v, fe(1));
  // step 3: x = u v³ (u v⁷)^((p−5)/8)
  const v3 = fe();
  const t = fe();
  const x = fe();
  feSqr(v3, v);
  feMul(v3, v3, v); // v³
  feSqr(t, v3);
  feMul(t, t, v); // v⁷
  feMul(t, t, u); // u v⁷
  fePow22523(t, t);
  feMul(x, u, v3);
  feMul(x, x, t);
  const vxx = fe();
  feSqr(vxx, x);
  feMul(vxx, vxx, v);
  const diff = fe();
  feSub(diff, vxx, u);
  if (feIsZero(diff) === 0) {
    feAdd(diff, vxx, u);
    if (feIsZero(diff) === 0) return null; // step 3: no square root
    feMul(x, x, SQRT_M1); // v x² = −u: x ← x · 2^((p−1)/4)
  }
  // step 4: x = 0 with x_0 = 1 fails; otherwise pick the root whose low bit is x_0
  if (feIsZero(x) === 1 && x0 === 1) return null;
  if (feIsNegative(x) !== x0) feNeg(x, x);
  feMul(x, x, fe(1)); // canonical limb range after the negation
  const T = fe();
  feMul(T, x, y);
  return { X: x, Y: y, Z: fe(1), T };
}

/** Scratch space for the addition and doubling formulas, allocated once per public call. */
export interface Scratch {
  a: Fe;
  b: Fe;
  c: Fe;
  d: Fe;
  e: Fe;
  f: Fe;
  g: Fe;
  h: Fe;
}

export function scratch(): Scratch {
  return { a: fe(), b: fe(), c: fe(), d: fe(), e: fe(), f: fe(), g: fe(), h: fe() };
}

export function wipeScratch(s: Scratch): void {
  for (const v of Object.values(s)) v.fill(0);
}

/** o ← p + q (o may alias p or q). RFC 8032 §5.1.4 (addition, a = −1, k = 2d). */
export function pointAdd(o: Point, p: Point, q: Point, s: Scratch): void {
  const { a, b, c, d, e, f, g, h } = s;
  feSub(a, p.Y, p.X);
  feSub(h, q.Y, q.X);
  feMul(a, a, h); //            A = (Y1 − X1)·(Y2 − X2)
  feAdd(b, p.Y, p.X);
  feAdd(h, q.Y, q.X);
  feMul(b, b, h); //            B = (Y1 + X1)·(Y2 + X2)
  feMul(c, p.T, D2);
  feMul(c, c, q.T); //          C = T1·2·d·T2
  feMul(d, p.Z, q.Z);
  feAdd(d, d, d); //            D = Z1·2·Z2
  feSub(e, b, a); //            E = B − A
  feSub(f, d, c); //            F = D − C
  feAdd(g, d, c); //            G = D + C
  feAdd(h, b, a); //            H = B + A
  feMul(o.X, e, f); //          X3 = E·F
  feMul(o.Y, g, h); //          Y3 = G·H
  feMul(o.T, e, h); //          T3 = E·H
  feMul(o.Z, f, g); //          Z3 = F·G
}

/**
 * o ← 2p (o may alias p). RFC 8032 §5.1.4 (doubling). With withT = false (a public choice) T3
 * is not computed and o.T is left stale: only for a result that is doubled again, since doubling
 * never reads T.
 */
export function pointDouble(o: Point, p: Point, s: Scratch, withT = true): void {
  const { a, b, c, e, f, g, h } = s;
  feSqr(a, p.X); //             A = X1²
  feSqr(b, p.Y); //             B = Y1²
  feSqr(c, p.Z);
  feAdd(c, c, c); //            C = 2·Z1²
  feAdd(h, a, b); //            H = A + B
  feAdd(e, p.X, p.Y);
  feSqr(e, e);
  feSub(e, h, e); //            E = H − (X1 + Y1)²
  feSub(g, a, b); //            G = A − B
  feAdd(f, c, g); //            F = C + G
  feMul(o.X, e, f); //          X3 = E·F
  feMul(o.Y, g, h); //          Y3 = G·H
  if (withT) feMul(o.T, e, h); // T3 = E·H
  feMul(o.Z, f, g); //          Z3 = F·G
}

/** o ← −p. */
export function pointNegate(o: Point, p: Point): void {
  feNeg(o.X, p.X);
  feCopy(o.Y, p.Y);
  feCopy(o.Z, p.Z);
  feNeg(o.T, p.T);
}

/** The base point B = (x, 4/5) with x positive (even). RFC 8032 §5.1. */
export const BASE: Point = (() => {
  const y = fe(5);
  feInvert(y, y);
  feMul(y, y, fe(4)); // y = 4/5
  const enc = new Uint8Array(32);
  feToBytes(enc, y); // sign bit 0: "x positive"
  const b = pointDecode(enc);
  if (b === null) throw new Error('edwards25519: base point failed to decode');
  return b;
})();
