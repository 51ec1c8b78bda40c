/**
 * The cost of cover traffic (issue 13 item 6; docs/CLIENT.md §8): one dummy is a sealed, padded
 * COVER content, so it costs what a short sealed message costs — the sender's ratchet encrypt +
 * seal, the recipient's open (certificate cached after the first) + ratchet decrypt — and its
 * bytes: the sealed envelope in one SEND_SEALED frame up and one SEALED_MESSAGE push down. Prints,
 * per rate R (dummies per hour), the bandwidth and CPU per hour and per day on this machine, and
 * returns the two per-dummy cases for the harness.
 */
import { encodeCoverContent, padContent } from '../src/client/content.ts';
import { COVER_MAX_FILLER } from '../src/client/cover-traffic.ts';
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { fixedInput, type BenchCase } from './harness.ts';
import { setup } from './sealed-sender.bench.ts';

/** The rates the table shows, dummies per hour. */
const RATES = [1, 6, 60, 360];
/** SEND_SEALED frame minus the envelope: version, kind, id, op, bytes(username ≤ 32)+device, client id, access key, two lengths. */
const SEND_FRAME_OVERHEAD = 1 + 1 + 4 + 1 + (4 + 5) + 4 + 16 + (4 + 32) + 4;
/** SEALED_MESSAGE push minus the envelope: version, kind, type, guid, timestamp, client id, length. */
const PUSH_FRAME_OVERHEAD = 1 + 1 + 1 + 8 + 8 + 16 + 4;

function msPerCall(fn: () => unknown, calls: number): number {
  for (let i = 0; i < 5; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - t0) / calls;
}

export async function cases(): Promise<BenchCase[]> {
  // The largest dummy: COVER with the longest filler, padded as every plaintext is.
  const dummy = setup(defaultSuite, padContent(encodeCoverContent(fixedInput(COVER_MAX_FILLER))));
  const envelope = dummy.sizes.sealed;
  const send = msPerCall(dummy.sendSealed, 40);
  const receive = msPerCall(dummy.receiveSealedCached, 40);
  const lines = [
    `cover traffic · one dummy: sealed envelope ${envelope} B; up ${envelope + SEND_FRAME_OVERHEAD} B, ` +
      `down ${envelope + PUSH_FRAME_OVERHEAD} B; sender ${send.toFixed(2)} ms, recipient ${receive.toFixed(2)} ms CPU`,
    'rate/h | sender up/day | recipient down/day | sender CPU/day | recipient CPU/day | radio wake-ups/day',
  ];
  for (const r of RATES) {
    const perDay = 24 * r;
    const mb = (b: number) => `${((perDay * b) / 1e6).toFixed(2)} MB`;
    const s = (ms: number) => `${((perDay * ms) / 1000).toFixed(1)} s`;
    lines.push(
      `${String(r).padStart(6)} | ${mb(envelope + SEND_FRAME_OVERHEAD).padStart(13)} | ` +
        `${mb(envelope + PUSH_FRAME_OVERHEAD).padStart(18)} | ${s(send).padStart(14)} | ` +
        `${s(receive).padStart(17)} | ${String(perDay).padStart(18)}`,
    );
  }
  console.log(lines.join('\n') + '\n');
  return [
    {
      area: 'cover-traffic',
      op: 'one dummy, sender: ratchet encrypt + seal (padded COVER content)',
      size: envelope,
      impls: { pqmsg: dummy.sendSealed },
    },
    {
      area: 'cover-traffic',
      op: 'one dummy, recipient: open (certificate cached) + ratchet decrypt',
      size: envelope,
      impls: { pqmsg: dummy.receiveSealedCached },
    },
  ];
}
