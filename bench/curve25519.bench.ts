/**
 * Benchmarks for the curve25519 area: X25519 public key and shared secret, Ed25519 key
 * generation (public key from seed), sign and verify of a 64-byte message, against
 * @noble/curves (bigint), tweetnacl (16-bit limbs), libsodium-wrappers (WebAssembly) and
 * node:crypto (OpenSSL, native: a ceiling, not a pure-JS rival). Fixed inputs, no RNG.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { ed25519 as nobleEd, x25519 as nobleX } from '@noble/curves/ed25519.js';
import sodium from 'libsodium-wrappers';
import nacl from 'tweetnacl';
import { ed25519, x25519 } from '../src/curve25519/index.ts';
import { fixedInput, type BenchCase } from './harness.ts';


// DER prefixes of PKCS#8 private keys and SPKI public keys (RFC 8410).
const der = (prefix: string, raw: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(prefix, 'hex'), raw]);
const X_PKCS8 = '302e020100300506032b656e04220420';
const X_SPKI = '302a300506032b656e032100';
const ED_PKCS8 = '302e020100300506032b657004220420';
const ED_SPKI = '302a300506032b6570032100';

export async function cases(): Promise<BenchCase[]> {
  await sodium.ready;
  const area = 'curve25519';
  const skA = fixedInput(32, 1);
  const skB = fixedInput(32, 2);
  const pkB = x25519.getPublicKey(skB);
  const nodeXPriv = createPrivateKey({ key: der(X_PKCS8, skA), format: 'der', type: 'pkcs8' });
  const nodeXPub = createPublicKey({ key: der(X_SPKI, pkB), format: 'der', type: 'spki' });

  const seed = fixedInput(32, 3);
  const msg = fixedInput(64, 4);
  const edPk = ed25519.getPublicKey(seed);
  const edSig = ed25519.sign(seed, msg);
  const sk64 = nacl.sign.keyPair.fromSeed(seed).secretKey; // seed ‖ public key (NaCl format)
  const nodeEdPriv = createPrivateKey({ key: der(ED_PKCS8, seed), format: 'der', type: 'pkcs8' });
  const nodeEdPub = createPublicKey({ key: der(ED_SPKI, edPk), format: 'der', type: 'spki' });

  return [
    {
      area,
      op: 'X25519 shared secret',
      impls: {
        pqmsg: () => x25519.getSharedSecret(skA, pkB),
        '@noble/curves': () => nobleX.getSharedSecret(skA, pkB),
        tweetnacl: () => nacl.scalarMult(skA, pkB),
        'libsodium-wrappers': () => sodium.crypto_scalarmult(skA, pkB),
        'node:crypto': () => diffieHellman({ privateKey: nodeXPriv, publicKey: nodeXPub }),
      },
    },
    {
      area,
      op: 'X25519 public key',
      impls: {
        pqmsg: () => x25519.getPublicKey(skA),
        '@noble/curves': () => nobleX.getPublicKey(skA),
        tweetnacl: () => nacl.scalarMult.base(skA),
        'libsodium-wrappers': () => sodium.crypto_scalarmult_base(skA),
      },
    },
    {
      area,
      op: 'Ed25519 keygen (public key from seed)',
      impls: {
        pqmsg: () => ed25519.getPublicKey(seed),
        '@noble/curves': () => nobleEd.getPublicKey(seed),
        tweetnacl: () => nacl.sign.keyPair.fromSeed(seed),
        'libsodium-wrappers': () => sodium.crypto_sign_seed_keypair(seed),
      },
    },
    {
      area,
      op: 'Ed25519 sign 64 B',
      impls: {
        pqmsg: () => ed25519.sign(seed, msg),
        '@noble/curves': () => nobleEd.sign(msg, seed),
        tweetnacl: () => nacl.sign.detached(msg, sk64),
        'libsodium-wrappers': () => sodium.crypto_sign_detached(msg, sk64),
        'node:crypto': () => nodeSign(null, msg, nodeEdPriv),
      },
    },
    {
      area,
      op: 'Ed25519 verify 64 B',
      impls: {
        pqmsg: () => ed25519.verify(edPk, msg, edSig),
        '@noble/curves': () => nobleEd.verify(edSig, msg, edPk),
        tweetnacl: () => nacl.sign.detached.verify(msg, edSig, edPk),
        'libsodium-wrappers': () => sodium.crypto_sign_verify_detached(edSig, msg, edPk),
        'node:crypto': () => nodeVerify(null, msg, nodeEdPub, edSig),
      },
    },
  ];
}
