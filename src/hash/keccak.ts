/**
 * Keccak-p[1600,24], the permutation under SHA-3 and SHAKE (the sponge is in sponge.ts).
 * NIST FIPS 202 (August 2015), SHA-3 Standard: §3.2 step mappings θ ρ π χ ι, §3.3
 * Keccak-p[b, nr].
 * Two state layouts, 50 32-bit words each, lane i = x + 5y at words 2i, 2i+1:
 * - standard (`keccakP1600`): (lo, hi) = bits 0–31 and 32–63 of the lane; on a little-endian
 *   host a Uint8Array view of the buffer is the FIPS 202 byte string (§3.1.2, B.1);
 * - bit-interleaved (`keccakP1600Interleaved`, what the sponges keep between calls): (ev, od) =
 *   the lane's even bits 0, 2, …, 62 and odd bits 1, 3, …, 63, each packed into one word
 *   (Bertoni et al., "Keccak implementation overview" v3.2 §2.1). A 64-bit rotation is then two
 *   32-bit rotations, which V8 compiles to one `ror` each, instead of four shifts and two ORs.
 *   `xorLanes` / `extractLanes` convert the rate part of a block at the sponge boundary.
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
 * Gathers the even bits of a 32-bit word into its low 16 bits and the odd bits into its high 16
 * bits, keeping their order: four delta swaps (exchanges of bit groups at distance 1, 2, 4, 8).
 */
function unzip(x: number): number {
  let t = (x ^ (x >>> 1)) & 0x22222222;
  x ^= t ^ (t << 1);
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c;
  x ^= t ^ (t << 2);
  t = (x ^ (x >>> 4)) & 0x00f000f0;
  x ^= t ^ (t << 4);
  t = (x ^ (x >>> 8)) & 0x0000ff00;
  return x ^ t ^ (t << 8);
}

/** The inverse of `unzip`: the same delta swaps in reverse order. */
function zip(x: number): number {
  let t = (x ^ (x >>> 8)) & 0x0000ff00;
  x ^= t ^ (t << 8);
  t = (x ^ (x >>> 4)) & 0x00f000f0;
  x ^= t ^ (t << 4);
  t = (x ^ (x >>> 2)) & 0x0c0c0c0c;
  x ^= t ^ (t << 2);
  t = (x ^ (x >>> 1)) & 0x22222222;
  return x ^ t ^ (t << 1);
}

/**
 * XORs lanes 0 … nLanes−1 given in the standard layout (`words[from + 2i]` = lo,
 * `words[from + 2i + 1]` = hi; on a little-endian host, the bytes of a block) into an interleaved
 * state. The absorbing step S ⊕ (P_i ‖ 0^c) of FIPS 202 Algorithm 8 for the first 8·nLanes bytes
 * of a block.
 */
export function xorLanes(state: Uint32Array, words: Uint32Array, nLanes: number, from = 0): void {
  for (let i = 0; i < 2 * nLanes; i += 2) {
    // `| 0`: a Uint32Array element ≥ 2³¹ passed as it is would be boxed as a heap number when
    // unzip is not inlined (garbage on every call); as int32 it is the same 32 bits.
    const lo = unzip(words[from + i] | 0);
    const hi = unzip(words[from + i + 1] | 0);
    state[i] ^= (lo & 0xffff) | (hi << 16); // even bits: 0..30 of lo, then of hi
    state[i + 1] ^= (lo >>> 16) | (hi & 0xffff0000); // odd bits
  }
}

/**
 * Writes lanes 0 … nLanes−1 of an interleaved state to `words` in the standard layout: the
 * first 8·nLanes bytes of the output block Trunc_r(S) (FIPS 202 Algorithm 8, step 8).
 */
export function extractLanes(state: Uint32Array, words: Uint32Array, nLanes: number): void {
  for (let i = 0; i < 2 * nLanes; i += 2) {
    const ev = state[i];
    const od = state[i + 1];
    words[i] = zip((ev & 0xffff) | (od << 16));
    words[i + 1] = zip((ev >>> 16) | (od & 0xffff0000));
  }
}

/** RC in the interleaved layout (even bits, odd bits), for ι. */
const RC_EV = new Uint32Array(NR);
const RC_OD = new Uint32Array(NR);
{
  const rcState = new Uint32Array(2);
  for (let ir = 0; ir < NR; ir++) {
    const lane = Uint32Array.of(RC_LO[ir], RC_HI[ir]);
    rcState.fill(0);
    xorLanes(rcState, lane, 1);
    RC_EV[ir] = rcState[0];
    RC_OD[ir] = rcState[1];
  }
}

/**
 * Applies Keccak-p[1600, 24] in place to a state in the standard layout (lane i = (lo, hi) at
 * 2i, 2i+1): converts it to the interleaved layout, permutes, converts back. The sponges keep
 * their state interleaved and call `keccakP1600Interleaved` directly.
 */
export function keccakP1600(state: Uint32Array): void {
  for (let i = 0; i < 50; i += 2) {
    const lo = unzip(state[i]);
    const hi = unzip(state[i + 1]);
    state[i] = (lo & 0xffff) | (hi << 16);
    state[i + 1] = (lo >>> 16) | (hi & 0xffff0000);
  }
  keccakP1600Interleaved(state);
  extractLanes(state, state, 25);
}

/**
 * Applies Keccak-p[1600, 24] in place to 50 words in the interleaved layout (lane i = (even
 * bits, odd bits) at 2i, 2i+1). FIPS 202, Algorithm 7 (Keccak-p[b, n_r]) with
 * Rnd = ι ∘ χ ∘ π ∘ ρ ∘ θ (§3.3).
 * Differs from the spec text: θ's D is folded into the ρ/π load, and the ρ offsets of
 * Algorithm 2 are written as constant 32-bit rotations (see test/reference/keccak.ts).
 * Names: a{i}ev / a{i}od are the even / odd halves of lane i = x + 5y of A; c{x}, d{x} are θ's
 * C[x], D[x]; b{i} is lane i of B = π(ρ(θ(A))), which χ reads. A rotation by r = 2k rotates
 * both halves by k; by r = 2k + 1 it takes the odd half rotated by k + 1 as the even half and
 * the even half rotated by k as the odd half.
 * Lane complementing (Bertoni et al., "Keccak implementation overview" v3.2 §2.2): lanes 1, 2, 8,
 * 12, 17, 20 (i = x + 5y) are held complemented between load and store. θ, ρ, π and ι commute
 * with that; χ's per-lane formula then becomes B ⊕ (u ∧ v), B ⊕ (u ∨ v) or a form with one NOT,
 * chosen per lane so that the same six lanes come out complemented (the choice follows from which
 * B lanes arrive complemented). Same outputs; 10 NOTs per round instead of 50.
 * Two rounds per loop iteration, A → E then E → A (the XKCP "ping-pong" layout): the round text
 * appears twice, differing only in which set it reads and writes (V8 keeps the 50 words in
 * registers and stack slots without shuffling them at every back edge); this file is longer than
 * 400 lines for that reason alone. Measured: the interleaved form takes about 0.6 of the time of
 * the same code on (lo, hi) halves (bench/results/2026-12-03-speed.md).
 */
export function keccakP1600Interleaved(state: Uint32Array): void {
  let a0ev = state[0], a0od = state[1];
  let a1ev = ~state[2], a1od = ~state[3]; // complemented lane
  let a2ev = ~state[4], a2od = ~state[5]; // complemented lane
  let a3ev = state[6], a3od = state[7];
  let a4ev = state[8], a4od = state[9];
  let a5ev = state[10], a5od = state[11];
  let a6ev = state[12], a6od = state[13];
  let a7ev = state[14], a7od = state[15];
  let a8ev = ~state[16], a8od = ~state[17]; // complemented lane
  let a9ev = state[18], a9od = state[19];
  let a10ev = state[20], a10od = state[21];
  let a11ev = state[22], a11od = state[23];
  let a12ev = ~state[24], a12od = ~state[25]; // complemented lane
  let a13ev = state[26], a13od = state[27];
  let a14ev = state[28], a14od = state[29];
  let a15ev = state[30], a15od = state[31];
  let a16ev = state[32], a16od = state[33];
  let a17ev = ~state[34], a17od = ~state[35]; // complemented lane
  let a18ev = state[36], a18od = state[37];
  let a19ev = state[38], a19od = state[39];
  let a20ev = ~state[40], a20od = ~state[41]; // complemented lane
  let a21ev = state[42], a21od = state[43];
  let a22ev = state[44], a22od = state[45];
  let a23ev = state[46], a23od = state[47];
  let a24ev = state[48], a24od = state[49];
  // E: the state between the two rounds of one loop iteration (A → E, then E → A).
  let e0ev = 0, e0od = 0, e1ev = 0, e1od = 0, e2ev = 0, e2od = 0, e3ev = 0, e3od = 0;
  let e4ev = 0, e4od = 0, e5ev = 0, e5od = 0, e6ev = 0, e6od = 0, e7ev = 0, e7od = 0;
  let e8ev = 0, e8od = 0, e9ev = 0, e9od = 0, e10ev = 0, e10od = 0, e11ev = 0, e11od = 0;
  let e12ev = 0, e12od = 0, e13ev = 0, e13od = 0, e14ev = 0, e14od = 0, e15ev = 0, e15od = 0;
  let e16ev = 0, e16od = 0, e17ev = 0, e17od = 0, e18ev = 0, e18od = 0, e19ev = 0, e19od = 0;
  let e20ev = 0, e20od = 0, e21ev = 0, e21od = 0, e22ev = 0, e22od = 0, e23ev = 0, e23od = 0;
  let e24ev = 0, e24od = 0;
  for (let round = 0; round < NR; round += 2) {
    {
      // Round `round`, A → E (χ and ι write e).
      // θ: C[x] ← A[x,0] ⊕ A[x,1] ⊕ A[x,2] ⊕ A[x,3] ⊕ A[x,4]
      const c0ev = a0ev ^ a5ev ^ a10ev ^ a15ev ^ a20ev;
      const c0od = a0od ^ a5od ^ a10od ^ a15od ^ a20od;
      const c1ev = a1ev ^ a6ev ^ a11ev ^ a16ev ^ a21ev;
      const c1od = a1od ^ a6od ^ a11od ^ a16od ^ a21od;
      const c2ev = a2ev ^ a7ev ^ a12ev ^ a17ev ^ a22ev;
      const c2od = a2od ^ a7od ^ a12od ^ a17od ^ a22od;
      const c3ev = a3ev ^ a8ev ^ a13ev ^ a18ev ^ a23ev;
      const c3od = a3od ^ a8od ^ a13od ^ a18od ^ a23od;
      const c4ev = a4ev ^ a9ev ^ a14ev ^ a19ev ^ a24ev;
      const c4od = a4od ^ a9od ^ a14od ^ a19od ^ a24od;
      // θ: D[x] ← C[(x−1) mod 5] ⊕ ROT(C[(x+1) mod 5], 1); ROT by 1 moves odd bits to even
      // (rotated by 1) and even bits to odd
      const d0ev = c4ev ^ ((c1od << 1) | (c1od >>> 31));
      const d0od = c4od ^ c1ev;
      const d1ev = c0ev ^ ((c2od << 1) | (c2od >>> 31));
      const d1od = c0od ^ c2ev;
      const d2ev = c1ev ^ ((c3od << 1) | (c3od >>> 31));
      const d2od = c1od ^ c3ev;
      const d3ev = c2ev ^ ((c4od << 1) | (c4od >>> 31));
      const d3od = c2od ^ c4ev;
      const d4ev = c3ev ^ ((c0od << 1) | (c0od >>> 31));
      const d4od = c3od ^ c0ev;
      // θ, ρ, π: B[x,y] ← ROT(A[(x+3y) mod 5, x] ⊕ D[(x+3y) mod 5], r[(x+3y) mod 5, x]);
      // ROT by 2k rotates both halves by k; by 2k + 1 it swaps them (odd → even rotated by k + 1,
      // even → odd rotated by k)
      const b0ev = a0ev ^ d0ev;
      const b0od = a0od ^ d0od;
      const t1ev = a6ev ^ d1ev;
      const t1od = a6od ^ d1od;
      const b1ev = (t1ev << 22) | (t1ev >>> 10);
      const b1od = (t1od << 22) | (t1od >>> 10);
      const t2ev = a12ev ^ d2ev;
      const t2od = a12od ^ d2od;
      const b2ev = (t2od << 22) | (t2od >>> 10);
      const b2od = (t2ev << 21) | (t2ev >>> 11);
      const t3ev = a18ev ^ d3ev;
      const t3od = a18od ^ d3od;
      const b3ev = (t3od << 11) | (t3od >>> 21);
      const b3od = (t3ev << 10) | (t3ev >>> 22);
      const t4ev = a24ev ^ d4ev;
      const t4od = a24od ^ d4od;
      const b4ev = (t4ev << 7) | (t4ev >>> 25);
      const b4od = (t4od << 7) | (t4od >>> 25);
      const t5ev = a3ev ^ d3ev;
      const t5od = a3od ^ d3od;
      const b5ev = (t5ev << 14) | (t5ev >>> 18);
      const b5od = (t5od << 14) | (t5od >>> 18);
      const t6ev = a9ev ^ d4ev;
      const t6od = a9od ^ d4od;
      const b6ev = (t6ev << 10) | (t6ev >>> 22);
      const b6od = (t6od << 10) | (t6od >>> 22);
      const t7ev = a10ev ^ d0ev;
      const t7od = a10od ^ d0od;
      const b7ev = (t7od << 2) | (t7od >>> 30);
      const b7od = (t7ev << 1) | (t7ev >>> 31);
      const t8ev = a16ev ^ d1ev;
      const t8od = a16od ^ d1od;
      const b8ev = (t8od << 23) | (t8od >>> 9);
      const b8od = (t8ev << 22) | (t8ev >>> 10);
      const t9ev = a22ev ^ d2ev;
      const t9od = a22od ^ d2od;
      const b9ev = (t9od << 31) | (t9od >>> 1);
      const b9od = (t9ev << 30) | (t9ev >>> 2);
      const t10ev = a1ev ^ d1ev;
      const t10od = a1od ^ d1od;
      const b10ev = (t10od << 1) | (t10od >>> 31);
      const b10od = t10ev;
      const t11ev = a7ev ^ d2ev;
      const t11od = a7od ^ d2od;
      const b11ev = (t11ev << 3) | (t11ev >>> 29);
      const b11od = (t11od << 3) | (t11od >>> 29);
      const t12ev = a13ev ^ d3ev;
      const t12od = a13od ^ d3od;
      const b12ev = (t12od << 13) | (t12od >>> 19);
      const b12od = (t12ev << 12) | (t12ev >>> 20);
      const t13ev = a19ev ^ d4ev;
      const t13od = a19od ^ d4od;
      const b13ev = (t13ev << 4) | (t13ev >>> 28);
      const b13od = (t13od << 4) | (t13od >>> 28);
      const t14ev = a20ev ^ d0ev;
      const t14od = a20od ^ d0od;
      const b14ev = (t14ev << 9) | (t14ev >>> 23);
      const b14od = (t14od << 9) | (t14od >>> 23);
      const t15ev = a4ev ^ d4ev;
      const t15od = a4od ^ d4od;
      const b15ev = (t15od << 14) | (t15od >>> 18);
      const b15od = (t15ev << 13) | (t15ev >>> 19);
      const t16ev = a5ev ^ d0ev;
      const t16od = a5od ^ d0od;
      const b16ev = (t16ev << 18) | (t16ev >>> 14);
      const b16od = (t16od << 18) | (t16od >>> 14);
      const t17ev = a11ev ^ d1ev;
      const t17od = a11od ^ d1od;
      const b17ev = (t17ev << 5) | (t17ev >>> 27);
      const b17od = (t17od << 5) | (t17od >>> 27);
      const t18ev = a17ev ^ d2ev;
      const t18od = a17od ^ d2od;
      const b18ev = (t18od << 8) | (t18od >>> 24);
      const b18od = (t18ev << 7) | (t18ev >>> 25);
      const t19ev = a23ev ^ d3ev;
      const t19od = a23od ^ d3od;
      const b19ev = (t19ev << 28) | (t19ev >>> 4);
      const b19od = (t19od << 28) | (t19od >>> 4);
      const t20ev = a2ev ^ d2ev;
      const t20od = a2od ^ d2od;
      const b20ev = (t20ev << 31) | (t20ev >>> 1);
      const b20od = (t20od << 31) | (t20od >>> 1);
      const t21ev = a8ev ^ d3ev;
      const t21od = a8od ^ d3od;
      const b21ev = (t21od << 28) | (t21od >>> 4);
      const b21od = (t21ev << 27) | (t21ev >>> 5);
      const t22ev = a14ev ^ d4ev;
      const t22od = a14od ^ d4od;
      const b22ev = (t22od << 20) | (t22od >>> 12);
      const b22od = (t22ev << 19) | (t22ev >>> 13);
      const t23ev = a15ev ^ d0ev;
      const t23od = a15od ^ d0od;
      const b23ev = (t23od << 21) | (t23od >>> 11);
      const b23od = (t23ev << 20) | (t23ev >>> 12);
      const t24ev = a21ev ^ d1ev;
      const t24od = a21od ^ d1od;
      const b24ev = (t24ev << 1) | (t24ev >>> 31);
      const b24od = (t24od << 1) | (t24od >>> 31);
      // χ: A[x,y] ← B[x,y] ⊕ (¬B[(x+1) mod 5, y] ∧ B[(x+2) mod 5, y]), on lane-complemented
      // values (see the function comment): per row one NOT instead of five.
      const n2ev = ~b2ev;
      e0ev = b0ev ^ (b1ev | b2ev);
      e1ev = b1ev ^ (n2ev | b3ev);
      e2ev = b2ev ^ (b3ev & b4ev);
      e3ev = b3ev ^ (b4ev | b0ev);
      e4ev = b4ev ^ (b0ev & b1ev);
      const n2od = ~b2od;
      e0od = b0od ^ (b1od | b2od);
      e1od = b1od ^ (n2od | b3od);
      e2od = b2od ^ (b3od & b4od);
      e3od = b3od ^ (b4od | b0od);
      e4od = b4od ^ (b0od & b1od);
      const n9ev = ~b9ev;
      e5ev = b5ev ^ (b6ev | b7ev);
      e6ev = b6ev ^ (b7ev & b8ev);
      e7ev = b7ev ^ (b8ev | n9ev);
      e8ev = b8ev ^ (b9ev | b5ev);
      e9ev = b9ev ^ (b5ev & b6ev);
      const n9od = ~b9od;
      e5od = b5od ^ (b6od | b7od);
      e6od = b6od ^ (b7od & b8od);
      e7od = b7od ^ (b8od | n9od);
      e8od = b8od ^ (b9od | b5od);
      e9od = b9od ^ (b5od & b6od);
      const n13ev = ~b13ev;
      e10ev = b10ev ^ (b11ev | b12ev);
      e11ev = b11ev ^ (b12ev & b13ev);
      e12ev = b12ev ^ (n13ev & b14ev);
      e13ev = n13ev ^ (b14ev | b10ev);
      e14ev = b14ev ^ (b10ev & b11ev);
      const n13od = ~b13od;
      e10od = b10od ^ (b11od | b12od);
      e11od = b11od ^ (b12od & b13od);
      e12od = b12od ^ (n13od & b14od);
      e13od = n13od ^ (b14od | b10od);
      e14od = b14od ^ (b10od & b11od);
      const n18ev = ~b18ev;
      e15ev = b15ev ^ (b16ev & b17ev);
      e16ev = b16ev ^ (b17ev | b18ev);
      e17ev = b17ev ^ (n18ev | b19ev);
      e18ev = n18ev ^ (b19ev & b15ev);
      e19ev = b19ev ^ (b15ev | b16ev);
      const n18od = ~b18od;
      e15od = b15od ^ (b16od & b17od);
      e16od = b16od ^ (b17od | b18od);
      e17od = b17od ^ (n18od | b19od);
      e18od = n18od ^ (b19od & b15od);
      e19od = b19od ^ (b15od | b16od);
      const n21ev = ~b21ev;
      e20ev = b20ev ^ (n21ev & b22ev);
      e21ev = n21ev ^ (b22ev | b23ev);
      e22ev = b22ev ^ (b23ev & b24ev);
      e23ev = b23ev ^ (b24ev | b20ev);
      e24ev = b24ev ^ (b20ev & b21ev);
      const n21od = ~b21od;
      e20od = b20od ^ (n21od & b22od);
      e21od = n21od ^ (b22od | b23od);
      e22od = b22od ^ (b23od & b24od);
      e23od = b23od ^ (b24od | b20od);
      e24od = b24od ^ (b20od & b21od);
      // ι: A[0,0] ← A[0,0] ⊕ RC (interleaved)
      e0ev ^= RC_EV[round];
      e0od ^= RC_OD[round];
    }
    {
      // Round `round + 1`, the same text with E → A (θ, ρ, π read e; χ and ι write a).
      // θ: C[x] ← A[x,0] ⊕ A[x,1] ⊕ A[x,2] ⊕ A[x,3] ⊕ A[x,4]
      const c0ev = e0ev ^ e5ev ^ e10ev ^ e15ev ^ e20ev;
      const c0od = e0od ^ e5od ^ e10od ^ e15od ^ e20od;
      const c1ev = e1ev ^ e6ev ^ e11ev ^ e16ev ^ e21ev;
      const c1od = e1od ^ e6od ^ e11od ^ e16od ^ e21od;
      const c2ev = e2ev ^ e7ev ^ e12ev ^ e17ev ^ e22ev;
      const c2od = e2od ^ e7od ^ e12od ^ e17od ^ e22od;
      const c3ev = e3ev ^ e8ev ^ e13ev ^ e18ev ^ e23ev;
      const c3od = e3od ^ e8od ^ e13od ^ e18od ^ e23od;
      const c4ev = e4ev ^ e9ev ^ e14ev ^ e19ev ^ e24ev;
      const c4od = e4od ^ e9od ^ e14od ^ e19od ^ e24od;
      // θ: D[x] ← C[(x−1) mod 5] ⊕ ROT(C[(x+1) mod 5], 1); ROT by 1 moves odd bits to even
      // (rotated by 1) and even bits to odd
      const d0ev = c4ev ^ ((c1od << 1) | (c1od >>> 31));
      const d0od = c4od ^ c1ev;
      const d1ev = c0ev ^ ((c2od << 1) | (c2od >>> 31));
      const d1od = c0od ^ c2ev;
      const d2ev = c1ev ^ ((c3od << 1) | (c3od >>> 31));
      const d2od = c1od ^ c3ev;
      const d3ev = c2ev ^ ((c4od << 1) | (c4od >>> 31));
      const d3od = c2od ^ c4ev;
      const d4ev = c3ev ^ ((c0od << 1) | (c0od >>> 31));
      const d4od = c3od ^ c0ev;
      // θ, ρ, π: B[x,y] ← ROT(A[(x+3y) mod 5, x] ⊕ D[(x+3y) mod 5], r[(x+3y) mod 5, x]);
      // ROT by 2k rotates both halves by k; by 2k + 1 it swaps them (odd → even rotated by k + 1,
      // even → odd rotated by k)
      const b0ev = e0ev ^ d0ev;
      const b0od = e0od ^ d0od;
      const t1ev = e6ev ^ d1ev;
      const t1od = e6od ^ d1od;
      const b1ev = (t1ev << 22) | (t1ev >>> 10);
      const b1od = (t1od << 22) | (t1od >>> 10);
      const t2ev = e12ev ^ d2ev;
      const t2od = e12od ^ d2od;
      const b2ev = (t2od << 22) | (t2od >>> 10);
      const b2od = (t2ev << 21) | (t2ev >>> 11);
      const t3ev = e18ev ^ d3ev;
      const t3od = e18od ^ d3od;
      const b3ev = (t3od << 11) | (t3od >>> 21);
      const b3od = (t3ev << 10) | (t3ev >>> 22);
      const t4ev = e24ev ^ d4ev;
      const t4od = e24od ^ d4od;
      const b4ev = (t4ev << 7) | (t4ev >>> 25);
      const b4od = (t4od << 7) | (t4od >>> 25);
      const t5ev = e3ev ^ d3ev;
      const t5od = e3od ^ d3od;
      const b5ev = (t5ev << 14) | (t5ev >>> 18);
      const b5od = (t5od << 14) | (t5od >>> 18);
      const t6ev = e9ev ^ d4ev;
      const t6od = e9od ^ d4od;
      const b6ev = (t6ev << 10) | (t6ev >>> 22);
      const b6od = (t6od << 10) | (t6od >>> 22);
      const t7ev = e10ev ^ d0ev;
      const t7od = e10od ^ d0od;
      const b7ev = (t7od << 2) | (t7od >>> 30);
      const b7od = (t7ev << 1) | (t7ev >>> 31);
      const t8ev = e16ev ^ d1ev;
      const t8od = e16od ^ d1od;
      const b8ev = (t8od << 23) | (t8od >>> 9);
      const b8od = (t8ev << 22) | (t8ev >>> 10);
      const t9ev = e22ev ^ d2ev;
      const t9od = e22od ^ d2od;
      const b9ev = (t9od << 31) | (t9od >>> 1);
      const b9od = (t9ev << 30) | (t9ev >>> 2);
      const t10ev = e1ev ^ d1ev;
      const t10od = e1od ^ d1od;
      const b10ev = (t10od << 1) | (t10od >>> 31);
      const b10od = t10ev;
      const t11ev = e7ev ^ d2ev;
      const t11od = e7od ^ d2od;
      const b11ev = (t11ev << 3) | (t11ev >>> 29);
      const b11od = (t11od << 3) | (t11od >>> 29);
      const t12ev = e13ev ^ d3ev;
      const t12od = e13od ^ d3od;
      const b12ev = (t12od << 13) | (t12od >>> 19);
      const b12od = (t12ev << 12) | (t12ev >>> 20);
      const t13ev = e19ev ^ d4ev;
      const t13od = e19od ^ d4od;
      const b13ev = (t13ev << 4) | (t13ev >>> 28);
      const b13od = (t13od << 4) | (t13od >>> 28);
      const t14ev = e20ev ^ d0ev;
      const t14od = e20od ^ d0od;
      const b14ev = (t14ev << 9) | (t14ev >>> 23);
      const b14od = (t14od << 9) | (t14od >>> 23);
      const t15ev = e4ev ^ d4ev;
      const t15od = e4od ^ d4od;
      const b15ev = (t15od << 14) | (t15od >>> 18);
      const b15od = (t15ev << 13) | (t15ev >>> 19);
      const t16ev = e5ev ^ d0ev;
      const t16od = e5od ^ d0od;
      const b16ev = (t16ev << 18) | (t16ev >>> 14);
      const b16od = (t16od << 18) | (t16od >>> 14);
      const t17ev = e11ev ^ d1ev;
      const t17od = e11od ^ d1od;
      const b17ev = (t17ev << 5) | (t17ev >>> 27);
      const b17od = (t17od << 5) | (t17od >>> 27);
      const t18ev = e17ev ^ d2ev;
      const t18od = e17od ^ d2od;
      const b18ev = (t18od << 8) | (t18od >>> 24);
      const b18od = (t18ev << 7) | (t18ev >>> 25);
      const t19ev = e23ev ^ d3ev;
      const t19od = e23od ^ d3od;
      const b19ev = (t19ev << 28) | (t19ev >>> 4);
      const b19od = (t19od << 28) | (t19od >>> 4);
      const t20ev = e2ev ^ d2ev;
      const t20od = e2od ^ d2od;
      const b20ev = (t20ev << 31) | (t20ev >>> 1);
      const b20od = (t20od << 31) | (t20od >>> 1);
      const t21ev = e8ev ^ d3ev;
      const t21od = e8od ^ d3od;
      const b21ev = (t21od << 28) | (t21od >>> 4);
      const b21od = (t21ev << 27) | (t21ev >>> 5);
      const t22ev = e14ev ^ d4ev;
      const t22od = e14od ^ d4od;
      const b22ev = (t22od << 20) | (t22od >>> 12);
      const b22od = (t22ev << 19) | (t22ev >>> 13);
      const t23ev = e15ev ^ d0ev;
      const t23od = e15od ^ d0od;
      const b23ev = (t23od << 21) | (t23od >>> 11);
      const b23od = (t23ev << 20) | (t23ev >>> 12);
      const t24ev = e21ev ^ d1ev;
      const t24od = e21od ^ d1od;
      const b24ev = (t24ev << 1) | (t24ev >>> 31);
      const b24od = (t24od << 1) | (t24od >>> 31);
      // χ: A[x,y] ← B[x,y] ⊕ (¬B[(x+1) mod 5, y] ∧ B[(x+2) mod 5, y]), on lane-complemented
      // values (see the function comment): per row one NOT instead of five.
      const n2ev = ~b2ev;
      a0ev = b0ev ^ (b1ev | b2ev);
      a1ev = b1ev ^ (n2ev | b3ev);
      a2ev = b2ev ^ (b3ev & b4ev);
      a3ev = b3ev ^ (b4ev | b0ev);
      a4ev = b4ev ^ (b0ev & b1ev);
      const n2od = ~b2od;
      a0od = b0od ^ (b1od | b2od);
      a1od = b1od ^ (n2od | b3od);
      a2od = b2od ^ (b3od & b4od);
      a3od = b3od ^ (b4od | b0od);
      a4od = b4od ^ (b0od & b1od);
      const n9ev = ~b9ev;
      a5ev = b5ev ^ (b6ev | b7ev);
      a6ev = b6ev ^ (b7ev & b8ev);
      a7ev = b7ev ^ (b8ev | n9ev);
      a8ev = b8ev ^ (b9ev | b5ev);
      a9ev = b9ev ^ (b5ev & b6ev);
      const n9od = ~b9od;
      a5od = b5od ^ (b6od | b7od);
      a6od = b6od ^ (b7od & b8od);
      a7od = b7od ^ (b8od | n9od);
      a8od = b8od ^ (b9od | b5od);
      a9od = b9od ^ (b5od & b6od);
      const n13ev = ~b13ev;
      a10ev = b10ev ^ (b11ev | b12ev);
      a11ev = b11ev ^ (b12ev & b13ev);
      a12ev = b12ev ^ (n13ev & b14ev);
      a13ev = n13ev ^ (b14ev | b10ev);
      a14ev = b14ev ^ (b10ev & b11ev);
      const n13od = ~b13od;
      a10od = b10od ^ (b11od | b12od);
      a11od = b11od ^ (b12od & b13od);
      a12od = b12od ^ (n13od & b14od);
      a13od = n13od ^ (b14od | b10od);
      a14od = b14od ^ (b10od & b11od);
      const n18ev = ~b18ev;
      a15ev = b15ev ^ (b16ev & b17ev);
      a16ev = b16ev ^ (b17ev | b18ev);
      a17ev = b17ev ^ (n18ev | b19ev);
      a18ev = n18ev ^ (b19ev & b15ev);
      a19ev = b19ev ^ (b15ev | b16ev);
      const n18od = ~b18od;
      a15od = b15od ^ (b16od & b17od);
      a16od = b16od ^ (b17od | b18od);
      a17od = b17od ^ (n18od | b19od);
      a18od = n18od ^ (b19od & b15od);
      a19od = b19od ^ (b15od | b16od);
      const n21ev = ~b21ev;
      a20ev = b20ev ^ (n21ev & b22ev);
      a21ev = n21ev ^ (b22ev | b23ev);
      a22ev = b22ev ^ (b23ev & b24ev);
      a23ev = b23ev ^ (b24ev | b20ev);
      a24ev = b24ev ^ (b20ev & b21ev);
      const n21od = ~b21od;
      a20od = b20od ^ (n21od & b22od);
      a21od = n21od ^ (b22od | b23od);
      a22od = b22od ^ (b23od & b24od);
      a23od = b23od ^ (b24od | b20od);
      a24od = b24od ^ (b20od & b21od);
      // ι: A[0,0] ← A[0,0] ⊕ RC (interleaved)
      a0ev ^= RC_EV[round + 1];
      a0od ^= RC_OD[round + 1];
    }
  }
  state[0] = a0ev;
  state[1] = a0od;
  state[2] = ~a1ev;
  state[3] = ~a1od;
  state[4] = ~a2ev;
  state[5] = ~a2od;
  state[6] = a3ev;
  state[7] = a3od;
  state[8] = a4ev;
  state[9] = a4od;
  state[10] = a5ev;
  state[11] = a5od;
  state[12] = a6ev;
  state[13] = a6od;
  state[14] = a7ev;
  state[15] = a7od;
  state[16] = ~a8ev;
  state[17] = ~a8od;
  state[18] = a9ev;
  state[19] = a9od;
  state[20] = a10ev;
  state[21] = a10od;
  state[22] = a11ev;
  state[23] = a11od;
  state[24] = ~a12ev;
  state[25] = ~a12od;
  state[26] = a13ev;
  state[27] = a13od;
  state[28] = a14ev;
  state[29] = a14od;
  state[30] = a15ev;
  state[31] = a15od;
  state[32] = a16ev;
  state[33] = a16od;
  state[34] = ~a17ev;
  state[35] = ~a17od;
  state[36] = a18ev;
  state[37] = a18od;
  state[38] = a19ev;
  state[39] = a19od;
  state[40] = ~a20ev;
  state[41] = ~a20od;
  state[42] = a21ev;
  state[43] = a21od;
  state[44] = a22ev;
  state[45] = a22od;
  state[46] = a23ev;
  state[47] = a23od;
  state[48] = a24ev;
  state[49] = a24od;
}
