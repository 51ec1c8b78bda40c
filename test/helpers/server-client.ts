/**
 * A small test device for the delivery service: one WebSocket speaking the frame codec
 * (src/wire/frame.ts), signing its registration and authentication with the protocol's hybrid
 * signature, with helpers to await responses (an ERROR frame rejects with a ServerError), pushes
 * and the close. Also usable against an in-process server.
 */
import WebSocket from 'ws';
import {
  defaultSuite,
  encodeIdentityPublic,
  generateIdentity,
  hybridSign,
  type IdentityKeyPair,
} from '../../src/protocol/index.ts';
import { ServerError, type ServerErrorCode } from '../../src/util/errors.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { Address } from '../../src/wire/address.ts';
import {
  SIGNATURE_LABEL_AUTH,
  SIGNATURE_LABEL_REGISTER,
  authTranscript,
  registerTranscript,
} from '../../src/wire/auth-transcript.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import type { DeliveredMessage, Push } from '../../src/wire/pushes.ts';
import type { Request } from '../../src/wire/requests.ts';
import type { Response } from '../../src/wire/responses.ts';

const WAIT_MS = 30_000;

type ResponseOf<Op extends Request['op']> = Extract<Response, { op: Op }>;

export interface ErrorFrame {
  id: number;
  code: ServerErrorCode;
  fatal: boolean;
  message: string;
}

export class TestClient {
  readonly pushes: Push[] = [];
  readonly errors: ErrorFrame[] = [];
  /** Every RESPONSE and ERROR frame, in arrival order (also those answering `sendRaw`). */
  readonly replies: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Called on every push as it arrives (benchmarks time deliveries with it). */
  onPush?: (p: Push) => void;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly serverIdentity: Uint8Array,
    readonly challenge: Uint8Array,
  ) {
    this.closed = new Promise((res) =>
      ws.once('close', (code, reason) => {
        for (const p of this.pending.values()) p.reject(new Error(`closed ${code} before a response`));
        this.notify();
        res({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => this.onFrame(decodeFrame(new Uint8Array(data as Buffer))));
  }

  /** Opens a socket and waits for the CHALLENGE push. */
  static async connect(wsUrl: string): Promise<TestClient> {
    const ws = new WebSocket(wsUrl);
    const first = await new Promise<Frame>((res, rej) => {
      ws.once('message', (data) => res(decodeFrame(new Uint8Array(data as Buffer))));
      ws.once('error', rej);
    });
    if (first.kind !== 'push' || first.push.type !== 'challenge') throw new Error('expected a CHALLENGE push first');
    return new TestClient(ws, first.push.serverIdentity, first.push.challenge);
  }

  /** Sends a request; resolves its response, rejects with ServerError on an ERROR frame. */
  request<R extends Request>(req: R): Promise<ResponseOf<R['op']>> {
    const id = this.nextId++;
    const p = new Promise<Response>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.ws.send(encodeFrame({ kind: 'request', id, request: req }));
    return p as Promise<ResponseOf<R['op']>>;
  }

  /** Sends raw bytes as one binary frame. */
  sendRaw(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  async register(identity: IdentityKeyPair, username: string): Promise<Address> {
    const address = { username, deviceId: 1 };
    const encoded = encodeIdentityPublic(identity.publicKey);
    const transcript = registerTranscript(this.serverHash(), this.challenge, address, encoded);
    const signature = hybridSign(defaultSuite, identity, SIGNATURE_LABEL_REGISTER, transcript, defaultRandom);
    await this.request({ op: 'register', address, identity: encoded, signature });
    return address;
  }

  /** The AUTHENTICATE signature for this connection's challenge. */
  authSignature(identity: IdentityKeyPair, address: Address): Uint8Array {
    const transcript = authTranscript(this.serverHash(), this.challenge, address);
    return hybridSign(defaultSuite, identity, SIGNATURE_LABEL_AUTH, transcript, defaultRandom);
  }

  async authenticate(identity: IdentityKeyPair, address: Address): Promise<number> {
    const signature = this.authSignature(identity, address);
    return (await this.request({ op: 'authenticate', address, signature })).queued;
  }

  /** Resolves the first push (from index `from` on) matching `pred`. */
  async waitPush<P extends Push>(pred: (p: Push) => p is P, from = 0): Promise<P> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.pushes.slice(from).find(pred);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting for a push');
      if (Date.now() > deadline) throw new Error('timed out waiting for a push');
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 200);
      });
    }
  }

  /** Waits until `n` MESSAGE pushes have arrived; returns them in arrival order. */
  async messages(n: number): Promise<DeliveredMessage[]> {
    const got = () => this.delivered();
    const deadline = Date.now() + WAIT_MS;
    while (got().length < n) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed after ${got().length} of ${n} messages`);
      if (Date.now() > deadline) throw new Error(`timed out after ${got().length} of ${n} messages`);
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 200);
      });
    }
    return got();
  }

  /** Resolves the first reply, or undefined if the socket closes without one. */
  async firstReply(): Promise<Frame | undefined> {
    const deadline = Date.now() + WAIT_MS;
    while (this.replies.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) return undefined;
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 200);
      });
    }
    return this.replies[0];
  }

  delivered(): DeliveredMessage[] {
    return this.pushes.flatMap((p) => (p.type === 'message' ? [p.message] : []));
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.closed;
  }

  private serverHash(): Uint8Array {
    return defaultSuite.sha256(this.serverIdentity);
  }

  private onFrame(f: Frame): void {
    if (f.kind === 'push') {
      this.pushes.push(f.push);
      this.onPush?.(f.push);
    }
    else if (f.kind === 'response' || f.kind === 'error') {
      this.replies.push(f);
      if (f.kind === 'error') this.errors.push({ id: f.id, code: f.code, fatal: f.fatal, message: f.message });
      const p = this.pending.get(f.id);
      if (p) {
        this.pending.delete(f.id);
        if (f.kind === 'response') p.resolve(f.response);
        else p.reject(new ServerError(f.code, f.message));
      }
    }
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const res of w) res();
  }
}

/** A fresh device identity (random). */
export function newIdentity(): IdentityKeyPair {
  return generateIdentity(defaultSuite, defaultRandom);
}

/** 16 random bytes: a client message id. */
export function newMessageId(): Uint8Array {
  return defaultRandom(16);
}

/** The code of the ServerError a promise rejects with ('no error' if it resolves). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return e instanceof ServerError ? e.code : `untyped: ${String(e)}`;
  }
}
