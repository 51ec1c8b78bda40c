/**
 * Benchmarks for the hash area: SHA3-256, SHAKE128 (incl. the ML-KEM 34 → 840 byte shape),
 * SHAKE256, SHA-256, SHA-512, HMAC-SHA256 and HKDF-SHA256 at 64 B, 1 KiB and 1 MiB, and the
 * truncated SHA-2 variants (SHA-224, SHA-384, SHA-512/256) at 1 KiB, against @noble/hashes and
 * node:crypto (OpenSSL, native: a ceiling, not a pure-JS rival).
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import {
  sha224 as nobleSha224,
  sha256 as nobleSha256,
  sha384 as nobleSha384,
  sha512 as nobleSha512,
  sha512_256 as nobleSha512_256,
} from '@noble/hashes/sha2.js';
import { sha3_256 as nobleSha3_256, shake128 as nobleShake128, shake256 as nobleShake256 } from '@noble/hashes/sha3.js';
import {
  hkdf,
  hmac,
  sha224,
  sha256,
  sha3_256,
  sha384,
  sha512,
  sha512_256,
  shake128,
  shake256,
} from '../src/hash/index.ts';
import { fixedInput, type BenchCase } from './harness.ts';

const SIZES = [64, 1024, 1 << 20];


export async function cases(): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  const area = 'hash';
  const key = fixedInput(32, 2);
  const info = fixedInput(16, 3);

  // The ML-KEM SampleNTT shape: ρ ‖ j ‖ i (34 bytes) → 5 blocks of 168 bytes.
  const seed34 = fixedInput(34, 4);
  out.push({
    area,
    op: 'SHAKE128 34 B → 840 B',
    size: 840,
    impls: {
      pqmsg: () => shake128(seed34, 840),
      '@noble/hashes': () => nobleShake128(seed34, { dkLen: 840 }),
      'node:crypto': () => createHash('shake128', { outputLength: 840 }).update(seed34).digest(),
    },
  });

  for (const size of SIZES) {
    const m = fixedInput(size);
    out.push(
      {
        area,
        op: 'SHA3-256',
        size,
        impls: {
          pqmsg: () => sha3_256(m),
          '@noble/hashes': () => nobleSha3_256(m),
          'node:crypto': () => createHash('sha3-256').update(m).digest(),
        },
      },
      {
        area,
        op: 'SHAKE128 (32 B out)',
        size,
        impls: {
          pqmsg: () => shake128(m, 32),
          '@noble/hashes': () => nobleShake128(m, { dkLen: 32 }),
          'node:crypto': () => createHash('shake128', { outputLength: 32 }).update(m).digest(),
        },
      },
      {
        area,
        op: 'SHAKE256 (64 B out)',
        size,
        impls: {
          pqmsg: () => shake256(m, 64),
          '@noble/hashes': () => nobleShake256(m, { dkLen: 64 }),
          'node:crypto': () => createHash('shake256', { outputLength: 64 }).update(m).digest(),
        },
      },
      {
        area,
        op: 'SHA-256',
        size,
        impls: {
          pqmsg: () => sha256(m),
          '@noble/hashes': () => nobleSha256(m),
          'node:crypto': () => createHash('sha256').update(m).digest(),
        },
      },
      {
        area,
        op: 'SHA-512',
        size,
        impls: {
          pqmsg: () => sha512(m),
          '@noble/hashes': () => nobleSha512(m),
          'node:crypto': () => createHash('sha512').update(m).digest(),
        },
      },
      {
        area,
        op: 'HMAC-SHA256',
        size,
        impls: {
          pqmsg: () => hmac('sha256', key, m),
          '@noble/hashes': () => nobleHmac(nobleSha256, key, m),
          'node:crypto': () => createHmac('sha256', key).update(m).digest(),
        },
      },
      {
        area,
        op: 'HKDF-SHA256 (IKM size, 64 B out)',
        size,
        impls: {
          pqmsg: () => hkdf('sha256', m, key, info, 64),
          '@noble/hashes': () => nobleHkdf(nobleSha256, m, key, info, 64),
          'node:crypto': () => hkdfSync('sha256', m, key, info, 64),
        },
      },
    );
  }

  const m1k = fixedInput(1024);
  const variants = [
    ['SHA-224', sha224, nobleSha224, 'sha224'],
    ['SHA-384', sha384, nobleSha384, 'sha384'],
    ['SHA-512/256', sha512_256, nobleSha512_256, 'sha512-256'],
  ] as const;
  for (const [op, ours, noble, nodeName] of variants)
    out.push({
      area,
      op,
      size: 1024,
      impls: {
        pqmsg: () => ours(m1k),
        '@noble/hashes': () => noble(m1k),
        'node:crypto': () => createHash(nodeName).update(m1k).digest(),
      },
    });
  return out;
}
