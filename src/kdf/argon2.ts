/**
 * Argon2d, Argon2i and Argon2id (version 0x13), lanes computed one after another.
 * RFC 9106 (September 2021), Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
 * Applications: §3.1 inputs and their ranges, §3.2 operation (memory matrix, passes, final
 * block), §3.4 indexing (J₁/J₂ for the three types, reference lane and the set W), §4 parameter
 * choice. H₀ and H' are in argon2-hash.ts (§3.2 step 1, §3.3), G and P in argon2-block.ts.
 * Side channels: Argon2d, and Argon2id after the first two slices of the first pass, choose the
 * reference block (its lane by J₂ mod p, its column through W) from the memory itself, which is
 * derived from the password: the memory access pattern, the `%` and the same-lane branch then
 * depend on the secret by design of the spec (RFC 9106 §3.4.1.3; cache-timing is why Argon2i
 * exists) and can leak to a co-located attacker. Argon2i, and Argon2id's first half pass, derive
 * J₁/J₂ from public parameters only. G itself has no secret-dependent branch or index. Wiping
 * of the matrix, H₀ and scratch is best effort (the GC and V8 may keep copies).
 */
import { expectBytes, load32LE, store32LE } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { BLOCK_WORDS, compressG, wipeScratch } from './argon2-block.ts';
import { hashPrime, initialHash } from './argon2-hash.ts';

/** Type y of Argon2 (RFC 9106 §3.1). */
export const ARGON2D = 0;
export const ARGON2I = 1;
export const ARGON2ID = 2;
export type Argon2Type = typeof ARGON2D | typeof ARGON2I | typeof ARGON2ID;

/** Version number v (RFC 9106 §3.1): one byte 0x13. */
const VERSION = 0x13;
/** Number of slices S (RFC 9106 §3.4). */
const SYNC_POINTS = 4;
/** Block size in bytes. */
const BLOCK_BYTES = 1024;
/** Largest value of the 32-bit length and count fields (RFC 9106 §3.1). */
const MAX_U32 = 2 ** 32 - 1;
/** Largest degree of parallelism p (RFC 9106 §3.1). */
const MAX_LANES = 2 ** 24 - 1;
/**
 * Shortest salt S. RFC 9106 §3.1 only bounds its length from above (and recommends 16 bytes);
 * the 8-byte floor is that of the Argon2 v1.3 specification and its reference implementation.
 */
const MIN_SALT_BYTES = 8;

/** Cost parameters and output length. */
export interface Argon2Params {
  /** Number of passes t, 1..2³²−1. */
  readonly t: number;
  /** Memory size m in KiB, 8p..2³²−1 (rounded down to a multiple of 4p blocks). */
  readonly m: number;
  /** Degree of parallelism p (lanes), 1..2²⁴−1. */
  readonly p: number;
  /** Tag length T in bytes, 4..2³²−1. */
  readonly tagLength: number;
}

/** The optional inputs: secret value K and associated data X (RFC 9106 §3.1), empty if absent. */
export interface Argon2Extra {
  readonly secret?: Uint8Array;
  readonly associatedData?: Uint8Array;
}

/**
 * Argon2id with RFC 9106 §4's second recommended option, "uniformly safe" when much less than
 * 2 GiB of memory is available: t = 3 passes, p = 4 lanes, m = 2¹⁶ KiB (64 MiB), a 128-bit salt
 * and a 256-bit tag. `saltLength` is the length the caller should draw its random salt at.
 */
export const ARGON2ID_DEFAULTS = Object.freeze({
  t: 3,
  m: 2 ** 16,
  p: 4,
  tagLength: 32,
  saltLength: 16,
});

const NAMES = ['Argon2d', 'Argon2i', 'Argon2id'] as const;

/** Throws unless n is an integer in [min, max]; the message names the RFC 9106 §3.1 rule. */
function expectRange(n: number, min: number, max: number, what: string, name: string): void {
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CryptoError(
      'BAD_PARAMS',
      `${name}: ${what} must be an integer in ${min}..${max} (RFC 9106 §3.1)`,
    );
}

/** Checks a byte-string input's type and length (RFC 9106 §3.1, or the rule cited). */
function expectInput(
  b: Uint8Array,
  min: number,
  what: string,
  name: string,
  rule = 'RFC 9106 §3.1',
): void {
  expectBytes(b, `${name} ${what}`);
  if (b.length < min || b.length > MAX_U32)
    throw new CryptoError('BAD_LENGTH', `${name}: ${what} must be ${min}..2³²−1 bytes (${rule})`);
}

/** make()'s typed array, or BAD_PARAMS when the engine cannot allocate that much (RangeError). */
function allocate<T>(make: () => T, name: string): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof RangeError)
      throw new CryptoError('BAD_PARAMS', `${name}: cannot allocate the memory asked for`);
    throw e;
  }
}

/** The memory matrix and the shape of its lanes and slices (RFC 9106 §3.2 step 2, §3.4). */
interface Matrix {
  readonly B: Int32Array; // m' blocks of 256 words; block B[i][j] at word (i·q + j)·256
  readonly type: Argon2Type;
  readonly p: number;
  readonly t: number;
  readonly mPrime: number; // m' = 4p·⌊m / 4p⌋
  readonly q: number; // lane length q = m' / p
  readonly segmentLength: number; // q / S
}

/** Argon2i's input block Z, the G(ZERO, Z) between, and the address block (public data). */
const ZERO_BLOCK = new Int32Array(BLOCK_WORDS);
const ADDRESS_INPUT = new Int32Array(BLOCK_WORDS);
const ADDRESS_TMP = new Int32Array(BLOCK_WORDS);
const ADDRESSES = new Int32Array(BLOCK_WORDS);

/**
 * The next 128 (J₁, J₂) pairs: increments the counter i in Z and computes G(ZERO, G(ZERO, Z)).
 * RFC 9106 §3.4.1.2 (Argon2i); J₁ = ADDRESSES[2k] (low 32 bits of X_k), J₂ = ADDRESSES[2k + 1].
 */
function nextAddresses(): void {
  ADDRESS_INPUT[12]++; // i, LE64; never beyond 2³² − 1 since a segment has < 2³² blocks
  compressG(ADDRESS_TMP, 0, ZERO_BLOCK, 0, ADDRESS_INPUT, 0, false);
  compressG(ADDRESSES, 0, ZERO_BLOCK, 0, ADDRESS_TMP, 0, false);
}

/**
 * ⌊a · b / 2³²⌋ for 32-bit a, b: the float64 product is within 2¹⁰ of a · b < 2⁶⁴, so after
 * subtracting the exact low half (Math.imul) the quotient lies within 2⁻²¹ of an integer.
 */
function mulHi(a: number, b: number): number {
  return Math.round((a * b - (Math.imul(a, b) >>> 0)) / 0x100000000);
}

/**
 * The column of the reference block within lane l.
 * RFC 9106 §3.4.2: W holds the blocks of the last S − 1 = 3 finished segments (those of the
 * first pass that exist) and, in the current lane, the current segment's blocks before B[i][j−1];
 * in another lane, W loses its last block when B[i][j] starts a segment. Then
 *   x = J₁² / 2³²;  y = (|W| · x) / 2³²;  zz = |W| − 1 − y
 * and the block is W's zz-th, counting from the start of the oldest segment in W.
 */
function referenceColumn(
  mx: Matrix,
  r: number,
  s: number,
  index: number,
  sameLane: boolean,
  J1: number,
): number {
  const { q, segmentLength } = mx;
  const finished = r === 0 ? s * segmentLength : q - segmentLength;
  const W = sameLane ? finished + index - 1 : finished - (index === 0 ? 1 : 0);
  const x = mulHi(J1, J1);
  const y = mulHi(W, x);
  const zz = W - 1 - y;
  const start = r === 0 || s === SYNC_POINTS - 1 ? 0 : (s + 1) * segmentLength;
  const col = start + zz; // < 2q, since start < q and zz < |W| ≤ q − 1
  return col < q ? col : col - q; // J₁ is public here, or already picks the address (see header)
}

/**
 * Computes the segment of lane l in slice s of pass r, block by block.
 * RFC 9106 §3.2 steps 5–6: B[i][j] = G(B[i][j−1], B[l][z]), XORed into B[i][j] after the first
 * pass (version 0x13), B[i][0] taking B[i][q−1] as its predecessor; §3.4.1: J₁, J₂ from Argon2i's
 * address blocks (Argon2i; Argon2id in pass 0, slices 0 and 1) or from the first 64-bit word of
 * B[i][j−1] (Argon2d; Argon2id otherwise); §3.4.2: l = J₂ mod p, except in pass 0, slice 0.
 */
function fillSegment(mx: Matrix, r: number, lane: number, s: number): void {
  const { B, p, q, segmentLength, type } = mx;
  const dataIndependent = type === ARGON2I || (type === ARGON2ID && r === 0 && s < 2);
  const first = r === 0 && s === 0 ? 2 : 0; // B[i][0] and B[i][1] come from H'
  if (dataIndependent) {
    // Z = LE64(r) ‖ LE64(l) ‖ LE64(s) ‖ LE64(m') ‖ LE64(t) ‖ LE64(y) ‖ LE64(i) ‖ ZERO, i from 1
    ADDRESS_INPUT.fill(0);
    ADDRESS_INPUT[0] = r;
    ADDRESS_INPUT[2] = lane;
    ADDRESS_INPUT[4] = s;
    ADDRESS_INPUT[6] = mx.mPrime;
    ADDRESS_INPUT[8] = mx.t;
    ADDRESS_INPUT[10] = type;
    if (first !== 0) nextAddresses();
  }
  let curr = lane * q + s * segmentLength + first;
  let prev = s === 0 && first === 0 ? curr + q - 1 : curr - 1;
  for (let index = first; index < segmentLength; index++, curr++) {
    let J1: number, J2: number;
    if (dataIndependent) {
      const k = index & 127; // 128 pairs per address block
      if (k === 0) nextAddresses();
      J1 = ADDRESSES[2 * k] >>> 0;
      J2 = ADDRESSES[2 * k + 1] >>> 0;
    } else {
      J1 = B[prev * BLOCK_WORDS] >>> 0; // J₁ = int32(extract(B[i][j−1], 0))
      J2 = B[prev * BLOCK_WORDS + 1] >>> 0; // J₂ = int32(extract(B[i][j−1], 1))
    }
    const refLane = r === 0 && s === 0 ? lane : J2 % p;
    const col = referenceColumn(mx, r, s, index, refLane === lane, J1);
    const ref = (refLane * q + col) * BLOCK_WORDS;
    compressG(B, curr * BLOCK_WORDS, B, prev * BLOCK_WORDS, B, ref, r > 0);
    prev = curr;
  }
}

/**
 * The Argon2 tag of `tagLength` bytes for password P and salt S under the given type and costs.
 * RFC 9106 §3.2 (Argon2 Operation), steps 1–8.
 * Throws BAD_TYPE / BAD_LENGTH / BAD_PARAMS (RFC 9106 §3.1 ranges) before touching the password.
 */
export function argon2(
  type: Argon2Type,
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  extra: Argon2Extra = {},
): Uint8Array {
  const name = NAMES[type] ?? 'Argon2';
  if (type !== ARGON2D && type !== ARGON2I && type !== ARGON2ID)
    throw new CryptoError('BAD_PARAMS', 'Argon2: type y must be 0, 1 or 2 (RFC 9106 §3.1)');
  const { t, m, p, tagLength: T } = params;
  const K = extra.secret ?? new Uint8Array(0);
  const X = extra.associatedData ?? new Uint8Array(0);
  expectInput(password, 0, 'password', name);
  expectInput(salt, MIN_SALT_BYTES, 'salt', name, 'Argon2 v1.3; RFC 9106 §3.1 recommends 16');
  expectInput(K, 0, 'secret', name);
  expectInput(X, 0, 'associated data', name);
  expectRange(p, 1, MAX_LANES, 'parallelism p', name);
  expectRange(T, 4, MAX_U32, 'tag length T', name);
  expectRange(m, 8 * p, MAX_U32, 'memory size m (KiB, at least 8p)', name);
  expectRange(t, 1, MAX_U32, 'passes t', name);

  // 2. m' = 4p·⌊m / 4p⌋ blocks: p lanes of q = m' / p columns
  const mPrime = 4 * p * Math.floor(m / (4 * p));
  const q = mPrime / p;
  const B = allocate(() => new Int32Array(mPrime * BLOCK_WORDS), name);
  const mx: Matrix = { B, type, p, t, mPrime, q, segmentLength: q / SYNC_POINTS };
  // 1. H₀
  const H0 = initialHash({ p, tagLength: T, m, t, version: VERSION, type }, password, salt, K, X);
  const block = new Uint8Array(BLOCK_BYTES);
  const le = new Uint8Array(8); // LE32(j) ‖ LE32(i)
  try {
    // 3.–4. B[i][0] = H'^(1024)(H₀ ‖ LE32(0) ‖ LE32(i)); B[i][1] the same with LE32(1)
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < 2; j++) {
        store32LE(le, 0, j);
        store32LE(le, 4, i);
        const Hp = hashPrime(BLOCK_BYTES, [H0, le]);
        const o = (i * q + j) * BLOCK_WORDS;
        for (let w = 0; w < BLOCK_WORDS; w++) B[o + w] = load32LE(Hp, 4 * w);
        wipe(Hp);
      }
    }
    // 5.–6. the passes; within a slice the lanes are independent and run in order
    for (let r = 0; r < t; r++)
      for (let s = 0; s < SYNC_POINTS; s++) for (let i = 0; i < p; i++) fillSegment(mx, r, i, s);
    // 7. C = B[0][q−1] ⊕ B[1][q−1] ⊕ … ⊕ B[p−1][q−1]
    const C = B.subarray((q - 1) * BLOCK_WORDS, q * BLOCK_WORDS);
    for (let i = 1; i < p; i++) {
      const o = (i * q + q - 1) * BLOCK_WORDS;
      for (let w = 0; w < BLOCK_WORDS; w++) C[w] ^= B[o + w];
    }
    for (let w = 0; w < BLOCK_WORDS; w++) store32LE(block, 4 * w, C[w]);
    // 8. Tag = H'^T(C)
    return allocate(() => hashPrime(T, [block]), name);
  } finally {
    wipe(B, H0, block);
    wipeScratch();
    wipe(ADDRESS_INPUT, ADDRESS_TMP, ADDRESSES);
  }
}

/** Argon2d (y = 0): data-dependent addressing throughout. RFC 9106 §3.4.1.1. */
export function argon2d(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  extra?: Argon2Extra,
): Uint8Array {
  return argon2(ARGON2D, password, salt, params, extra);
}

/** Argon2i (y = 1): data-independent addressing throughout. RFC 9106 §3.4.1.2. */
export function argon2i(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  extra?: Argon2Extra,
): Uint8Array {
  return argon2(ARGON2I, password, salt, params, extra);
}

/**
 * Argon2id (y = 2): Argon2i's addressing for the first half of the first pass, Argon2d's after.
 * RFC 9106 §3.4.1.3. The password KDF to use (RFC 9106 §4); see ARGON2ID_DEFAULTS.
 */
export function argon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  extra?: Argon2Extra,
): Uint8Array {
  return argon2(ARGON2ID, password, salt, params, extra);
}
