/**
 * An independent opener of sealed envelopes, written from docs/PROTOCOL.md §13.4–§13.5 on the peer
 * libraries (@noble/*), sharing no code with src/protocol/sealed-sender. The adversary tests give
 * it some of the recipient's secrets and a guess for the others; the vector test uses it to show
 * that the committed envelope opens by the spec alone.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';

const HEADER = 2 + 4 + 1 + 32 + 1088;
const INFO = new TextEncoder().encode('pqmsg_v1_sealed_sender_X25519_ML-KEM-768_SHA-256');

const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

export interface SpecOpened {
  username: string;
  deviceId: number;
  identityHash: Uint8Array;
  envelope: Uint8Array;
}

/**
 * Opens `sealed` per §13.4 with the X25519 secret `x25519Secret` (for DH with E) and the ML-KEM
 * decapsulation key `kemSecret`, for the recipient whose identity encoding and sealed-sender ek are
 * given. Throws if the AEAD tag does not verify.
 */
export function openPerSpec(
  sealed: Uint8Array,
  recipient: { identity: Uint8Array; sealedKey: Uint8Array },
  x25519Secret: Uint8Array,
  kemSecret: Uint8Array,
): SpecOpened {
  const header = sealed.subarray(0, HEADER);
  if (header[0] !== 1 || header[1] !== 3 || header[6] !== 5) throw new Error('not a v1 sealed envelope');
  const E = header.subarray(7, 39);
  const CT = header.subarray(39, HEADER);
  const DH = x25519.getSharedSecret(x25519Secret, E);
  const SS = ml_kem768.decapsulate(CT, kemSecret);
  const TH = sha256(cat(header, sha256(recipient.identity), sha256(recipient.sealedKey)));
  const K = hkdf(sha256, cat(DH, SS), new Uint8Array(32), cat(INFO, TH), 32);
  const padded = chacha20poly1305(K, new Uint8Array(12), TH).decrypt(sealed.subarray(HEADER));
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  if (padded[end] !== 0x80) throw new Error('bad padding');
  const c = padded.subarray(0, end);
  if (c[0] !== 1 || c[1] !== 1 || c[2] !== 1) throw new Error('bad content version or type');
  const nameLen = u32(c, 3);
  const username = new TextDecoder().decode(c.subarray(7, 7 + nameLen));
  let o = 7 + nameLen;
  const deviceId = u32(c, o);
  const identityHash = c.slice(o + 4, o + 36);
  o += 4 + 32 + 8 + 32 + 3373;
  const envLen = u32(c, o);
  return { username, deviceId, identityHash, envelope: c.slice(o + 4, o + 4 + envLen) };
}
