/**
 * The protocol Suite bound to peer libraries (@noble/*): a test oracle. Running the protocol on
 * this suite and on pqmsg's own must give byte-identical transcripts.
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError } from '../../src/util/errors.ts';
import type { Suite } from '../../src/protocol/suite.ts';

export const nobleSuite: Suite = {
  name: 'noble',
  dh: {
    keygen: (seed) => x25519.keygen(seed.slice()),
    getSharedSecret: (sk, pk) => {
      const s = x25519.getSharedSecret(sk, pk);
      if (s.every((b) => b === 0)) throw new CryptoError('LOW_ORDER', 'X25519: all-zero shared secret');
      return s;
    },
  },
  kem: {
    keygen: (seed) => ml_kem768.keygen(seed.slice()),
    encapsulate: (pk, m) => ml_kem768.encapsulate(pk, m.slice()),
    decapsulate: (ct, sk) => ml_kem768.decapsulate(ct, sk),
  },
  sigClassical: {
    keygen: (seed) => ed25519.keygen(seed.slice()),
    sign: (sk, msg) => ed25519.sign(msg, sk),
    verify: (pk, msg, sig) => {
      try {
        return ed25519.verify(sig, msg, pk, { zip215: false });
      } catch {
        return false;
      }
    },
  },
  sigPQ: {
    keygen: (seed) => ml_dsa65.keygen(seed.slice()),
    sign: (sk, msg, random) => ml_dsa65.sign(msg, sk, { extraEntropy: random.slice() }),
    verify: (pk, msg, sig) => {
      try {
        return ml_dsa65.verify(sig, msg, pk);
      } catch {
        return false;
      }
    },
  },
  aead: {
    seal: (key, nonce, pt, aad) => chacha20poly1305(key, nonce, aad).encrypt(pt),
    open: (key, nonce, ct, aad) => {
      try {
        return chacha20poly1305(key, nonce, aad).decrypt(ct);
      } catch {
        throw new CryptoError('AUTH_FAILED', 'ChaCha20-Poly1305: tag mismatch (RFC 8439 §2.8)');
      }
    },
  },
  xaead: {
    seal: (key, nonce, pt, aad) => xchacha20poly1305(key, nonce, aad).encrypt(pt),
    open: (key, nonce, ct, aad) => {
      try {
        return xchacha20poly1305(key, nonce, aad).decrypt(ct);
      } catch {
        throw new CryptoError('AUTH_FAILED', 'XChaCha20-Poly1305: tag mismatch');
      }
    },
  },
  hkdf: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  hmac: (key, msg) => hmac(sha256, key, msg),
  sha256: (msg) => sha256(msg),
  sha512: (msg) => sha512(msg),
};
