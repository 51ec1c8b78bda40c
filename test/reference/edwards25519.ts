/**
 * A slow, obviously-correct twin of edwards25519 on bigint, in affine coordinates, straight from
 * RFC 8032 §5.1 (curve −x² + y² = 1 + d·x²·y²; the unified affine addition law) — the oracle for
 * src/curve25519/point.ts and scalar-mult.ts. Variable-time: test code only.
 */
import { P, fieldInvert, fieldMul, fieldSqrt, mod } from '../../src/curve25519/reference.ts';

/** d = −121665/121666 mod p. RFC 8032 §5.1. */
export const D_REF = mod(-121665n * fieldInvert(121666n));

export type Affine = [x: bigint, y: bigint];

export const IDENTITY: Affine = [0n, 1n];

/** x² = (y² − 1)/(d·y² + 1), x even: RFC 8032 §5.1 ("B = (x, 4/5) with x positive"). */
export const BASE_REF: Affine = (() => {
  const y = mod(4n * fieldInvert(5n));
  const x = fieldSqrt(mod((y * y - 1n) * fieldInvert(D_REF * y * y + 1n)));
  if (x === null) throw new Error('no base point');
  return [x & 1n ? P - x : x, y];
})();

/** (x1,y1) + (x2,y2) = ((x1y2 + x2y1)/(1 + d·x1x2y1y2), (y1y2 + x1x2)/(1 − d·x1x2y1y2)). */
export function addRef([x1, y1]: Affine, [x2, y2]: Affine): Affine {
  const t = fieldMul(D_REF, fieldMul(fieldMul(x1, x2), fieldMul(y1, y2)));
  const x3 = fieldMul(mod(x1 * y2 + x2 * y1), fieldInvert(mod(1n + t)));
  const y3 = fieldMul(mod(y1 * y2 + x1 * x2), fieldInvert(mod(1n - t)));
  return [x3, y3];
}

/** [k]Q by double-and-add. */
export function mulRef(k: bigint, q: Affine): Affine {
  let r = IDENTITY;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    r = addRef(r, r);
    if ((k >> i) & 1n) r = addRef(r, q);
  }
  return r;
}

/** RFC 8032 §5.1.2 encoding. */
export function encodeRef([x, y]: Affine): Uint8Array {
  const v = y | ((x & 1n) << 255n);
  return Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}
