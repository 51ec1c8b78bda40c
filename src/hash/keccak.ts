/**
 * Keccak-p[1600,24], the permutation under SHA-3 and SHAKE (the sponge is in sponge.ts).
 * NIST FIPS 202 (August 2015), SHA-3 Standard: §3.2 step mappings θ ρ π χ ι, §3.3
 * Keccak-p[b, nr].
 * State layout: 50 32-bit words, lane i = x + 5y as (lo = state[2i], hi = state[2i+1]); on a
 * little-endian host a Uint8Array view of the buffer is the FIPS 202 byte string (§3.1.2, B.1).
 * The permutation is unrolled over the 25 lanes and two rounds, with lane complementing in χ;
 * the loop form it must equal lives in test/reference/keccak.ts.
 * Side channels: a fixed sequence of 32-bit operations; no data-dependent branch or index.
 */

/** Number of rounds n_r of Keccak-p[1600, 24]. */
const NR = 24;

/**
 * The bit rc(t) of the round-constant LFSR, computed from its definition.
 * FIPS 202, Algorithm 5 (rc).
 */
function rc(t: number): number {
  if (t % 255 === 0) return 1; // t is a public loop counter
  let R = 1; // R ← 10000000, bit i of the integer is R[i]
  for (let i = 1; i <= t % 255; i++) {
    R <<= 1; // R ← 0 || R
    const r8 = (R >>> 8) & 1;
    R ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6); // R[0,4,5,6] ← R[0,4,5,6] ⊕ R[8]
    R &= 0xff; // R ← Trunc₈(R)
  }
  return R & 1;
}

/** Round constants RC for i_r = 0..23 as lo/hi halves (FIPS 202, Algorithm 6 steps 2–3). */
export const RC_LO = new Uint32Array(NR);
export const RC_HI = new Uint32Array(NR);
for (let ir = 0; ir < NR; ir++) {
  for (let j = 0; j <= 6; j++) {
    // RC[2^j − 1] ← rc(j + 7·i_r)
    const bit = 2 ** j - 1;
    if (rc(j + 7 * ir) === 0) continue;
    if (bit < 32) RC_LO[ir] |= 1 << bit;
    else RC_HI[ir] |= 1 << (bit - 32);
  }
}

/**
 * Applies Keccak-p[1600, 24] in place to 50 32-bit words (lane i = (lo, hi) at 2i, 2i+1).
 * FIPS 202, Algorithm 7 (Keccak-p[b, n_r]) with Rnd = ι ∘ χ ∘ π ∘ ρ ∘ θ (§3.3).
 * Differs from the spec text: θ's D is folded into the ρ/π load, and the ρ offsets of
 * Algorithm 2 are written as constant lo/hi shifts (see test/reference/keccak.ts).
 * Names: a{i}l / a{i}h are the low / high halves of lane i = x + 5y of A; c{x}, d{x} are θ's
 * C[x], D[x]; b{i} is lane i of B = π(ρ(θ(A))), which χ reads. Rotations by r < 32 shift each
 * half left by r and carry the top r bits of the other half; r ≥ 32 swaps halves first.
 * Lane complementing (Bertoni et al., "Keccak implementation overview" v3.2 §2.2): lanes 1, 2, 8,
 * 12, 17, 20 (i = x + 5y) are held complemented between load and store. θ, ρ, π and ι commute
 * with that; χ's per-lane formula then becomes B ⊕ (u ∧ v), B ⊕ (u ∨ v) or a form with one NOT,
 * chosen per lane so that the same six lanes come out complemented (the choice follows from which
 * B lanes arrive complemented). Same outputs; 10 NOTs per round instead of 50 (about 8% faster).
 * Two rounds per loop iteration, A → E then E → A (the XKCP "ping-pong" layout): the round text
 * appears twice, differing only in which set it reads and writes. Measured ≈24% faster per
 * permutation than one round per iteration on Node 20 (V8 keeps the 50 words in registers and
 * stack slots without shuffling them at every back edge); this file is longer than 400 lines
 * for that reason alone.
 */
export function keccakP1600(state: Uint32Array): void {
  let a0l = state[0], a0h = state[1];
  let a1l = ~state[2], a1h = ~state[3]; // complemented lane
  let a2l = ~state[4], a2h = ~state[5]; // complemented lane
  let a3l = state[6], a3h = state[7];
  let a4l = state[8], a4h = state[9];
  let a5l = state[10], a5h = state[11];
  let a6l = state[12], a6h = state[13];
  let a7l = state[14], a7h = state[15];
  let a8l = ~state[16], a8h = ~state[17]; // complemented lane
  let a9l = state[18], a9h = state[19];
  let a10l = state[20], a10h = state[21];
  let a11l = state[22], a11h = state[23];
  let a12l = ~state[24], a12h = ~state[25]; // complemented lane
  let a13l = state[26], a13h = state[27];
  let a14l = state[28], a14h = state[29];
  let a15l = state[30], a15h = state[31];
  let a16l = state[32], a16h = state[33];
  let a17l = ~state[34], a17h = ~state[35]; // complemented lane
  let a18l = state[36], a18h = state[37];
  let a19l = state[38], a19h = state[39];
  let a20l = ~state[40], a20h = ~state[41]; // complemented lane
  let a21l = state[42], a21h = state[43];
  let a22l = state[44], a22h = state[45];
  let a23l = state[46], a23h = state[47];
  let a24l = state[48], a24h = state[49];
  // E: the state between the two rounds of one loop iteration (A → E, then E → A), row by row.
  let e0l = 0, e0h = 0, e1l = 0, e1h = 0, e2l = 0, e2h = 0, e3l = 0, e3h = 0;
  let e4l = 0, e4h = 0, e5l = 0, e5h = 0, e6l = 0, e6h = 0, e7l = 0, e7h = 0;
  let e8l = 0, e8h = 0, e9l = 0, e9h = 0, e10l = 0, e10h = 0, e11l = 0, e11h = 0;
  let e12l = 0, e12h = 0, e13l = 0, e13h = 0, e14l = 0, e14h = 0, e15l = 0, e15h = 0;
  let e16l = 0, e16h = 0, e17l = 0, e17h = 0, e18l = 0, e18h = 0, e19l = 0, e19h = 0;
  let e20l = 0, e20h = 0, e21l = 0, e21h = 0, e22l = 0, e22h = 0, e23l = 0, e23h = 0;
  let e24l = 0, e24h = 0;
  for (let round = 0; round < NR; round += 2) {
    {
      // Round `round`, A → E (χ and ι write e).
      // θ: C[x] ← A[x,0] ⊕ A[x,1] ⊕ A[x,2] ⊕ A[x,3] ⊕ A[x,4]
      const c0l = a0l ^ a5l ^ a10l ^ a15l ^ a20l;
      const c0h = a0h ^ a5h ^ a10h ^ a15h ^ a20h;
      const c1l = a1l ^ a6l ^ a11l ^ a16l ^ a21l;
      const c1h = a1h ^ a6h ^ a11h ^ a16h ^ a21h;
      const c2l = a2l ^ a7l ^ a12l ^ a17l ^ a22l;
      const c2h = a2h ^ a7h ^ a12h ^ a17h ^ a22h;
      const c3l = a3l ^ a8l ^ a13l ^ a18l ^ a23l;
      const c3h = a3h ^ a8h ^ a13h ^ a18h ^ a23h;
      const c4l = a4l ^ a9l ^ a14l ^ a19l ^ a24l;
      const c4h = a4h ^ a9h ^ a14h ^ a19h ^ a24h;
      // θ: D[x] ← C[(x−1) mod 5] ⊕ ROT(C[(x+1) mod 5], 1)
      const d0l = c4l ^ ((c1l << 1) | (c1h >>> 31));
      const d0h = c4h ^ ((c1h << 1) | (c1l >>> 31));
      const d1l = c0l ^ ((c2l << 1) | (c2h >>> 31));
      const d1h = c0h ^ ((c2h << 1) | (c2l >>> 31));
      const d2l = c1l ^ ((c3l << 1) | (c3h >>> 31));
      const d2h = c1h ^ ((c3h << 1) | (c3l >>> 31));
      const d3l = c2l ^ ((c4l << 1) | (c4h >>> 31));
      const d3h = c2h ^ ((c4h << 1) | (c4l >>> 31));
      const d4l = c3l ^ ((c0l << 1) | (c0h >>> 31));
      const d4h = c3h ^ ((c0h << 1) | (c0l >>> 31));
      // θ, ρ, π: B[x,y] ← ROT(A[(x+3y) mod 5, x] ⊕ D[(x+3y) mod 5], r[(x+3y) mod 5, x])
      const b0l = a0l ^ d0l;
      const b0h = a0h ^ d0h;
      const t1l = a6l ^ d1l;
      const t1h = a6h ^ d1h;
      const b1l = (t1h << 12) | (t1l >>> 20);
      const b1h = (t1l << 12) | (t1h >>> 20);
      const t2l = a12l ^ d2l;
      const t2h = a12h ^ d2h;
      const b2l = (t2h << 11) | (t2l >>> 21);
      const b2h = (t2l << 11) | (t2h >>> 21);
      const t3l = a18l ^ d3l;
      const t3h = a18h ^ d3h;
      const b3l = (t3l << 21) | (t3h >>> 11);
      const b3h = (t3h << 21) | (t3l >>> 11);
      const t4l = a24l ^ d4l;
      const t4h = a24h ^ d4h;
      const b4l = (t4l << 14) | (t4h >>> 18);
      const b4h = (t4h << 14) | (t4l >>> 18);
      const t5l = a3l ^ d3l;
      const t5h = a3h ^ d3h;
      const b5l = (t5l << 28) | (t5h >>> 4);
      const b5h = (t5h << 28) | (t5l >>> 4);
      const t6l = a9l ^ d4l;
      const t6h = a9h ^ d4h;
      const b6l = (t6l << 20) | (t6h >>> 12);
      const b6h = (t6h << 20) | (t6l >>> 12);
      const t7l = a10l ^ d0l;
      const t7h = a10h ^ d0h;
      const b7l = (t7l << 3) | (t7h >>> 29);
      const b7h = (t7h << 3) | (t7l >>> 29);
      const t8l = a16l ^ d1l;
      const t8h = a16h ^ d1h;
      const b8l = (t8h << 13) | (t8l >>> 19);
      const b8h = (t8l << 13) | (t8h >>> 19);
      const t9l = a22l ^ d2l;
      const t9h = a22h ^ d2h;
      const b9l = (t9h << 29) | (t9l >>> 3);
      const b9h = (t9l << 29) | (t9h >>> 3);
      const t10l = a1l ^ d1l;
      const t10h = a1h ^ d1h;
      const b10l = (t10l << 1) | (t10h >>> 31);
      const b10h = (t10h << 1) | (t10l >>> 31);
      const t11l = a7l ^ d2l;
      const t11h = a7h ^ d2h;
      const b11l = (t11l << 6) | (t11h >>> 26);
      const b11h = (t11h << 6) | (t11l >>> 26);
      const t12l = a13l ^ d3l;
      const t12h = a13h ^ d3h;
      const b12l = (t12l << 25) | (t12h >>> 7);
      const b12h = (t12h << 25) | (t12l >>> 7);
      const t13l = a19l ^ d4l;
      const t13h = a19h ^ d4h;
      const b13l = (t13l << 8) | (t13h >>> 24);
      const b13h = (t13h << 8) | (t13l >>> 24);
      const t14l = a20l ^ d0l;
      const t14h = a20h ^ d0h;
      const b14l = (t14l << 18) | (t14h >>> 14);
      const b14h = (t14h << 18) | (t14l >>> 14);
      const t15l = a4l ^ d4l;
      const t15h = a4h ^ d4h;
      const b15l = (t15l << 27) | (t15h >>> 5);
      const b15h = (t15h << 27) | (t15l >>> 5);
      const t16l = a5l ^ d0l;
      const t16h = a5h ^ d0h;
      const b16l = (t16h << 4) | (t16l >>> 28);
      const b16h = (t16l << 4) | (t16h >>> 28);
      const t17l = a11l ^ d1l;
      const t17h = a11h ^ d1h;
      const b17l = (t17l << 10) | (t17h >>> 22);
      const b17h = (t17h << 10) | (t17l >>> 22);
      const t18l = a17l ^ d2l;
      const t18h = a17h ^ d2h;
      const b18l = (t18l << 15) | (t18h >>> 17);
      const b18h = (t18h << 15) | (t18l >>> 17);
      const t19l = a23l ^ d3l;
      const t19h = a23h ^ d3h;
      const b19l = (t19h << 24) | (t19l >>> 8);
      const b19h = (t19l << 24) | (t19h >>> 8);
      const t20l = a2l ^ d2l;
      const t20h = a2h ^ d2h;
      const b20l = (t20h << 30) | (t20l >>> 2);
      const b20h = (t20l << 30) | (t20h >>> 2);
      const t21l = a8l ^ d3l;
      const t21h = a8h ^ d3h;
      const b21l = (t21h << 23) | (t21l >>> 9);
      const b21h = (t21l << 23) | (t21h >>> 9);
      const t22l = a14l ^ d4l;
      const t22h = a14h ^ d4h;
      const b22l = (t22h << 7) | (t22l >>> 25);
      const b22h = (t22l << 7) | (t22h >>> 25);
      const t23l = a15l ^ d0l;
      const t23h = a15h ^ d0h;
      const b23l = (t23h << 9) | (t23l >>> 23);
      const b23h = (t23l << 9) | (t23h >>> 23);
      const t24l = a21l ^ d1l;
      const t24h = a21h ^ d1h;
      const b24l = (t24l << 2) | (t24h >>> 30);
      const b24h = (t24h << 2) | (t24l >>> 30);
      // χ: A[x,y] ← B[x,y] ⊕ (¬B[(x+1) mod 5, y] ∧ B[(x+2) mod 5, y]), on lane-complemented
      // values (see the function comment): per row one NOT instead of five.
      const n2l = ~b2l;
      e0l = b0l ^ (b1l | b2l);
      e1l = b1l ^ (n2l | b3l);
      e2l = b2l ^ (b3l & b4l);
      e3l = b3l ^ (b4l | b0l);
      e4l = b4l ^ (b0l & b1l);
      const n2h = ~b2h;
      e0h = b0h ^ (b1h | b2h);
      e1h = b1h ^ (n2h | b3h);
      e2h = b2h ^ (b3h & b4h);
      e3h = b3h ^ (b4h | b0h);
      e4h = b4h ^ (b0h & b1h);
      const n9l = ~b9l;
      e5l = b5l ^ (b6l | b7l);
      e6l = b6l ^ (b7l & b8l);
      e7l = b7l ^ (b8l | n9l);
      e8l = b8l ^ (b9l | b5l);
      e9l = b9l ^ (b5l & b6l);
      const n9h = ~b9h;
      e5h = b5h ^ (b6h | b7h);
      e6h = b6h ^ (b7h & b8h);
      e7h = b7h ^ (b8h | n9h);
      e8h = b8h ^ (b9h | b5h);
      e9h = b9h ^ (b5h & b6h);
      const n13l = ~b13l;
      e10l = b10l ^ (b11l | b12l);
      e11l = b11l ^ (b12l & b13l);
      e12l = b12l ^ (n13l & b14l);
      e13l = n13l ^ (b14l | b10l);
      e14l = b14l ^ (b10l & b11l);
      const n13h = ~b13h;
      e10h = b10h ^ (b11h | b12h);
      e11h = b11h ^ (b12h & b13h);
      e12h = b12h ^ (n13h & b14h);
      e13h = n13h ^ (b14h | b10h);
      e14h = b14h ^ (b10h & b11h);
      const n18l = ~b18l;
      e15l = b15l ^ (b16l & b17l);
      e16l = b16l ^ (b17l | b18l);
      e17l = b17l ^ (n18l | b19l);
      e18l = n18l ^ (b19l & b15l);
      e19l = b19l ^ (b15l | b16l);
      const n18h = ~b18h;
      e15h = b15h ^ (b16h & b17h);
      e16h = b16h ^ (b17h | b18h);
      e17h = b17h ^ (n18h | b19h);
      e18h = n18h ^ (b19h & b15h);
      e19h = b19h ^ (b15h | b16h);
      const n21l = ~b21l;
      e20l = b20l ^ (n21l & b22l);
      e21l = n21l ^ (b22l | b23l);
      e22l = b22l ^ (b23l & b24l);
      e23l = b23l ^ (b24l | b20l);
      e24l = b24l ^ (b20l & b21l);
      const n21h = ~b21h;
      e20h = b20h ^ (n21h & b22h);
      e21h = n21h ^ (b22h | b23h);
      e22h = b22h ^ (b23h & b24h);
      e23h = b23h ^ (b24h | b20h);
      e24h = b24h ^ (b20h & b21h);

      // ι: A[0,0] ← A[0,0] ⊕ RC
      e0l ^= RC_LO[round];
      e0h ^= RC_HI[round];
    }
    {
      // Round `round + 1`, the same text with E → A (θ, ρ, π read e; χ and ι write a).
      // θ: C[x] ← A[x,0] ⊕ A[x,1] ⊕ A[x,2] ⊕ A[x,3] ⊕ A[x,4]
      const c0l = e0l ^ e5l ^ e10l ^ e15l ^ e20l;
      const c0h = e0h ^ e5h ^ e10h ^ e15h ^ e20h;
      const c1l = e1l ^ e6l ^ e11l ^ e16l ^ e21l;
      const c1h = e1h ^ e6h ^ e11h ^ e16h ^ e21h;
      const c2l = e2l ^ e7l ^ e12l ^ e17l ^ e22l;
      const c2h = e2h ^ e7h ^ e12h ^ e17h ^ e22h;
      const c3l = e3l ^ e8l ^ e13l ^ e18l ^ e23l;
      const c3h = e3h ^ e8h ^ e13h ^ e18h ^ e23h;
      const c4l = e4l ^ e9l ^ e14l ^ e19l ^ e24l;
      const c4h = e4h ^ e9h ^ e14h ^ e19h ^ e24h;
      // θ: D[x] ← C[(x−1) mod 5] ⊕ ROT(C[(x+1) mod 5], 1)
      const d0l = c4l ^ ((c1l << 1) | (c1h >>> 31));
      const d0h = c4h ^ ((c1h << 1) | (c1l >>> 31));
      const d1l = c0l ^ ((c2l << 1) | (c2h >>> 31));
      const d1h = c0h ^ ((c2h << 1) | (c2l >>> 31));
      const d2l = c1l ^ ((c3l << 1) | (c3h >>> 31));
      const d2h = c1h ^ ((c3h << 1) | (c3l >>> 31));
      const d3l = c2l ^ ((c4l << 1) | (c4h >>> 31));
      const d3h = c2h ^ ((c4h << 1) | (c4l >>> 31));
      const d4l = c3l ^ ((c0l << 1) | (c0h >>> 31));
      const d4h = c3h ^ ((c0h << 1) | (c0l >>> 31));
      // θ, ρ, π: B[x,y] ← ROT(A[(x+3y) mod 5, x] ⊕ D[(x+3y) mod 5], r[(x+3y) mod 5, x])
      const b0l = e0l ^ d0l;
      const b0h = e0h ^ d0h;
      const t1l = e6l ^ d1l;
      const t1h = e6h ^ d1h;
      const b1l = (t1h << 12) | (t1l >>> 20);
      const b1h = (t1l << 12) | (t1h >>> 20);
      const t2l = e12l ^ d2l;
      const t2h = e12h ^ d2h;
      const b2l = (t2h << 11) | (t2l >>> 21);
      const b2h = (t2l << 11) | (t2h >>> 21);
      const t3l = e18l ^ d3l;
      const t3h = e18h ^ d3h;
      const b3l = (t3l << 21) | (t3h >>> 11);
      const b3h = (t3h << 21) | (t3l >>> 11);
      const t4l = e24l ^ d4l;
      const t4h = e24h ^ d4h;
      const b4l = (t4l << 14) | (t4h >>> 18);
      const b4h = (t4h << 14) | (t4l >>> 18);
      const t5l = e3l ^ d3l;
      const t5h = e3h ^ d3h;
      const b5l = (t5l << 28) | (t5h >>> 4);
      const b5h = (t5h << 28) | (t5l >>> 4);
      const t6l = e9l ^ d4l;
      const t6h = e9h ^ d4h;
      const b6l = (t6l << 20) | (t6h >>> 12);
      const b6h = (t6h << 20) | (t6l >>> 12);
      const t7l = e10l ^ d0l;
      const t7h = e10h ^ d0h;
      const b7l = (t7l << 3) | (t7h >>> 29);
      const b7h = (t7h << 3) | (t7l >>> 29);
      const t8l = e16l ^ d1l;
      const t8h = e16h ^ d1h;
      const b8l = (t8h << 13) | (t8l >>> 19);
      const b8h = (t8l << 13) | (t8h >>> 19);
      const t9l = e22l ^ d2l;
      const t9h = e22h ^ d2h;
      const b9l = (t9h << 29) | (t9l >>> 3);
      const b9h = (t9l << 29) | (t9h >>> 3);
      const t10l = e1l ^ d1l;
      const t10h = e1h ^ d1h;
      const b10l = (t10l << 1) | (t10h >>> 31);
      const b10h = (t10h << 1) | (t10l >>> 31);
      const t11l = e7l ^ d2l;
      const t11h = e7h ^ d2h;
      const b11l = (t11l << 6) | (t11h >>> 26);
      const b11h = (t11h << 6) | (t11l >>> 26);
      const t12l = e13l ^ d3l;
      const t12h = e13h ^ d3h;
      const b12l = (t12l << 25) | (t12h >>> 7);
      const b12h = (t12h << 25) | (t12l >>> 7);
      const t13l = e19l ^ d4l;
      const t13h = e19h ^ d4h;
      const b13l = (t13l << 8) | (t13h >>> 24);
      const b13h = (t13h << 8) | (t13l >>> 24);
      const t14l = e20l ^ d0l;
      const t14h = e20h ^ d0h;
      const b14l = (t14l << 18) | (t14h >>> 14);
      const b14h = (t14h << 18) | (t14l >>> 14);
      const t15l = e4l ^ d4l;
      const t15h = e4h ^ d4h;
      const b15l = (t15l << 27) | (t15h >>> 5);
      const b15h = (t15h << 27) | (t15l >>> 5);
      const t16l = e5l ^ d0l;
      const t16h = e5h ^ d0h;
      const b16l = (t16h << 4) | (t16l >>> 28);
      const b16h = (t16l << 4) | (t16h >>> 28);
      const t17l = e11l ^ d1l;
      const t17h = e11h ^ d1h;
      const b17l = (t17l << 10) | (t17h >>> 22);
      const b17h = (t17h << 10) | (t17l >>> 22);
      const t18l = e17l ^ d2l;
      const t18h = e17h ^ d2h;
      const b18l = (t18l << 15) | (t18h >>> 17);
      const b18h = (t18h << 15) | (t18l >>> 17);
      const t19l = e23l ^ d3l;
      const t19h = e23h ^ d3h;
      const b19l = (t19h << 24) | (t19l >>> 8);
      const b19h = (t19l << 24) | (t19h >>> 8);
      const t20l = e2l ^ d2l;
      const t20h = e2h ^ d2h;
      const b20l = (t20h << 30) | (t20l >>> 2);
      const b20h = (t20l << 30) | (t20h >>> 2);
      const t21l = e8l ^ d3l;
      const t21h = e8h ^ d3h;
      const b21l = (t21h << 23) | (t21l >>> 9);
      const b21h = (t21l << 23) | (t21h >>> 9);
      const t22l = e14l ^ d4l;
      const t22h = e14h ^ d4h;
      const b22l = (t22h << 7) | (t22l >>> 25);
      const b22h = (t22l << 7) | (t22h >>> 25);
      const t23l = e15l ^ d0l;
      const t23h = e15h ^ d0h;
      const b23l = (t23h << 9) | (t23l >>> 23);
      const b23h = (t23l << 9) | (t23h >>> 23);
      const t24l = e21l ^ d1l;
      const t24h = e21h ^ d1h;
      const b24l = (t24l << 2) | (t24h >>> 30);
      const b24h = (t24h << 2) | (t24l >>> 30);
      // χ: A[x,y] ← B[x,y] ⊕ (¬B[(x+1) mod 5, y] ∧ B[(x+2) mod 5, y]), on lane-complemented
      // values (see the function comment): per row one NOT instead of five.
      const n2l = ~b2l;
      a0l = b0l ^ (b1l | b2l);
      a1l = b1l ^ (n2l | b3l);
      a2l = b2l ^ (b3l & b4l);
      a3l = b3l ^ (b4l | b0l);
      a4l = b4l ^ (b0l & b1l);
      const n2h = ~b2h;
      a0h = b0h ^ (b1h | b2h);
      a1h = b1h ^ (n2h | b3h);
      a2h = b2h ^ (b3h & b4h);
      a3h = b3h ^ (b4h | b0h);
      a4h = b4h ^ (b0h & b1h);
      const n9l = ~b9l;
      a5l = b5l ^ (b6l | b7l);
      a6l = b6l ^ (b7l & b8l);
      a7l = b7l ^ (b8l | n9l);
      a8l = b8l ^ (b9l | b5l);
      a9l = b9l ^ (b5l & b6l);
      const n9h = ~b9h;
      a5h = b5h ^ (b6h | b7h);
      a6h = b6h ^ (b7h & b8h);
      a7h = b7h ^ (b8h | n9h);
      a8h = b8h ^ (b9h | b5h);
      a9h = b9h ^ (b5h & b6h);
      const n13l = ~b13l;
      a10l = b10l ^ (b11l | b12l);
      a11l = b11l ^ (b12l & b13l);
      a12l = b12l ^ (n13l & b14l);
      a13l = n13l ^ (b14l | b10l);
      a14l = b14l ^ (b10l & b11l);
      const n13h = ~b13h;
      a10h = b10h ^ (b11h | b12h);
      a11h = b11h ^ (b12h & b13h);
      a12h = b12h ^ (n13h & b14h);
      a13h = n13h ^ (b14h | b10h);
      a14h = b14h ^ (b10h & b11h);
      const n18l = ~b18l;
      a15l = b15l ^ (b16l & b17l);
      a16l = b16l ^ (b17l | b18l);
      a17l = b17l ^ (n18l | b19l);
      a18l = n18l ^ (b19l & b15l);
      a19l = b19l ^ (b15l | b16l);
      const n18h = ~b18h;
      a15h = b15h ^ (b16h & b17h);
      a16h = b16h ^ (b17h | b18h);
      a17h = b17h ^ (n18h | b19h);
      a18h = n18h ^ (b19h & b15h);
      a19h = b19h ^ (b15h | b16h);
      const n21l = ~b21l;
      a20l = b20l ^ (n21l & b22l);
      a21l = n21l ^ (b22l | b23l);
      a22l = b22l ^ (b23l & b24l);
      a23l = b23l ^ (b24l | b20l);
      a24l = b24l ^ (b20l & b21l);
      const n21h = ~b21h;
      a20h = b20h ^ (n21h & b22h);
      a21h = n21h ^ (b22h | b23h);
      a22h = b22h ^ (b23h & b24h);
      a23h = b23h ^ (b24h | b20h);
      a24h = b24h ^ (b20h & b21h);

      // ι: A[0,0] ← A[0,0] ⊕ RC
      a0l ^= RC_LO[round + 1];
      a0h ^= RC_HI[round + 1];
    }
  }
  state[0] = a0l;
  state[1] = a0h;
  state[2] = ~a1l;
  state[3] = ~a1h;
  state[4] = ~a2l;
  state[5] = ~a2h;
  state[6] = a3l;
  state[7] = a3h;
  state[8] = a4l;
  state[9] = a4h;
  state[10] = a5l;
  state[11] = a5h;
  state[12] = a6l;
  state[13] = a6h;
  state[14] = a7l;
  state[15] = a7h;
  state[16] = ~a8l;
  state[17] = ~a8h;
  state[18] = a9l;
  state[19] = a9h;
  state[20] = a10l;
  state[21] = a10h;
  state[22] = a11l;
  state[23] = a11h;
  state[24] = ~a12l;
  state[25] = ~a12h;
  state[26] = a13l;
  state[27] = a13h;
  state[28] = a14l;
  state[29] = a14h;
  state[30] = a15l;
  state[31] = a15h;
  state[32] = a16l;
  state[33] = a16h;
  state[34] = ~a17l;
  state[35] = ~a17h;
  state[36] = a18l;
  state[37] = a18h;
  state[38] = a19l;
  state[39] = a19h;
  state[40] = ~a20l;
  state[41] = ~a20h;
  state[42] = a21l;
  state[43] = a21h;
  state[44] = a22l;
  state[45] = a22h;
  state[46] = a23l;
  state[47] = a23h;
  state[48] = a24l;
  state[49] = a24h;
}
