/** The stable code of the typed error (CryptoError, DecodeError, ProtocolError) that fn throws. */
import { CryptoError, DecodeError, ProtocolError } from '../../src/util/errors.ts';

/** Returns the error's code, 'no error' when fn returns, and 'untyped: …' for any other throw. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError || e instanceof DecodeError || e instanceof ProtocolError) return e.code;
    return `untyped: ${String(e)}`;
  }
  return 'no error';
}
