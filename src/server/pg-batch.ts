/**
 * Group commit for the PostgreSQL store (docs/SERVER.md §11): calls of one kind (SEND, ACK, the
 * delivery read) made while earlier batches of that kind are still at the database are queued and
 * run together as ONE statement — one round trip, one transaction, one WAL flush for all of them.
 * A lone call on an idle store goes out on the next turn of the event loop (setImmediate), so
 * batching adds no timer delay; under load the batches grow by themselves while at most
 * `maxInFlight` of them are at the database. Each caller's promise settles only with its batch,
 * so a caller that was told "stored" was told so after the commit.
 * Node-only (setImmediate).
 */

interface Queued<I, O> {
  readonly input: I;
  readonly resolve: (o: O) => void;
  readonly reject: (e: unknown) => void;
}

export class TickBatcher<I, O> {
  private queue: Queued<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  /** `runBatch` settles one outcome per input, in input order (or rejects for the whole batch). */
  constructor(
    private readonly runBatch: (inputs: readonly I[]) => Promise<readonly PromiseSettledResult<O>[]>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.runBatch(batch.map((q) => q.input))
        .then(
          (outcomes) =>
            batch.forEach((q, k) => {
              const o = outcomes[k];
              if (o.status === 'fulfilled') q.resolve(o.value);
              else q.reject(o.reason);
            }),
          (e: unknown) => batch.forEach((q) => q.reject(e)),
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}
