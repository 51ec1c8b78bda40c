/**
 * Benchmarks for the kdf area and the hash under it: BLAKE2b-512 at 64 B, 1 KiB and 1 MiB and
 * keyed BLAKE2b-256 (a MAC) at 1 KiB, against @noble/hashes and node:crypto's blake2b512
 * (OpenSSL, native: a ceiling, not a pure-JS rival); Argon2id at a small cost (4 MiB, t = 1,
 * p = 1) and at ARGON2ID_DEFAULTS (64 MiB, t = 3, p = 4: the client's unlock; ms per unlock =
 * 1000 / ops/s) against @noble/hashes, and node:crypto's argon2Sync where the runtime has it
 * (Node ≥ 24.7).
 */
import * as nodeCrypto from 'node:crypto';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { blake2b as nobleBlake2b } from '@noble/hashes/blake2.js';
import { blake2b } from '../src/hash/index.ts';
import { ARGON2ID_DEFAULTS, argon2id, type Argon2Params } from '../src/kdf/index.ts';
import { fixedInput, type BenchCase } from './harness.ts';

const SIZES = [64, 1024, 1 << 20];

/** node:crypto's argon2Sync (Node ≥ 24.7), typed loosely since @types/node 20 lacks it. */
type NodeArgon2 = (alg: string, p: Record<string, unknown>) => Uint8Array;
const nodeArgon2 = (nodeCrypto as unknown as { argon2Sync?: NodeArgon2 }).argon2Sync;

function argon2Case(label: string, params: Argon2Params): BenchCase {
  const password = fixedInput(16, 7);
  const salt = fixedInput(16, 8);
  const { t, m, p, tagLength } = params;
  const impls: Record<string, () => unknown> = {
    pqmsg: () => argon2id(password, salt, params),
    '@noble/hashes': () => nobleArgon2id(password, salt, { t, m, p, dkLen: tagLength }),
  };
  if (nodeArgon2)
    impls['node:crypto'] = () =>
      nodeArgon2('argon2id', { message: password, nonce: salt, passes: t, memory: m, parallelism: p, tagLength });
  return { area: 'kdf', op: label, impls };
}

export async function cases(): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const size of SIZES) {
    const m = fixedInput(size);
    out.push({
      area: 'kdf',
      op: 'BLAKE2b-512',
      size,
      impls: {
        pqmsg: () => blake2b(m),
        '@noble/hashes': () => nobleBlake2b(m),
        'node:crypto': () => nodeCrypto.createHash('blake2b512').update(m).digest(),
      },
    });
  }
  const key = fixedInput(32, 2);
  const m1k = fixedInput(1024, 3);
  out.push({
    area: 'kdf',
    op: 'BLAKE2b-256 keyed (MAC)',
    size: 1024,
    impls: {
      pqmsg: () => blake2b(m1k, 32, key),
      '@noble/hashes': () => nobleBlake2b(m1k, { dkLen: 32, key }),
    },
  });
  out.push(argon2Case('Argon2id 4 MiB, t=1, p=1', { t: 1, m: 4096, p: 1, tagLength: 32 }));
  out.push(argon2Case('Argon2id unlock: ARGON2ID_DEFAULTS (64 MiB, t=3, p=4)', ARGON2ID_DEFAULTS));
  return out;
}
