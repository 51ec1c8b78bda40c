/** Benchmarks for the mldsa area (filled in by the area's implementation work). */
import type { BenchCase } from './harness.ts';

export async function cases(): Promise<BenchCase[]> {
  return [];
}
