/**
 * Length hiding for sealed content (PROTOCOL.md §13.5): the content gets the ISO/IEC 7816-4 pad
 * (one 0x80 byte, then zeros; the padding Signal applies to message content) up to the Padmé
 * length of K. Nikitin, Barman, Lueks, Underwood, Hubaux, Ford, "Reducing Metadata Leakage from
 * Encrypted Files and Communication with PURBs", PoPETs 2019(4):6–33, "Padmé":
 * a length L is rounded up so that only its top ⌊log₂ E⌋ + 1 bits after the leading one survive,
 * so an observer learns O(log log L) bits of the length, at an overhead below 12 %.
 * Unpadding is strict: the padded length must be exactly Padmé(content + 1) (DecodeError
 * BAD_PADDING otherwise), so every content length has one encoding.
 * Side channels: the unpadding scan stops at the marker, so its time depends on the padding length
 * (which the recipient learns anyway; the server sees only the padded size). Lengths are branched
 * on.
 */
import { copyBytes, expectBytes } from '../../util/bytes.ts';
import { DecodeError } from '../../util/errors.ts';

/** ISO/IEC 7816-4 padding marker: the first pad byte. */
const MARKER = 0x80;

/** Largest length `padme` accepts: the bit tricks below stay in 31-bit integers. */
const MAX_PADME_INPUT = 2 ** 30;

/**
 * Padmé(L): E = ⌊log₂ L⌋, S = ⌊log₂ E⌋ + 1, lastBits = E − S, L rounded up to a multiple of
 * 2^lastBits. PURBs (PoPETs 2019(4)), "Padmé". Differs from the paper: defined as L for L < 2
 * (where ⌊log₂ E⌋ is undefined), which the sealed content, always > 3 KiB, never reaches.
 */
export function padme(L: number): number {
  if (!Number.isInteger(L) || L < 0 || L > MAX_PADME_INPUT)
    throw new DecodeError('BAD_VALUE', `padme: length ${L} out of range`);
  if (L < 2) return L;
  const E = 31 - Math.clz32(L); //                      E ← ⌊log₂ L⌋ (L < 2³⁰: a 31-bit integer)
  const S = 32 - Math.clz32(E); //                      S ← ⌊log₂ E⌋ + 1
  const lastBits = E - S; //                            0 ≤ lastBits < E
  const bitMask = (1 << lastBits) - 1;
  return (L + bitMask) & ~bitMask; //                   L + bitMask < 2³¹: exact in int32
}

/** content ‖ 0x80 ‖ 0x00… of total length Padmé(|content| + 1). PROTOCOL.md §13.5. */
export function pad(content: Uint8Array): Uint8Array {
  expectBytes(content, 'padding input');
  const out = new Uint8Array(padme(content.length + 1));
  out.set(content, 0);
  out[content.length] = MARKER;
  return out;
}

/**
 * Removes the padding of `pad`: the last non-zero byte must be 0x80 and the total length must be
 * Padmé of the content length + 1; anything else throws DecodeError BAD_PADDING. PROTOCOL.md §13.5.
 */
export function unpad(padded: Uint8Array): Uint8Array {
  expectBytes(padded, 'padded content');
  let marker = padded.length - 1;
  while (marker >= 0 && padded[marker] === 0) marker--; // zeros after the marker are the pad
  if (marker < 0 || padded[marker] !== MARKER)
    throw new DecodeError('BAD_PADDING', 'sealed content: no 0x80 padding marker (ISO/IEC 7816-4)');
  if (padme(marker + 1) !== padded.length)
    throw new DecodeError('BAD_PADDING', 'sealed content: padded length is not Padmé(length + 1)');
  return copyBytes(padded, 0, marker);
}
