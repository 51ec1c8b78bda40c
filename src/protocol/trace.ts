/**
 * Optional protocol tracing for learners (`npm start -- --trace`) and for the transcript vectors.
 * Protocol functions accept an optional `trace` callback and report each KDF step with the spec
 * section it implements. The callback receives the real values: whoever prints them must show only
 * short fingerprints of secrets (see `fingerprint`), never whole keys.
 */

export interface TraceEvent {
  /** What happened, e.g. 'KDF_RK' or 'PQXDH DH1 = DH(IK_A, SPK_B)'. */
  step: string;
  /** Spec citation, e.g. 'Double Ratchet rev. 1 §5.2'. */
  section: string;
  /** Named inputs/outputs of the step. */
  values: Record<string, Uint8Array>;
}

export type Trace = (event: TraceEvent) => void;
