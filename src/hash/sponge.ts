/**
 * The sponge construction over Keccak-p[1600,24], with pad10*1 and a domain-separation suffix.
 * NIST FIPS 202 (August 2015), SHA-3 Standard: §4 SPONGE[f, pad, r], §5.1 pad10*1
 * (Algorithm 9), §5.2 KECCAK[c]. Bit-string input (len mod 8 ≠ 0) is supported only at the end
 * of the message, through `finishBits` (used by the ACVP bit-oriented KATs).
 * Side channels: no secret-dependent branch or index (only rate/position, which are public).
 */
import { CryptoError } from '../util/errors.ts';
import { wipe } from '../util/ct.ts';
import { keccakP1600 } from './keccak.ts';

/**
 * A KECCAK[c] sponge over Keccak-p[1600, 24] with pad10*1 and a domain-separation suffix.
 * FIPS 202, §4 (Algorithm 8, SPONGE[f, pad, r]) and §5.1 (Algorithm 9, pad10*1).
 * `suffix`/`suffixBits` are the bits appended to M before padding, LSB first (§6.1: 01 for
 * SHA-3, §6.2: 1111 for SHAKE). The rate r = 1600 − c is given in bytes.
 */
export class KeccakSponge {
  readonly state = new Uint32Array(50);
  /** Byte position in the current block (absorbing) or in the current output block (squeezing). */
  private pos = 0;
  private squeezing = false;

  constructor(
    readonly rate: number,
    private readonly suffix: number,
    private readonly suffixBits: number,
  ) {}

  /** Absorbs whole bytes of M; callable repeatedly until the first squeeze. */
  absorb(data: Uint8Array): void {
    if (this.squeezing)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: absorb after squeeze (FIPS 202 §4)');
    const { state, rate } = this;
    const len = data.length;
    let off = 0;
    let pos = this.pos;
    // Bytes up to the next word boundary, or all of a short input.
    while (off < len && (pos & 3) !== 0) {
      state[pos >> 2] ^= data[off++] << ((pos & 3) << 3);
      if (++pos === rate) {
        keccakP1600(state);
        pos = 0;
      }
    }
    // Whole 32-bit words, little-endian (§3.1.2 / B.1: byte k of a lane is bits 8k..8k+7).
    while (len - off >= 4) {
      state[pos >> 2] ^=
        data[off] | (data[off + 1] << 8) | (data[off + 2] << 16) | (data[off + 3] << 24);
      off += 4;
      pos += 4;
      if (pos === rate) {
        keccakP1600(state);
        pos = 0;
      }
    }
    while (off < len) state[pos >> 2] ^= data[off++] << ((pos++ & 3) << 3);
    this.pos = pos; // pos < rate: the word loop permutes at the boundary, the tail is < 4 bytes
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
    const { state, rate } = this;
    // tail = M's last bits ‖ suffix ‖ 1 (the first bit of pad10*1), LSB first: ≤ 7 + 4 + 1 bits
    const tailBits = nBits + this.suffixBits + 1;
    const tail = (lastBits & ((1 << nBits) - 1)) | (this.suffix << nBits) | (1 << (tailBits - 1));
    let pos = this.pos;
    this.xorByte(pos, tail & 0xff);
    if (tailBits > 8) {
      if (++pos === rate) {
        keccakP1600(state);
        pos = 0;
      }
      this.xorByte(pos, tail >>> 8);
    }
    // The final 1 of pad10*1 is the last bit of a block; if the tail just used it, add a block.
    const lastTailBit = (tailBits - 1) & 7;
    if (pos === rate - 1 && lastTailBit === 7) keccakP1600(state);
    this.xorByte(rate - 1, 0x80);
    keccakP1600(state);
    this.pos = 0;
    this.squeezing = true;
  }

  /** Fills `out` with the next bytes of Z, permuting between blocks (Algorithm 8 steps 7–10). */
  squeezeInto(out: Uint8Array): void {
    if (!this.squeezing) this.finishBits(0, 0);
    const { state, rate } = this;
    const len = out.length;
    let pos = this.pos;
    let off = 0;
    while (off < len) {
      if (pos === rate) {
        keccakP1600(state);
        pos = 0;
      }
      if ((pos & 3) === 0 && len - off >= 4 && rate - pos >= 4) {
        const w = state[pos >> 2];
        out[off] = w;
        out[off + 1] = w >>> 8;
        out[off + 2] = w >>> 16;
        out[off + 3] = w >>> 24;
        off += 4;
        pos += 4;
      } else {
        out[off++] = state[pos >> 2] >>> ((pos & 3) << 3);
        pos++;
      }
    }
    this.pos = pos;
  }

  /**
   * Writes `nBlocks` whole rate-sized output blocks into `out` (from offset 0); the squeeze
   * position must be at a block boundary. The per-block fast path for rejection sampling.
   */
  squeezeBlocks(out: Uint8Array, nBlocks: number): void {
    if (!this.squeezing) this.finishBits(0, 0);
    const { state, rate } = this;
    if (this.pos !== 0 && this.pos !== rate)
      throw new CryptoError('BAD_PARAMS', 'Keccak sponge: squeezeBlocks needs a block boundary');
    if (out.length < nBlocks * rate)
      throw new CryptoError('BAD_LENGTH', `Keccak sponge: output shorter than ${nBlocks} blocks`);
    let off = 0;
    for (let b = 0; b < nBlocks; b++) {
      if (this.pos === rate) keccakP1600(state);
      for (let i = 0; i < rate >> 2; i++, off += 4) {
        const w = state[i];
        out[off] = w;
        out[off + 1] = w >>> 8;
        out[off + 2] = w >>> 16;
        out[off + 3] = w >>> 24;
      }
      this.pos = rate;
    }
  }

  /** Zeroes the state (best effort, see util/ct.ts). */
  destroy(): void {
    wipe(this.state);
    this.pos = 0;
  }

  private xorByte(pos: number, byte: number): void {
    this.state[pos >> 2] ^= (byte & 0xff) << ((pos & 3) << 3);
  }
}
