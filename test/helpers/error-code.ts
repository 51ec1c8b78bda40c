/** The stable code of the typed error (CryptoError, DecodeError, ProtocolError) that fn throws. */
import { CryptoError, DecodeError, ProtocolError, ServerError } from '../../src/util/errors.ts';

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

/** The code of the ServerError that `p` rejects with; 'no error' when it resolves, 'untyped: …' otherwise. */
export async function serverCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof ServerError ? e.code : `untyped: ${String(e)}`;
  }
  return 'no error';
}
