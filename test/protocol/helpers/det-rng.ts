/**
 * A deterministic RandomSource for tests and transcript vectors (PROTOCOL.md §9): the byte stream
 * SHA-256(u32be len(label) ‖ label ‖ u64be i) for i = 0, 1, 2, …, consumed in order. Simple enough
 * that a second implementation can reproduce the committed transcripts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { RandomSource } from '../../../src/util/random.ts';
import { utf8 } from '../../../src/util/bytes.ts';
import { Writer } from '../../../src/wire/codec.ts';

export function detRandom(label: string): RandomSource {
  const prefix = new Writer().bytes(utf8(label)).finish();
  let counter = 0;
  let buf = new Uint8Array(0);
  let off = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (off === buf.length) {
        buf = sha256(new Writer().fixed(prefix).u64(counter++).finish());
        off = 0;
      }
      out[i] = buf[off++];
    }
    return out;
  };
}
