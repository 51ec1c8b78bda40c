/**
 * A systematic Reed–Solomon erasure code over GF(2¹⁶): a payload cut into k chunks is sent as
 * chunks 0, 1, 2, … of unbounded number (indices < 2¹⁶), and ANY k distinct chunks give it back.
 * ML-KEM Braid rev. 1 (signal.org/docs/specifications/mlkembraid) §"Erasure codes", as SPQR's
 * `encoding/polynomial.rs` instantiates it; Reed & Solomon (1960) in the evaluation view.
 * Construction: a chunk is C/2 symbols (u16, big-endian). For each symbol position j the k data
 * symbols are the values at x = 0 … k − 1 of the unique polynomial P_j of degree < k, and chunk i
 * is (P_0(i), P_1(i), …). Chunks 0 … k − 1 are the payload itself (systematic); chunk i ≥ k is
 * a parity chunk computed by Lagrange interpolation. Decoding interpolates from the k chunks held.
 * Side channels: the payloads (encapsulation keys, ciphertexts) are public in ML-KEM's threat
 * model and indices are public, so table-based field arithmetic is fine (gf16.ts).
 */
import { copyBytes } from '../../util/bytes.ts';
import { CryptoError } from '../../util/errors.ts';
import { gfInv, gfMul } from './gf16.ts';

/** Bytes per GF(2¹⁶) symbol. */
export const SYMBOL_BYTES = 2;
/** Chunk indices are evaluation points in GF(2¹⁶). */
export const MAX_CHUNK_INDEX = 0xffff;

/** k: the number of chunks a payload of `payloadBytes` needs (the last one zero-padded). */
export function chunkCount(payloadBytes: number, chunkBytes: number): number {
  return Math.ceil(payloadBytes / chunkBytes);
}

/**
 * Barycentric weights wᵢ = 1 / Πⱼ≠ᵢ (xᵢ − xⱼ) of distinct points (Berrut & Trefethen 2004, §3);
 * in characteristic 2, xᵢ − xⱼ = xᵢ ⊕ xⱼ.
 */
function weights(points: readonly number[]): number[] {
  return points.map((xi, i) => {
    let d = 1;
    for (let j = 0; j < points.length; j++) if (j !== i) d = gfMul(d, xi ^ points[j]);
    return gfInv(d);
  });
}

/**
 * The Lagrange basis at x: ℓᵢ(x) = wᵢ · Πⱼ≠ᵢ (x − xⱼ), for x not among the points. The products
 * come from prefix and suffix products (3k multiplications, no inversion).
 */
function basisAt(points: readonly number[], w: readonly number[], x: number): number[] {
  const k = points.length;
  const suffix = new Array<number>(k + 1);
  suffix[k] = 1;
  for (let j = k - 1; j >= 0; j--) suffix[j] = gfMul(suffix[j + 1], x ^ points[j]);
  const basis = new Array<number>(k);
  let prefix = 1;
  for (let i = 0; i < k; i++) {
    basis[i] = gfMul(w[i], gfMul(prefix, suffix[i + 1]));
    prefix = gfMul(prefix, x ^ points[i]);
  }
  return basis;
}

/** out ← Σᵢ basisᵢ · chunkᵢ, symbol by symbol (P_j(x) = Σᵢ ℓᵢ(x) · P_j(xᵢ)). */
function combine(sources: readonly Uint8Array[], basis: readonly number[], out: Uint8Array): void {
  for (let s = 0; s < out.length; s += SYMBOL_BYTES) {
    let acc = 0;
    for (let i = 0; i < sources.length; i++)
      acc ^= gfMul(basis[i], (sources[i][s] << 8) | sources[i][s + 1]);
    out[s] = acc >>> 8;
    out[s + 1] = acc & 0xff;
  }
}

const SYSTEMATIC = new Map<number, { points: number[]; w: number[] }>();

/** The points 0 … k − 1 and their weights, computed once per k (they depend on k only). */
function systematic(k: number): { points: number[]; w: number[] } {
  let entry = SYSTEMATIC.get(k);
  if (!entry) {
    const points = Array.from({ length: k }, (_, i) => i);
    entry = { points, w: weights(points) };
    SYSTEMATIC.set(k, entry);
  }
  return entry;
}

function checkShape(payloadBytes: number, chunkBytes: number): number {
  if (
    !Number.isInteger(chunkBytes) ||
    chunkBytes <= 0 ||
    chunkBytes % SYMBOL_BYTES !== 0 ||
    !Number.isInteger(payloadBytes) ||
    payloadBytes <= 0
  )
    throw new CryptoError('BAD_PARAMS', 'erasure code: chunk size must be a positive even number');
  const k = chunkCount(payloadBytes, chunkBytes);
  if (k > MAX_CHUNK_INDEX)
    throw new CryptoError('BAD_PARAMS', 'erasure code: payload needs more than 2¹⁶ − 1 chunks');
  return k;
}

/**
 * Chunk `index` of `payload`: the payload's own bytes for index < k (zero-padded at the end),
 * else the parity chunk (P_0(index), P_1(index), …). Reed–Solomon encoding, evaluation view.
 */
export function encodeChunk(payload: Uint8Array, chunkBytes: number, index: number): Uint8Array {
  const k = checkShape(payload.length, chunkBytes);
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX)
    throw new CryptoError('BAD_PARAMS', `erasure code: chunk index ${index} out of range`);
  let padded = payload; // zero-padded to k chunks (a copy only when the length needs it)
  if (payload.length !== k * chunkBytes) {
    padded = new Uint8Array(k * chunkBytes);
    padded.set(payload);
  }
  const data = Array.from({ length: k }, (_, i) =>
    padded.subarray(i * chunkBytes, (i + 1) * chunkBytes),
  );
  if (index < k) return copyBytes(data[index]);
  const { points, w } = systematic(k);
  const out = new Uint8Array(chunkBytes);
  combine(data, basisAt(points, w, index), out);
  return out;
}

/**
 * Reconstructs the payload from the chunks held (index → chunk), or returns null if fewer than k
 * distinct indices are held: then every payload is still possible (see the tests). Uses the first
 * k indices in increasing order. Reed–Solomon erasure decoding by Lagrange interpolation.
 */
export function decodeChunks(
  payloadBytes: number,
  chunkBytes: number,
  chunks: ReadonlyMap<number, Uint8Array>,
): Uint8Array | null {
  const k = checkShape(payloadBytes, chunkBytes);
  if (chunks.size < k) return null;
  const points = [...chunks.keys()].sort((a, b) => a - b).slice(0, k);
  const sources = points.map((x) => {
    const c = chunks.get(x)!;
    if (c.length !== chunkBytes || x < 0 || x > MAX_CHUNK_INDEX || !Number.isInteger(x))
      throw new CryptoError('BAD_LENGTH', 'erasure code: malformed chunk');
    return c;
  });
  const w = weights(points);
  const padded = new Uint8Array(k * chunkBytes);
  for (let t = 0; t < k; t++) {
    const out = padded.subarray(t * chunkBytes, (t + 1) * chunkBytes);
    const held = chunks.get(t);
    if (held) out.set(held);
    else combine(sources, basisAt(points, w, t), out);
  }
  return copyBytes(padded, 0, payloadBytes);
}
