/**
 * TickBatcher (src/server/pg-batch.ts), the PostgreSQL store's group commit: calls made while a
 * batch is at the database form the next batch; at most `maxInFlight` batches at once and
 * `maxBatch` calls per batch; each caller gets its own outcome, and a batch that rejects as a
 * whole rejects each of its callers.
 */
import { describe, expect, test } from 'vitest';
import { TickBatcher } from '../../src/server/pg-batch.ts';

/** A batch runner whose batches finish only when the test says so. */
function controlled() {
  const batches: { inputs: number[]; finish: (fail?: Error) => void }[] = [];
  const run = (inputs: readonly number[]) =>
    new Promise<PromiseSettledResult<number>[]>((resolve, reject) => {
      batches.push({
        inputs: [...inputs],
        finish: (fail) =>
          fail
            ? reject(fail)
            : resolve(inputs.map((i) => (i < 0 ? { status: 'rejected', reason: new Error(`bad ${i}`) } : { status: 'fulfilled', value: i * 10 }))),
      });
    });
  return { batches, run };
}

const tick = () => new Promise((r) => setImmediate(r));
/** A finished batch's callbacks run, then the flush they schedule. */
const afterFinish = async () => {
  await tick();
  await tick();
};

describe('TickBatcher', () => {
  test('calls of one turn form one batch; calls made while it runs form the next', async () => {
    const { batches, run } = controlled();
    const b = new TickBatcher(run, 1, 100);
    const first = [1, 2, 3].map((i) => b.call(i));
    await tick();
    expect(batches.map((x) => x.inputs)).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((i) => b.call(i));
    await tick();
    expect(batches.length).toBe(1); // one in flight: 4 and 5 wait
    batches[0].finish();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await afterFinish();
    expect(batches.map((x) => x.inputs)).toEqual([[1, 2, 3], [4, 5]]);
    batches[1].finish();
    expect(await Promise.all(second)).toEqual([40, 50]);
  });

  test('maxBatch splits a turn; maxInFlight batches go out at once', async () => {
    const { batches, run } = controlled();
    const b = new TickBatcher(run, 2, 2);
    const calls = [1, 2, 3, 4, 5].map((i) => b.call(i));
    await tick();
    expect(batches.map((x) => x.inputs)).toEqual([[1, 2], [3, 4]]);
    batches[1].finish();
    await afterFinish();
    expect(batches.map((x) => x.inputs)).toEqual([[1, 2], [3, 4], [5]]);
    batches[0].finish();
    batches[2].finish();
    expect(await Promise.all(calls)).toEqual([10, 20, 30, 40, 50]);
  });

  test('per-call failures stay per call; a batch that rejects rejects each of its callers', async () => {
    const { batches, run } = controlled();
    const b = new TickBatcher(run, 1, 100);
    const mixed = [1, -2, 3].map((i) => b.call(i));
    await tick();
    batches[0].finish();
    const settled = await Promise.allSettled(mixed);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const doomed = [7, 8].map((i) => b.call(i));
    await tick();
    batches[1].finish(new Error('connection lost'));
    const lost = await Promise.allSettled(doomed);
    expect(lost.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : 'ok'))).toEqual(['connection lost', 'connection lost']);
  });
});
