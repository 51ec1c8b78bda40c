/**
 * The native reference line for the protocol benchmark: Signal's own PQXDH + Double Ratchet
 * (@signalapp/libsignal-client, Rust through N-API, Kyber-1024 + X25519 + XEdDSA), driven through
 * in-memory stores. A devDependency rival only; pqmsg never calls it.
 */
import * as S from '@signalapp/libsignal-client';

class MemorySessions extends S.SessionStore {
  private sessions = new Map<string, Uint8Array<ArrayBuffer>>();
  async saveSession(name: S.ProtocolAddress, record: S.SessionRecord): Promise<void> {
    this.sessions.set(name.toString(), record.serialize());
  }
  async getSession(name: S.ProtocolAddress): Promise<S.SessionRecord | null> {
    const bytes = this.sessions.get(name.toString());
    return bytes ? S.SessionRecord.deserialize(bytes) : null;
  }
  async getExistingSessions(addresses: S.ProtocolAddress[]): Promise<S.SessionRecord[]> {
    return Promise.all(addresses.map(async (a) => (await this.getSession(a))!));
  }
}

class MemoryIdentities extends S.IdentityKeyStore {
  private known = new Map<string, S.PublicKey>();
  constructor(private readonly pair: S.IdentityKeyPair) {
    super();
  }
  async getIdentityKey(): Promise<S.PrivateKey> {
    return this.pair.privateKey;
  }
  async getLocalRegistrationId(): Promise<number> {
    return 1;
  }
  async saveIdentity(name: S.ProtocolAddress, key: S.PublicKey): Promise<S.IdentityChange> {
    const old = this.known.get(name.toString());
    this.known.set(name.toString(), key);
    return old && !old.equals(key) ? S.IdentityChange.ReplacedExisting : S.IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(): Promise<boolean> {
    return true;
  }
  async getIdentity(name: S.ProtocolAddress): Promise<S.PublicKey | null> {
    return this.known.get(name.toString()) ?? null;
  }
}

class MemoryPreKeys extends S.PreKeyStore {
  readonly records = new Map<number, S.PreKeyRecord>();
  async savePreKey(id: number, record: S.PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  async getPreKey(id: number): Promise<S.PreKeyRecord> {
    return this.records.get(id)!;
  }
  async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

class MemorySignedPreKeys extends S.SignedPreKeyStore {
  constructor(private readonly record: S.SignedPreKeyRecord) {
    super();
  }
  async saveSignedPreKey(): Promise<void> {}
  async getSignedPreKey(): Promise<S.SignedPreKeyRecord> {
    return this.record;
  }
}

class MemoryKyberPreKeys extends S.KyberPreKeyStore {
  constructor(private readonly record: S.KyberPreKeyRecord) {
    super();
  }
  async saveKyberPreKey(): Promise<void> {}
  async getKyberPreKey(): Promise<S.KyberPreKeyRecord> {
    return this.record;
  }
  async markKyberPreKeyUsed(): Promise<void> {}
}

const ALICE = S.ProtocolAddress.new('alice', 1);
const BOB = S.ProtocolAddress.new('bob', 1);

/** Bob's published keys: identity, signed prekey, last-resort Kyber prekey (made once). */
function makeBob() {
  const identity = S.IdentityKeyPair.generate();
  const spk = S.PrivateKey.generate();
  const spkSig = identity.privateKey.sign(spk.getPublicKey().serialize());
  const kyber = S.KEMKeyPair.generate();
  const kyberSig = identity.privateKey.sign(kyber.getPublicKey().serialize());
  return {
    identity,
    spk,
    spkSig,
    kyber,
    kyberSig,
    signedStore: new MemorySignedPreKeys(S.SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, spkSig)),
    kyberStore: new MemoryKyberPreKeys(S.KyberPreKeyRecord.new(1, Date.now(), kyber, kyberSig)),
  };
}

/**
 * One full handshake: Alice processes Bob's bundle (signature checks, PQXDH initiate), encrypts a
 * first 1 KiB message, Bob decrypts it (PQXDH respond). A fresh one-time EC prekey each time.
 */
export async function libsignalHandshakeFactory(): Promise<() => Promise<unknown>> {
  const bob = makeBob();
  const alicePair = S.IdentityKeyPair.generate();
  const message = new Uint8Array(1024);
  let nextId = 1;
  return async () => {
    const opk = S.PrivateKey.generate();
    const bobPreKeys = new MemoryPreKeys();
    const id = nextId++;
    await bobPreKeys.savePreKey(id, S.PreKeyRecord.new(id, opk.getPublicKey(), opk));
    const bundle = S.PreKeyBundle.new(1, 1, id, opk.getPublicKey(), 1, bob.spk.getPublicKey(), bob.spkSig,
      bob.identity.publicKey, 1, bob.kyber.getPublicKey(), bob.kyberSig);
    const aliceSessions = new MemorySessions();
    const aliceIds = new MemoryIdentities(alicePair);
    await S.processPreKeyBundle(bundle, BOB, ALICE, aliceSessions, aliceIds);
    const ct = await S.signalEncrypt(message, BOB, ALICE, aliceSessions, aliceIds);
    return S.signalDecryptPreKey(S.PreKeySignalMessage.deserialize(ct.serialize()), ALICE, BOB,
      new MemorySessions(), new MemoryIdentities(bob.identity), bobPreKeys, bob.signedStore, bob.kyberStore);
  };
}

/** An established session; each call sends one 1 KiB message Alice → Bob and decrypts it. */
export async function libsignalRatchetFactory(): Promise<() => Promise<unknown>> {
  const bob = makeBob();
  const alicePair = S.IdentityKeyPair.generate();
  const bundle = S.PreKeyBundle.new(1, 1, null, null, 1, bob.spk.getPublicKey(), bob.spkSig,
    bob.identity.publicKey, 1, bob.kyber.getPublicKey(), bob.kyberSig);
  const aliceSessions = new MemorySessions();
  const aliceIds = new MemoryIdentities(alicePair);
  const bobSessions = new MemorySessions();
  const bobIds = new MemoryIdentities(bob.identity);
  await S.processPreKeyBundle(bundle, BOB, ALICE, aliceSessions, aliceIds);
  const first = await S.signalEncrypt(new Uint8Array(1), BOB, ALICE, aliceSessions, aliceIds);
  await S.signalDecryptPreKey(S.PreKeySignalMessage.deserialize(first.serialize()), ALICE, BOB, bobSessions, bobIds,
    new MemoryPreKeys(), bob.signedStore, bob.kyberStore);
  const reply = await S.signalEncrypt(new Uint8Array(1), ALICE, BOB, bobSessions, bobIds);
  await S.signalDecrypt(S.SignalMessage.deserialize(reply.serialize()), BOB, ALICE, aliceSessions, aliceIds);
  const message = new Uint8Array(1024);
  return async () => {
    const ct = await S.signalEncrypt(message, BOB, ALICE, aliceSessions, aliceIds);
    return S.signalDecrypt(S.SignalMessage.deserialize(ct.serialize()), ALICE, BOB, bobSessions, bobIds);
  };
}
