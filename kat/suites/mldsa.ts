/** KAT suites for the mldsa area (filled in by the area's implementation work). */
import type { KatSuite } from '../lib.ts';

export const suites: KatSuite[] = [];
