/**
 * The Argon2 compression function G and the permutation P it is built on.
 * RFC 9106 (September 2021), Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
 * Applications: §3.5 (Compression Function G), §3.6 (Permutation P, GB with BlaMka's
 * multiplications). A 1024-byte block is 256 32-bit words: 64-bit word i as (lo, hi) at
 * [2i, 2i + 1], in an Int32Array (int32 loads keep V8 on its integer paths).
 * P is written out over 32 locals, twice: fused with R = X ⊕ Y for the rows and with the output
 * Z ⊕ R for the columns (the same GB sequence; the fusion saves a third of G's memory traffic,
 * which is why this file runs past 400 lines). The loop form both must equal is
 * test/reference/argon2-block.ts.
 * Side channels: a fixed sequence of 32-bit and float64 operations, no data-dependent branch or
 * index inside G; which blocks G is applied to is argon2.ts's business (see its header).
 */

/** Words (32-bit) in one 1024-byte block. */
export const BLOCK_WORDS = 256;

/** R = X ⊕ Y (kept for the final Z ⊕ R) and Q = P(rows of R); scratch wiped by wipeScratch(). */
const R = new Int32Array(BLOCK_WORDS);
const Q = new Int32Array(BLOCK_WORDS);

/*
 * RFC 9106 §3.6 (Permutation P) on v_0..v_15 viewed as a 4×4 matrix: GB on the four columns,
 * then on the four diagonals, with GB(a, b, c, d):
 *   a = (a + b + 2 · trunc(a) · trunc(b)) mod 2⁶⁴;  d = (d ⊕ a) ⋙ 32
 *   c = (c + d + 2 · trunc(c) · trunc(d)) mod 2⁶⁴;  b = (b ⊕ c) ⋙ 24
 *   a = (a + b + 2 · trunc(a) · trunc(b)) mod 2⁶⁴;  d = (d ⊕ a) ⋙ 16
 *   c = (c + d + 2 · trunc(c) · trunc(d)) mod 2⁶⁴;  b = (b ⊕ c) ⋙ 63
 * On (lo, hi) halves, with A, B the unsigned lo halves of a, b: the new lo half is
 * (A + B + 2AB) mod 2³², i.e. (A + B + ml) | 0 with ml = the low half of 2AB (Math.imul, ≪ 1).
 * What the lo halves carry into the hi half is ⌊(A + B + 2AB) / 2³²⌋ < 2³⁴: computing
 * A · B · 2 + A + B − lo in float64 rounds four values < 2⁶⁶ (each by ≤ 2¹³), so the quotient
 * by 2³² lies within 2⁻¹⁷ of that integer, and + 0.5, | 0 rounds it (mod 2³², all the hi half
 * needs).
 * ⋙ 32 swaps the halves; ⋙ 24 and ⋙ 16 shift each half and carry the other's low bits; ⋙ 63 is
 * a rotation left by 1.
 */

/**
 * Row i of G (off = 32i): R_row ← X_row ⊕ Y_row, then Q_row ← P(R_row). The row's registers
 * R_8i..R_8i+7 are its 16 consecutive 64-bit words v_0..v_15.
 * RFC 9106 §3.5: (Q_8i, …, Q_8i+7) ← P(R_8i, …, R_8i+7).
 */
function permuteRow(X: Int32Array, x: number, Y: Int32Array, y: number, off: number): void {
  const xo = x + off, yo = y + off;
  // prettier-ignore
  let
    v0l = (R[off] = X[xo] ^ Y[yo]), v0h = (R[off + 1] = X[xo + 1] ^ Y[yo + 1]),
    v1l = (R[off + 2] = X[xo + 2] ^ Y[yo + 2]), v1h = (R[off + 3] = X[xo + 3] ^ Y[yo + 3]),
    v2l = (R[off + 4] = X[xo + 4] ^ Y[yo + 4]), v2h = (R[off + 5] = X[xo + 5] ^ Y[yo + 5]),
    v3l = (R[off + 6] = X[xo + 6] ^ Y[yo + 6]), v3h = (R[off + 7] = X[xo + 7] ^ Y[yo + 7]),
    v4l = (R[off + 8] = X[xo + 8] ^ Y[yo + 8]), v4h = (R[off + 9] = X[xo + 9] ^ Y[yo + 9]),
    v5l = (R[off + 10] = X[xo + 10] ^ Y[yo + 10]), v5h = (R[off + 11] = X[xo + 11] ^ Y[yo + 11]),
    v6l = (R[off + 12] = X[xo + 12] ^ Y[yo + 12]), v6h = (R[off + 13] = X[xo + 13] ^ Y[yo + 13]),
    v7l = (R[off + 14] = X[xo + 14] ^ Y[yo + 14]), v7h = (R[off + 15] = X[xo + 15] ^ Y[yo + 15]),
    v8l = (R[off + 16] = X[xo + 16] ^ Y[yo + 16]), v8h = (R[off + 17] = X[xo + 17] ^ Y[yo + 17]),
    v9l = (R[off + 18] = X[xo + 18] ^ Y[yo + 18]), v9h = (R[off + 19] = X[xo + 19] ^ Y[yo + 19]),
    v10l = (R[off + 20] = X[xo + 20] ^ Y[yo + 20]), v10h = (R[off + 21] = X[xo + 21] ^ Y[yo + 21]),
    v11l = (R[off + 22] = X[xo + 22] ^ Y[yo + 22]), v11h = (R[off + 23] = X[xo + 23] ^ Y[yo + 23]),
    v12l = (R[off + 24] = X[xo + 24] ^ Y[yo + 24]), v12h = (R[off + 25] = X[xo + 25] ^ Y[yo + 25]),
    v13l = (R[off + 26] = X[xo + 26] ^ Y[yo + 26]), v13h = (R[off + 27] = X[xo + 27] ^ Y[yo + 27]),
    v14l = (R[off + 28] = X[xo + 28] ^ Y[yo + 28]), v14h = (R[off + 29] = X[xo + 29] ^ Y[yo + 29]),
    v15l = (R[off + 30] = X[xo + 30] ^ Y[yo + 30]), v15h = (R[off + 31] = X[xo + 31] ^ Y[yo + 31]);
  let ml = 0, mh = 0, lo = 0, xl = 0, xh = 0;
  // prettier-ignore
  {
    // GB(v_0, v_4, v_8, v_12)
    ml = Math.imul(v0l, v4l) << 1; lo = (v0l + v4l + ml) | 0;
    v0h = (v0h + v4h + ((((v0l >>> 0) * (v4l >>> 0) * 2 + (v0l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v12l ^ v0l; v12l = v12h ^ v0h; v12h = xl;
    ml = Math.imul(v8l, v12l) << 1; lo = (v8l + v12l + ml) | 0;
    v8h = (v8h + v12h + ((((v8l >>> 0) * (v12l >>> 0) * 2 + (v8l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v0l, v4l) << 1; lo = (v0l + v4l + ml) | 0;
    v0h = (v0h + v4h + ((((v0l >>> 0) * (v4l >>> 0) * 2 + (v0l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v12l ^ v0l; xh = v12h ^ v0h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v8l, v12l) << 1; lo = (v8l + v12l + ml) | 0;
    v8h = (v8h + v12h + ((((v8l >>> 0) * (v12l >>> 0) * 2 + (v8l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
    // GB(v_1, v_5, v_9, v_13)
    ml = Math.imul(v1l, v5l) << 1; lo = (v1l + v5l + ml) | 0;
    v1h = (v1h + v5h + ((((v1l >>> 0) * (v5l >>> 0) * 2 + (v1l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v13l ^ v1l; v13l = v13h ^ v1h; v13h = xl;
    ml = Math.imul(v9l, v13l) << 1; lo = (v9l + v13l + ml) | 0;
    v9h = (v9h + v13h + ((((v9l >>> 0) * (v13l >>> 0) * 2 + (v9l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v1l, v5l) << 1; lo = (v1l + v5l + ml) | 0;
    v1h = (v1h + v5h + ((((v1l >>> 0) * (v5l >>> 0) * 2 + (v1l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v13l ^ v1l; xh = v13h ^ v1h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v9l, v13l) << 1; lo = (v9l + v13l + ml) | 0;
    v9h = (v9h + v13h + ((((v9l >>> 0) * (v13l >>> 0) * 2 + (v9l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
    // GB(v_2, v_6, v_10, v_14)
    ml = Math.imul(v2l, v6l) << 1; lo = (v2l + v6l + ml) | 0;
    v2h = (v2h + v6h + ((((v2l >>> 0) * (v6l >>> 0) * 2 + (v2l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v14l ^ v2l; v14l = v14h ^ v2h; v14h = xl;
    ml = Math.imul(v10l, v14l) << 1; lo = (v10l + v14l + ml) | 0;
    v10h = (v10h + v14h + ((((v10l >>> 0) * (v14l >>> 0) * 2 + (v10l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v2l, v6l) << 1; lo = (v2l + v6l + ml) | 0;
    v2h = (v2h + v6h + ((((v2l >>> 0) * (v6l >>> 0) * 2 + (v2l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v14l ^ v2l; xh = v14h ^ v2h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v10l, v14l) << 1; lo = (v10l + v14l + ml) | 0;
    v10h = (v10h + v14h + ((((v10l >>> 0) * (v14l >>> 0) * 2 + (v10l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
    // GB(v_3, v_7, v_11, v_15)
    ml = Math.imul(v3l, v7l) << 1; lo = (v3l + v7l + ml) | 0;
    v3h = (v3h + v7h + ((((v3l >>> 0) * (v7l >>> 0) * 2 + (v3l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v15l ^ v3l; v15l = v15h ^ v3h; v15h = xl;
    ml = Math.imul(v11l, v15l) << 1; lo = (v11l + v15l + ml) | 0;
    v11h = (v11h + v15h + ((((v11l >>> 0) * (v15l >>> 0) * 2 + (v11l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v3l, v7l) << 1; lo = (v3l + v7l + ml) | 0;
    v3h = (v3h + v7h + ((((v3l >>> 0) * (v7l >>> 0) * 2 + (v3l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v15l ^ v3l; xh = v15h ^ v3h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v11l, v15l) << 1; lo = (v11l + v15l + ml) | 0;
    v11h = (v11h + v15h + ((((v11l >>> 0) * (v15l >>> 0) * 2 + (v11l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
    // GB(v_0, v_5, v_10, v_15)
    ml = Math.imul(v0l, v5l) << 1; lo = (v0l + v5l + ml) | 0;
    v0h = (v0h + v5h + ((((v0l >>> 0) * (v5l >>> 0) * 2 + (v0l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v15l ^ v0l; v15l = v15h ^ v0h; v15h = xl;
    ml = Math.imul(v10l, v15l) << 1; lo = (v10l + v15l + ml) | 0;
    v10h = (v10h + v15h + ((((v10l >>> 0) * (v15l >>> 0) * 2 + (v10l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v0l, v5l) << 1; lo = (v0l + v5l + ml) | 0;
    v0h = (v0h + v5h + ((((v0l >>> 0) * (v5l >>> 0) * 2 + (v0l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v15l ^ v0l; xh = v15h ^ v0h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v10l, v15l) << 1; lo = (v10l + v15l + ml) | 0;
    v10h = (v10h + v15h + ((((v10l >>> 0) * (v15l >>> 0) * 2 + (v10l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
    // GB(v_1, v_6, v_11, v_12)
    ml = Math.imul(v1l, v6l) << 1; lo = (v1l + v6l + ml) | 0;
    v1h = (v1h + v6h + ((((v1l >>> 0) * (v6l >>> 0) * 2 + (v1l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v12l ^ v1l; v12l = v12h ^ v1h; v12h = xl;
    ml = Math.imul(v11l, v12l) << 1; lo = (v11l + v12l + ml) | 0;
    v11h = (v11h + v12h + ((((v11l >>> 0) * (v12l >>> 0) * 2 + (v11l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v1l, v6l) << 1; lo = (v1l + v6l + ml) | 0;
    v1h = (v1h + v6h + ((((v1l >>> 0) * (v6l >>> 0) * 2 + (v1l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v12l ^ v1l; xh = v12h ^ v1h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v11l, v12l) << 1; lo = (v11l + v12l + ml) | 0;
    v11h = (v11h + v12h + ((((v11l >>> 0) * (v12l >>> 0) * 2 + (v11l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
    // GB(v_2, v_7, v_8, v_13)
    ml = Math.imul(v2l, v7l) << 1; lo = (v2l + v7l + ml) | 0;
    v2h = (v2h + v7h + ((((v2l >>> 0) * (v7l >>> 0) * 2 + (v2l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v13l ^ v2l; v13l = v13h ^ v2h; v13h = xl;
    ml = Math.imul(v8l, v13l) << 1; lo = (v8l + v13l + ml) | 0;
    v8h = (v8h + v13h + ((((v8l >>> 0) * (v13l >>> 0) * 2 + (v8l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v2l, v7l) << 1; lo = (v2l + v7l + ml) | 0;
    v2h = (v2h + v7h + ((((v2l >>> 0) * (v7l >>> 0) * 2 + (v2l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v13l ^ v2l; xh = v13h ^ v2h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v8l, v13l) << 1; lo = (v8l + v13l + ml) | 0;
    v8h = (v8h + v13h + ((((v8l >>> 0) * (v13l >>> 0) * 2 + (v8l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
    // GB(v_3, v_4, v_9, v_14)
    ml = Math.imul(v3l, v4l) << 1; lo = (v3l + v4l + ml) | 0;
    v3h = (v3h + v4h + ((((v3l >>> 0) * (v4l >>> 0) * 2 + (v3l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v14l ^ v3l; v14l = v14h ^ v3h; v14h = xl;
    ml = Math.imul(v9l, v14l) << 1; lo = (v9l + v14l + ml) | 0;
    v9h = (v9h + v14h + ((((v9l >>> 0) * (v14l >>> 0) * 2 + (v9l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v3l, v4l) << 1; lo = (v3l + v4l + ml) | 0;
    v3h = (v3h + v4h + ((((v3l >>> 0) * (v4l >>> 0) * 2 + (v3l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v14l ^ v3l; xh = v14h ^ v3h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v9l, v14l) << 1; lo = (v9l + v14l + ml) | 0;
    v9h = (v9h + v14h + ((((v9l >>> 0) * (v14l >>> 0) * 2 + (v9l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
  }
  // prettier-ignore
  {
    Q[off] = v0l; Q[off + 1] = v0h; Q[off + 2] = v1l; Q[off + 3] = v1h;
    Q[off + 4] = v2l; Q[off + 5] = v2h; Q[off + 6] = v3l; Q[off + 7] = v3h;
    Q[off + 8] = v4l; Q[off + 9] = v4h; Q[off + 10] = v5l; Q[off + 11] = v5h;
    Q[off + 12] = v6l; Q[off + 13] = v6h; Q[off + 14] = v7l; Q[off + 15] = v7h;
    Q[off + 16] = v8l; Q[off + 17] = v8h; Q[off + 18] = v9l; Q[off + 19] = v9h;
    Q[off + 20] = v10l; Q[off + 21] = v10h; Q[off + 22] = v11l; Q[off + 23] = v11h;
    Q[off + 24] = v12l; Q[off + 25] = v12h; Q[off + 26] = v13l; Q[off + 27] = v13h;
    Q[off + 28] = v14l; Q[off + 29] = v14h; Q[off + 30] = v15l; Q[off + 31] = v15h;
  }
}

/**
 * Column j of G (off = 4j): Z_col ← P(Q_col), then out_col ← Z_col ⊕ R_col (⊕ out_col).
 * Register R_{j+8k} is the words v_2k, v_2k+1 at off + 32k and off + 32k + 2.
 * RFC 9106 §3.5: (Z_j, Z_j+8, …, Z_j+56) ← P(Q_j, Q_j+8, …, Q_j+56); G outputs Z ⊕ R.
 */
function permuteColumn(out: Int32Array, o: number, xorInto: boolean, off: number): void {
  const oo = o + off;
  // prettier-ignore
  let
    v0l = Q[off], v0h = Q[off + 1], v1l = Q[off + 2], v1h = Q[off + 3],
    v2l = Q[off + 32], v2h = Q[off + 33], v3l = Q[off + 34], v3h = Q[off + 35],
    v4l = Q[off + 64], v4h = Q[off + 65], v5l = Q[off + 66], v5h = Q[off + 67],
    v6l = Q[off + 96], v6h = Q[off + 97], v7l = Q[off + 98], v7h = Q[off + 99],
    v8l = Q[off + 128], v8h = Q[off + 129], v9l = Q[off + 130], v9h = Q[off + 131],
    v10l = Q[off + 160], v10h = Q[off + 161], v11l = Q[off + 162], v11h = Q[off + 163],
    v12l = Q[off + 192], v12h = Q[off + 193], v13l = Q[off + 194], v13h = Q[off + 195],
    v14l = Q[off + 224], v14h = Q[off + 225], v15l = Q[off + 226], v15h = Q[off + 227];
  let ml = 0, mh = 0, lo = 0, xl = 0, xh = 0;
  // prettier-ignore
  {
    // GB(v_0, v_4, v_8, v_12)
    ml = Math.imul(v0l, v4l) << 1; lo = (v0l + v4l + ml) | 0;
    v0h = (v0h + v4h + ((((v0l >>> 0) * (v4l >>> 0) * 2 + (v0l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v12l ^ v0l; v12l = v12h ^ v0h; v12h = xl;
    ml = Math.imul(v8l, v12l) << 1; lo = (v8l + v12l + ml) | 0;
    v8h = (v8h + v12h + ((((v8l >>> 0) * (v12l >>> 0) * 2 + (v8l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v0l, v4l) << 1; lo = (v0l + v4l + ml) | 0;
    v0h = (v0h + v4h + ((((v0l >>> 0) * (v4l >>> 0) * 2 + (v0l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v12l ^ v0l; xh = v12h ^ v0h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v8l, v12l) << 1; lo = (v8l + v12l + ml) | 0;
    v8h = (v8h + v12h + ((((v8l >>> 0) * (v12l >>> 0) * 2 + (v8l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
    // GB(v_1, v_5, v_9, v_13)
    ml = Math.imul(v1l, v5l) << 1; lo = (v1l + v5l + ml) | 0;
    v1h = (v1h + v5h + ((((v1l >>> 0) * (v5l >>> 0) * 2 + (v1l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v13l ^ v1l; v13l = v13h ^ v1h; v13h = xl;
    ml = Math.imul(v9l, v13l) << 1; lo = (v9l + v13l + ml) | 0;
    v9h = (v9h + v13h + ((((v9l >>> 0) * (v13l >>> 0) * 2 + (v9l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v1l, v5l) << 1; lo = (v1l + v5l + ml) | 0;
    v1h = (v1h + v5h + ((((v1l >>> 0) * (v5l >>> 0) * 2 + (v1l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v13l ^ v1l; xh = v13h ^ v1h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v9l, v13l) << 1; lo = (v9l + v13l + ml) | 0;
    v9h = (v9h + v13h + ((((v9l >>> 0) * (v13l >>> 0) * 2 + (v9l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
    // GB(v_2, v_6, v_10, v_14)
    ml = Math.imul(v2l, v6l) << 1; lo = (v2l + v6l + ml) | 0;
    v2h = (v2h + v6h + ((((v2l >>> 0) * (v6l >>> 0) * 2 + (v2l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v14l ^ v2l; v14l = v14h ^ v2h; v14h = xl;
    ml = Math.imul(v10l, v14l) << 1; lo = (v10l + v14l + ml) | 0;
    v10h = (v10h + v14h + ((((v10l >>> 0) * (v14l >>> 0) * 2 + (v10l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v2l, v6l) << 1; lo = (v2l + v6l + ml) | 0;
    v2h = (v2h + v6h + ((((v2l >>> 0) * (v6l >>> 0) * 2 + (v2l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v14l ^ v2l; xh = v14h ^ v2h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v10l, v14l) << 1; lo = (v10l + v14l + ml) | 0;
    v10h = (v10h + v14h + ((((v10l >>> 0) * (v14l >>> 0) * 2 + (v10l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
    // GB(v_3, v_7, v_11, v_15)
    ml = Math.imul(v3l, v7l) << 1; lo = (v3l + v7l + ml) | 0;
    v3h = (v3h + v7h + ((((v3l >>> 0) * (v7l >>> 0) * 2 + (v3l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v15l ^ v3l; v15l = v15h ^ v3h; v15h = xl;
    ml = Math.imul(v11l, v15l) << 1; lo = (v11l + v15l + ml) | 0;
    v11h = (v11h + v15h + ((((v11l >>> 0) * (v15l >>> 0) * 2 + (v11l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v3l, v7l) << 1; lo = (v3l + v7l + ml) | 0;
    v3h = (v3h + v7h + ((((v3l >>> 0) * (v7l >>> 0) * 2 + (v3l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v15l ^ v3l; xh = v15h ^ v3h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v11l, v15l) << 1; lo = (v11l + v15l + ml) | 0;
    v11h = (v11h + v15h + ((((v11l >>> 0) * (v15l >>> 0) * 2 + (v11l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
    // GB(v_0, v_5, v_10, v_15)
    ml = Math.imul(v0l, v5l) << 1; lo = (v0l + v5l + ml) | 0;
    v0h = (v0h + v5h + ((((v0l >>> 0) * (v5l >>> 0) * 2 + (v0l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v15l ^ v0l; v15l = v15h ^ v0h; v15h = xl;
    ml = Math.imul(v10l, v15l) << 1; lo = (v10l + v15l + ml) | 0;
    v10h = (v10h + v15h + ((((v10l >>> 0) * (v15l >>> 0) * 2 + (v10l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v0l, v5l) << 1; lo = (v0l + v5l + ml) | 0;
    v0h = (v0h + v5h + ((((v0l >>> 0) * (v5l >>> 0) * 2 + (v0l >>> 0) + (v5l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v0l = lo;
    xl = v15l ^ v0l; xh = v15h ^ v0h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v10l, v15l) << 1; lo = (v10l + v15l + ml) | 0;
    v10h = (v10h + v15h + ((((v10l >>> 0) * (v15l >>> 0) * 2 + (v10l >>> 0) + (v15l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v10l = lo;
    xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
    // GB(v_1, v_6, v_11, v_12)
    ml = Math.imul(v1l, v6l) << 1; lo = (v1l + v6l + ml) | 0;
    v1h = (v1h + v6h + ((((v1l >>> 0) * (v6l >>> 0) * 2 + (v1l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v12l ^ v1l; v12l = v12h ^ v1h; v12h = xl;
    ml = Math.imul(v11l, v12l) << 1; lo = (v11l + v12l + ml) | 0;
    v11h = (v11h + v12h + ((((v11l >>> 0) * (v12l >>> 0) * 2 + (v11l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v1l, v6l) << 1; lo = (v1l + v6l + ml) | 0;
    v1h = (v1h + v6h + ((((v1l >>> 0) * (v6l >>> 0) * 2 + (v1l >>> 0) + (v6l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v1l = lo;
    xl = v12l ^ v1l; xh = v12h ^ v1h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v11l, v12l) << 1; lo = (v11l + v12l + ml) | 0;
    v11h = (v11h + v12h + ((((v11l >>> 0) * (v12l >>> 0) * 2 + (v11l >>> 0) + (v12l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v11l = lo;
    xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
    // GB(v_2, v_7, v_8, v_13)
    ml = Math.imul(v2l, v7l) << 1; lo = (v2l + v7l + ml) | 0;
    v2h = (v2h + v7h + ((((v2l >>> 0) * (v7l >>> 0) * 2 + (v2l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v13l ^ v2l; v13l = v13h ^ v2h; v13h = xl;
    ml = Math.imul(v8l, v13l) << 1; lo = (v8l + v13l + ml) | 0;
    v8h = (v8h + v13h + ((((v8l >>> 0) * (v13l >>> 0) * 2 + (v8l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v2l, v7l) << 1; lo = (v2l + v7l + ml) | 0;
    v2h = (v2h + v7h + ((((v2l >>> 0) * (v7l >>> 0) * 2 + (v2l >>> 0) + (v7l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v2l = lo;
    xl = v13l ^ v2l; xh = v13h ^ v2h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v8l, v13l) << 1; lo = (v8l + v13l + ml) | 0;
    v8h = (v8h + v13h + ((((v8l >>> 0) * (v13l >>> 0) * 2 + (v8l >>> 0) + (v13l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v8l = lo;
    xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
    // GB(v_3, v_4, v_9, v_14)
    ml = Math.imul(v3l, v4l) << 1; lo = (v3l + v4l + ml) | 0;
    v3h = (v3h + v4h + ((((v3l >>> 0) * (v4l >>> 0) * 2 + (v3l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v14l ^ v3l; v14l = v14h ^ v3h; v14h = xl;
    ml = Math.imul(v9l, v14l) << 1; lo = (v9l + v14l + ml) | 0;
    v9h = (v9h + v14h + ((((v9l >>> 0) * (v14l >>> 0) * 2 + (v9l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
    ml = Math.imul(v3l, v4l) << 1; lo = (v3l + v4l + ml) | 0;
    v3h = (v3h + v4h + ((((v3l >>> 0) * (v4l >>> 0) * 2 + (v3l >>> 0) + (v4l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v3l = lo;
    xl = v14l ^ v3l; xh = v14h ^ v3h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
    ml = Math.imul(v9l, v14l) << 1; lo = (v9l + v14l + ml) | 0;
    v9h = (v9h + v14h + ((((v9l >>> 0) * (v14l >>> 0) * 2 + (v9l >>> 0) + (v14l >>> 0) - (lo >>> 0)) / 0x100000000 + 0.5) | 0)) | 0;
    v9l = lo;
    xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
  }
  // prettier-ignore
  {
    if (xorInto) {
      out[oo] ^= v0l ^ R[off]; out[oo + 1] ^= v0h ^ R[off + 1];
      out[oo + 2] ^= v1l ^ R[off + 2]; out[oo + 3] ^= v1h ^ R[off + 3];
      out[oo + 32] ^= v2l ^ R[off + 32]; out[oo + 33] ^= v2h ^ R[off + 33];
      out[oo + 34] ^= v3l ^ R[off + 34]; out[oo + 35] ^= v3h ^ R[off + 35];
      out[oo + 64] ^= v4l ^ R[off + 64]; out[oo + 65] ^= v4h ^ R[off + 65];
      out[oo + 66] ^= v5l ^ R[off + 66]; out[oo + 67] ^= v5h ^ R[off + 67];
      out[oo + 96] ^= v6l ^ R[off + 96]; out[oo + 97] ^= v6h ^ R[off + 97];
      out[oo + 98] ^= v7l ^ R[off + 98]; out[oo + 99] ^= v7h ^ R[off + 99];
      out[oo + 128] ^= v8l ^ R[off + 128]; out[oo + 129] ^= v8h ^ R[off + 129];
      out[oo + 130] ^= v9l ^ R[off + 130]; out[oo + 131] ^= v9h ^ R[off + 131];
      out[oo + 160] ^= v10l ^ R[off + 160]; out[oo + 161] ^= v10h ^ R[off + 161];
      out[oo + 162] ^= v11l ^ R[off + 162]; out[oo + 163] ^= v11h ^ R[off + 163];
      out[oo + 192] ^= v12l ^ R[off + 192]; out[oo + 193] ^= v12h ^ R[off + 193];
      out[oo + 194] ^= v13l ^ R[off + 194]; out[oo + 195] ^= v13h ^ R[off + 195];
      out[oo + 224] ^= v14l ^ R[off + 224]; out[oo + 225] ^= v14h ^ R[off + 225];
      out[oo + 226] ^= v15l ^ R[off + 226]; out[oo + 227] ^= v15h ^ R[off + 227];
    } else {
      out[oo] = v0l ^ R[off]; out[oo + 1] = v0h ^ R[off + 1];
      out[oo + 2] = v1l ^ R[off + 2]; out[oo + 3] = v1h ^ R[off + 3];
      out[oo + 32] = v2l ^ R[off + 32]; out[oo + 33] = v2h ^ R[off + 33];
      out[oo + 34] = v3l ^ R[off + 34]; out[oo + 35] = v3h ^ R[off + 35];
      out[oo + 64] = v4l ^ R[off + 64]; out[oo + 65] = v4h ^ R[off + 65];
      out[oo + 66] = v5l ^ R[off + 66]; out[oo + 67] = v5h ^ R[off + 67];
      out[oo + 96] = v6l ^ R[off + 96]; out[oo + 97] = v6h ^ R[off + 97];
      out[oo + 98] = v7l ^ R[off + 98]; out[oo + 99] = v7h ^ R[off + 99];
      out[oo + 128] = v8l ^ R[off + 128]; out[oo + 129] = v8h ^ R[off + 129];
      out[oo + 130] = v9l ^ R[off + 130]; out[oo + 131] = v9h ^ R[off + 131];
      out[oo + 160] = v10l ^ R[off + 160]; out[oo + 161] = v10h ^ R[off + 161];
      out[oo + 162] = v11l ^ R[off + 162]; out[oo + 163] = v11h ^ R[off + 163];
      out[oo + 192] = v12l ^ R[off + 192]; out[oo + 193] = v12h ^ R[off + 193];
      out[oo + 194] = v13l ^ R[off + 194]; out[oo + 195] = v13h ^ R[off + 195];
      out[oo + 224] = v14l ^ R[off + 224]; out[oo + 225] = v14h ^ R[off + 225];
      out[oo + 226] = v15l ^ R[off + 226]; out[oo + 227] = v15h ^ R[off + 227];
    }
  }
}

/**
 * out[o, o + 256) ← G(X, Y), or G(X, Y) ⊕ out[o, o + 256) when `xorInto` (the passes after the
 * first, RFC 9106 §3.2 step 6 for version 0x13). X, Y and out are blocks at word offsets x, y, o
 * of their arrays; out may be the same array as X or Y but never the same block.
 * RFC 9106 §3.5 (Compression Function G): R = X ⊕ Y; P on each row of R's 8×8 registers gives Q;
 * P on each column of Q gives Z; output Z ⊕ R.
 */
export function compressG(
  out: Int32Array,
  o: number,
  X: Int32Array,
  x: number,
  Y: Int32Array,
  y: number,
  xorInto: boolean,
): void {
  for (let i = 0; i < 8; i++) permuteRow(X, x, Y, y, 32 * i);
  for (let j = 0; j < 8; j++) permuteColumn(out, o, xorInto, 4 * j);
}

/** Wipes the R/Q scratch, which holds the last block G saw (derived from the password). */
export function wipeScratch(): void {
  R.fill(0);
  Q.fill(0);
}
