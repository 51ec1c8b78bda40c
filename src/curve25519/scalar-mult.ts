/**
 * Scalar multiplication on edwards25519 for Ed25519 (RFC 8032 §5.1.5 [s]B, §5.1.6 [r]B,
 * §5.1.7 [S]B − [k]A): a constant-time fixed-base method for secrets, a variable-time one for
 * the public scalars of verification.
 * Fixed base: a = Σ e_i·16^i with signed digits e_i ∈ [−8, 8], and a table of j·16^i·B
 * (i < 64, 1 ≤ j ≤ 8) in affine form (y+x, y−x, 2d·x·y), so [a]B is 64 mixed additions and
 * no doublings. The table (≈ 180 KiB) is built on first use.
 * Side channels: baseMul reads every entry of window i's row and combines them with 0/1 masks, then
 * negates through a mask; the row index i is the public loop counter. No secret-dependent branch
 * or index. doubleScalarMulVartime branches on its (public) digits.
 */
import {
  type Fe,
  fe,
  feAdd,
  feCmov,
  feCopy,
  feCswap,
  feInvert,
  feMul,
  feNeg,
  feSub,
} from './field.ts';
import {
  BASE,
  D2,
  type Point,
  type Scratch,
  pointAdd,
  pointCopy,
  pointDouble,
  pointIdentity,
  pointNegate,
  scratch,
  wipeScratch,
} from './point.ts';

/** An affine point in the form the mixed addition wants: (y + x, y − x, 2d·x·y). */
interface Niels {
  ypx: Fe;
  ymx: Fe;
  xy2d: Fe;
}

const ROWS = 64;
const COLS = 8;
const ENTRY = 45; // three field elements of 15 limbs: y+x, y−x, 2d·x·y
/** Row i holds j·16^i·B for j = 1..8, entry after entry, each as (y+x ‖ y−x ‖ 2d·x·y). */
let table: Float64Array | null = null;

/** Builds the fixed-base table (public data; runs once, on first use). */
function baseTable(): Float64Array {
  if (table !== null) return table;
  const s = scratch();
  const rowBase = pointIdentity();
  pointCopy(rowBase, BASE);
  const acc = pointIdentity();
  const zInv = fe();
  const x = fe();
  const y = fe();
  const t = new Float64Array(ROWS * COLS * ENTRY);
  for (let i = 0; i < ROWS; i++) {
    pointCopy(acc, rowBase);
    for (let j = 1; j <= COLS; j++) {
      if (j > 1) pointAdd(acc, acc, rowBase, s);
      feInvert(zInv, acc.Z);
      feMul(x, acc.X, zInv);
      feMul(y, acc.Y, zInv);
      const at = (i * COLS + j - 1) * ENTRY;
      const n = niels(t.subarray(at, at + ENTRY));
      feAdd(n.ypx, y, x);
      feSub(n.ymx, y, x);
      feMul(n.xy2d, x, y);
      feMul(n.xy2d, n.xy2d, D2);
    }
    for (let k = 0; k < 4; k++) pointDouble(rowBase, rowBase, s); // 16^(i+1)·B
  }
  table = t;
  return t;
}

/** Views of the three coordinates of a 45-float entry. */
function niels(entry: Float64Array): Niels {
  return { ypx: entry.subarray(0, 15), ymx: entry.subarray(15, 30), xy2d: entry.subarray(30, 45) };
}

/**
 * Recodes a 32-byte little-endian scalar a < 2^255 into 64 signed digits e_i ∈ [−8, 8] with
 * a = Σ e_i·16^i. Constant-time: fixed loop, carries by shifts.
 */
function signedRadix16(a: Uint8Array): Int8Array {
  const e = new Int8Array(64);
  for (let i = 0; i < 32; i++) {
    e[2 * i] = a[i] & 15;
    e[2 * i + 1] = a[i] >>> 4;
  }
  let carry = 0;
  for (let i = 0; i < 63; i++) {
    e[i] += carry;
    carry = (e[i] + 8) >> 4; // e_i ∈ [0, 16], so the carry is 0 or 1
    e[i] -= carry << 4; //      e_i ∈ [−8, 7]
  }
  e[63] += carry; // a < 2^255: top nibble ≤ 7, so e_63 ≤ 8
  return e;
}

/** o ← p + n for an affine n (Z2 = 1): the addition of RFC 8032 §5.1.4 with Z2 = 1 folded in. */
function addNiels(o: Point, p: Point, n: Niels, s: Scratch): void {
  const { a, b, c, d, e, f, g, h } = s;
  feSub(a, p.Y, p.X);
  feMul(a, a, n.ymx); //        A = (Y1 − X1)·(y2 − x2)
  feAdd(b, p.Y, p.X);
  feMul(b, b, n.ypx); //        B = (Y1 + X1)·(y2 + x2)
  feMul(c, p.T, n.xy2d); //     C = T1·2d·x2·y2
  feAdd(d, p.Z, p.Z); //        D = 2·Z1
  feSub(e, b, a);
  feSub(f, d, c);
  feAdd(g, d, c);
  feAdd(h, b, a);
  feMul(o.X, e, f);
  feMul(o.Y, g, h);
  feMul(o.T, e, h);
  feMul(o.Z, f, g);
}

/**
 * [a]B for a secret 32-byte little-endian scalar a < 2^255, in constant time.
 * RFC 8032 §5.1.5 step 3 ([s]B) and §5.1.6 step 3 ([r]B).
 */
export function baseMul(a: Uint8Array): Point {
  const tab = baseTable();
  const e = signedRadix16(a);
  const s = scratch();
  const q = pointIdentity();
  const sel = new Float64Array(ENTRY);
  const t = niels(sel);
  const negXy2d = fe();
  for (let i = 0; i < ROWS; i++) {
    const ei = e[i];
    const m = ei >> 31; //               −1 if e_i < 0, else 0
    const abs = (ei ^ m) - m; //         |e_i| ∈ [0, 8]
    const neg = m & 1;
    // m_j = 1 iff |e_i| = j (abs ^ j ∈ [0, 15], so abs ^ j − 1 < 0 iff they are equal).
    const m0 = ((abs ^ 0) - 1) >>> 31, m1 = ((abs ^ 1) - 1) >>> 31, m2 = ((abs ^ 2) - 1) >>> 31;
    const m3 = ((abs ^ 3) - 1) >>> 31, m4 = ((abs ^ 4) - 1) >>> 31, m5 = ((abs ^ 5) - 1) >>> 31;
    const m6 = ((abs ^ 6) - 1) >>> 31, m7 = ((abs ^ 7) - 1) >>> 31, m8 = ((abs ^ 8) - 1) >>> 31;
    // Masked select over the whole row: sel = Σ_j m_j·entry_j, exactly one m_j is 1; m_0 picks
    // the neutral element (1, 1, 0), whose only non-zero limbs are limb 0 of y+x and of y−x.
    const r = i * COLS * ENTRY;
    for (let c = 0; c < ENTRY; c++) {
      sel[c] =
        m1 * tab[r + c] +
        m2 * tab[r + ENTRY + c] +
        m3 * tab[r + 2 * ENTRY + c] +
        m4 * tab[r + 3 * ENTRY + c] +
        m5 * tab[r + 4 * ENTRY + c] +
        m6 * tab[r + 5 * ENTRY + c] +
        m7 * tab[r + 6 * ENTRY + c] +
        m8 * tab[r + 7 * ENTRY + c];
    }
    sel[0] += m0;
    sel[15] += m0;
    // −(x, y) = (−x, y): swap y+x with y−x and negate 2d·x·y, through masks.
    feCswap(neg, t.ypx, t.ymx);
    feNeg(negXy2d, t.xy2d);
    feCmov(t.xy2d, negXy2d, neg);
    addNiels(q, q, t, s);
  }
  e.fill(0);
  wipeScratch(s);
  sel.fill(0);
  negXy2d.fill(0);
  return q;
}

/**
 * [S]B − [k]A for PUBLIC scalars S, k (32-byte little-endian, < 2^255) and a public point A:
 * [k](−A) by signed 4-bit windows (Horner, 1·(−A) … 8·(−A) precomputed), then [S]B added
 * from the fixed-base table, indexed directly by the public digits of S.
 * RFC 8032 §5.1.7 step 3. Variable-time: branches on digits and indexes by them.
 */
export function doubleScalarMulVartime(S: Uint8Array, k: Uint8Array, A: Point): Point {
  const s = scratch();
  const negA = pointIdentity();
  pointNegate(negA, A);
  const multiples: Point[] = [negA]; // j·(−A) for j = 1..8
  for (let j = 1; j < COLS; j++) {
    const next = pointIdentity();
    pointAdd(next, multiples[j - 1], negA, s);
    multiples.push(next);
  }
  const q = pointIdentity();
  const neg = pointIdentity();
  const e = signedRadix16(k);
  let started = false;
  for (let i = 63; i >= 0; i--) {
    // T is only read by additions, so the first three of four doublings skip it.
    if (started) for (let r = 0; r < 4; r++) pointDouble(q, q, s, r === 3);
    const ei = e[i];
    if (ei > 0) pointAdd(q, q, multiples[ei - 1], s);
    else if (ei < 0) {
      pointNegate(neg, multiples[-ei - 1]);
      pointAdd(q, q, neg, s);
    }
    if (ei !== 0) started = true;
  }
  const tab = baseTable();
  const f = signedRadix16(S);
  const negEntry: Niels = { ypx: fe(), ymx: fe(), xy2d: fe() };
  for (let i = 0; i < ROWS; i++) {
    const fi = f[i];
    if (fi === 0) continue;
    const at = (i * COLS + Math.abs(fi) - 1) * ENTRY;
    const n = niels(tab.subarray(at, at + ENTRY));
    if (fi > 0) addNiels(q, q, n, s);
    else {
      feCopy(negEntry.ypx, n.ymx); // −(x, y) = (−x, y): swap y+x and y−x, negate 2d·x·y
      feCopy(negEntry.ymx, n.ypx);
      feNeg(negEntry.xy2d, n.xy2d);
      addNiels(q, q, negEntry, s);
    }
  }
  return q;
}
