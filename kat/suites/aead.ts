/** KAT suites for the aead area (filled in by the area's implementation work). */
import type { KatSuite } from '../lib.ts';

export const suites: KatSuite[] = [];
