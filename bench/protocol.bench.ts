/** Benchmarks for the protocol (filled in by the protocol work). */
import type { BenchCase } from './harness.ts';

export async function cases(): Promise<BenchCase[]> {
  return [];
}
