/**
 * The sponge construction over Keccak-p[1600,24], with pad10*1 and a domain-separation suffix.
 * NIST FIPS 202 (August 2015), SHA-3 Standard: §4 SPONGE[f, pad, r], §5.1 pad10*1
 * (Algorithm 9), §5.2 KECCAK[c]. Bit-string input (len mod 8 ≠ 0) is supported only at the end
 * of the message, through `finishBits` (used by the ACVP bit-oriented KATs).
 * Side channels: no secret-dependent branch or index (only rate/position, which are public).
 */
import { CryptoError } from '../util/errors.ts';
import { wipe } from '../util/ct.ts';
import { extractLanes, keccakP1600Interleaved, xorLanes } from './keccak.ts';

/**
 * A KECCAK[c] sponge over Keccak-p[1600, 24] with pad10*1 and a domain-separation suffix.
 * FIPS 202, §4 (Algorithm 8, SPONGE[f, pad, r]) and §5.1 (Algorithm 9, pad10*1).
 * `suffix`/`suffixBits` are the bits appended to M before padding, LSB first (§6.1: 01 for
 * SHA-3, §6.2: 1111 for SHAKE). The rate r = 1600 − c is given in bytes (a multiple of 8 for
 * every FIPS 202 function).
 * The state stays bit-interleaved between permutations (keccak.ts); input is XORed in a whole
 * block at a time (from the input's own words when they are aligned, else gathered in `block`),
 * and output lanes are converted back into `block` only as far as they are read.
 */
export class KeccakSponge {
  /** One backing store for the two arrays below (V8 gives each typed array over 64 B its own). */
  private readonly buf = new ArrayBuffer(400);
  /** The state S in the interleaved layout of keccak.ts. */
  private readonly state = new Uint32Array(this.buf, 0, 50);
  /** The current block P_i (absorbing) or Z's current block (squeezing), standard layout. */
  private readonly block = new Uint32Array(this.buf, 200, 50);
  private readonly blockBytes = new Uint8Array(this.buf, 200, 200);
  /** Byte position in the current block (absorbing) or in the current output block (squeezing). */
  private pos = 0;
  /** Squeezing: lanes of the current output block already converted into `block`. */
  private ready = 0;
  private squeezing = false;

  constructor(
    readonly rate: number,
    private readonly suffix: number,
    private readonly suffixBits: number,
  ) {
    if (!Number.isInteger(rate) || rate <= 0 || rate >= 200 || rate % 8 !== 0)
      throw new CryptoError(
        'BAD_PARAMS',
        `Keccak sponge: rate must be a multiple of 8 bytes below 200, got ${rate}`,
      );
  }

  /**
   * Absorbs whole bytes of M; callable repeatedly until the first squeeze. Whole blocks of a
   * 4-byte-aligned input are XORed into the state straight from a word view of it; the rest is
   * gathered in `block` first.
   */
  absorb(data: Uint8Array): void {
    if (this.squeezing)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: absorb after squeeze (FIPS 202 §4)');
    const { blockBytes, rate } = this;
    const len = data.length;
    let off = 0;
    let pos = this.pos;
    // One view serves every whole block that starts at a word boundary of `data` (blocks after
    // the first are a rate, a multiple of 8 bytes, apart); alignment and lengths are public.
    const words =
      len >= rate && (data.byteOffset & 3) === 0
        ? new Uint32Array(data.buffer, data.byteOffset, len >> 2)
        : null;
    while (off < len) {
      if (pos === 0 && words !== null && (off & 3) === 0 && len - off >= rate) {
        xorLanes(this.state, words, rate >> 3, off >> 2); // S ← f(S ⊕ (P_i ‖ 0^c)), no copy
        keccakP1600Interleaved(this.state);
        off += rate;
        continue;
      }
      const n = Math.min(rate - pos, len - off);
      if (n < 16) for (let i = 0; i < n; i++) blockBytes[pos + i] = data[off + i];
      else blockBytes.set(data.subarray(off, off + n), pos);
      off += n;
      pos += n;
      if (pos === rate) {
        this.absorbBlock();
        pos = 0;
      }
    }
    this.pos = pos; // pos < rate: a full block is absorbed at once
  }

  /**
   * Ends absorption after `nBits` (0..7) extra message bits taken from the low bits of
   * `lastBits`, appends the suffix and pad10*1, and switches to squeezing.
   * FIPS 202, Algorithm 8 steps 1–6 with pad10*1 (Algorithm 9) on M ‖ suffix.
   */
  finishBits(lastBits: number, nBits: number): void {
    if (this.squeezing)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: padding applied twice (FIPS 202 §4)');
    if (!Number.isInteger(nBits) || nBits < 0 || nBits > 7)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: 0..7 trailing message bits');
    const { blockBytes, rate } = this;
    // tail = M's last bits ‖ suffix ‖ 1 (the first bit of pad10*1), LSB first: ≤ 7 + 4 + 1 bits
    const tailBits = nBits + this.suffixBits + 1;
    const tail = (lastBits & ((1 << nBits) - 1)) | (this.suffix << nBits) | (1 << (tailBits - 1));
    let pos = this.pos;
    blockBytes.fill(0, pos, rate);
    blockBytes[pos] = tail & 0xff;
    if (tailBits > 8) {
      if (++pos === rate) {
        this.absorbBlock();
        blockBytes.fill(0, 0, rate);
        pos = 0;
      }
      blockBytes[pos] = tail >>> 8;
    }
    // The final 1 of pad10*1 is the last bit of a block; if the tail just used it, add a block.
    const lastTailBit = (tailBits - 1) & 7;
    if (pos === rate - 1 && lastTailBit === 7) {
      this.absorbBlock();
      blockBytes.fill(0, 0, rate);
    }
    blockBytes[rate - 1] ^= 0x80;
    this.absorbBlock();
    this.pos = 0;
    this.ready = 0;
    this.squeezing = true;
  }

  /** Fills `out` with the next bytes of Z, permuting between blocks (Algorithm 8 steps 7–10). */
  squeezeInto(out: Uint8Array): void {
    if (!this.squeezing) this.finishBits(0, 0);
    const { blockBytes, rate } = this;
    const len = out.length;
    let pos = this.pos;
    let off = 0;
    while (off < len) {
      if (pos === rate) {
        keccakP1600Interleaved(this.state);
        this.ready = 0;
        pos = 0;
      }
      const n = Math.min(rate - pos, len - off);
      this.convert((pos + n + 7) >> 3);
      if (n < 16) for (let i = 0; i < n; i++) out[off + i] = blockBytes[pos + i];
      else out.set(blockBytes.subarray(pos, pos + n), off);
      off += n;
      pos += n;
    }
    this.pos = pos;
  }

  /**
   * Writes `nBlocks` whole rate-sized output blocks into `out` (from offset 0); the squeeze
   * position must be at a block boundary. The per-block fast path for rejection sampling.
   */
  squeezeBlocks(out: Uint8Array, nBlocks: number): void {
    if (!this.squeezing) this.finishBits(0, 0);
    const { blockBytes, rate } = this;
    if (this.pos !== 0 && this.pos !== rate)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: squeezeBlocks needs a block boundary');
    if (out.length < nBlocks * rate)
      throw new CryptoError('BAD_LENGTH', `Keccak sponge: output shorter than ${nBlocks} blocks`);
    for (let b = 0; b < nBlocks; b++) {
      if (this.pos === rate) {
        keccakP1600Interleaved(this.state);
        this.ready = 0;
      }
      this.convert(rate >> 3);
      out.set(blockBytes.subarray(0, rate), b * rate);
      this.pos = rate;
    }
  }

  /**
   * Zeroes the state and the block buffer (best effort, see util/ct.ts). The sponge is then the
   * empty sponge again (absorbing, S = 0), ready for a new message.
   */
  destroy(): void {
    wipe(this.state, this.block);
    this.pos = 0;
    this.ready = 0;
    this.squeezing = false;
  }

  /** S ← f(S ⊕ (P ‖ 0^c)) for the full block P in `block` (Algorithm 8, step 6). */
  private absorbBlock(): void {
    xorLanes(this.state, this.block, this.rate >> 3);
    keccakP1600Interleaved(this.state);
  }

  /** Makes the first `lanes` lanes of the current output block readable in `block`. */
  private convert(lanes: number): void {
    if (this.ready >= lanes) return;
    extractLanes(this.state, this.block, lanes);
    this.ready = lanes;
  }
}

/** shakeOneBlock's copy of the input block (standard layout), zeroed after each use. */
const ONE_BLOCK = new Uint32Array(50);
const ONE_BLOCK_BYTES = new Uint8Array(ONE_BLOCK.buffer);

/**
 * Starts SHAKE on an input shorter than one block, straight on a bit-interleaved state (keccak.ts):
 * state ← Keccak-p[1600, 24](input ‖ 1111 ‖ pad10*1), ready to squeeze its first block with
 * `extractLanes`. FIPS 202 §6.2 (SHAKE) with Algorithm 8 (SPONGE) and Algorithm 9 (pad10*1).
 * Differs from KeccakSponge only in speed: the seeds of ML-KEM and ML-DSA sampling (33 to 66
 * bytes) fit one block, and only the lanes they touch are converted.
 */
export function shakeOneBlock(state: Uint32Array, input: Uint8Array, rate: number): void {
  const n = input.length;
  if (n >= rate)
    throw new CryptoError('BAD_LENGTH', 'shakeOneBlock: input must be shorter than one block');
  const lanes = (n >> 3) + 1; // lanes that hold the input and the suffix byte
  state.fill(0);
  ONE_BLOCK_BYTES.set(input);
  ONE_BLOCK_BYTES[n] = 0x1f; // suffix 1111, then the first 1 of pad10*1
  ONE_BLOCK_BYTES.fill(0, n + 1, 8 * lanes);
  xorLanes(state, ONE_BLOCK, lanes);
  ONE_BLOCK_BYTES.fill(0, 0, 8 * lanes); // the input may be secret (PRF keys, ρ′)
  // The last 1 of pad10*1 is bit 63 of lane rate/8 − 1 (ORed into the suffix byte when
  // n = rate − 1): in the interleaved layout, bit 31 of that lane's odd word.
  state[(rate >> 2) - 1] ^= 0x80000000;
  keccakP1600Interleaved(state);
}
