/**
 * The trace recorder of the committed vectors (PQXDH transcript, sealed sender, devices): each
 * TraceEvent of the protocol (src/protocol/trace.ts) becomes a step with its values in hex.
 */
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import { toHex } from '../../../src/util/bytes.ts';

export interface Step<Actor extends string> {
  actor: Actor;
  step: string;
  section: string;
  values: Record<string, string>;
}

/** `steps` fills as the tracers made by `tracer(actor)` are called. */
export function recordSteps<Actor extends string>(): {
  steps: Step<Actor>[];
  tracer: (actor: Actor) => (e: TraceEvent) => void;
} {
  const steps: Step<Actor>[] = [];
  const tracer = (actor: Actor) => (e: TraceEvent) => {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.values)) values[k] = toHex(v);
    steps.push({ actor, step: e.step, section: e.section, values });
  };
  return { steps, tracer };
}
