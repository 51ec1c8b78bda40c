/**
 * `pqmsg init --name NAME [--no-passphrase] [--argon2 m=KiB,t=N,p=N]`: creates the account
 * directory and its encrypted store, generates the device identity, prints address and
 * fingerprint. The store key comes from a passphrase through Argon2id (default parameters:
 * RFC 9106 §4, second recommended option), or with --no-passphrase from a random key file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { NAME_RULE } from '../../client/account.ts';
import type { ClientStore } from '../../client/store.ts';
import type { Argon2Params } from '../../client/unlock.ts';
import type { RandomSource } from '../../util/random.ts';
import { ClientError } from '../../util/errors.ts';
import {
  STORE_FILE,
  accountDir,
  ensureDir,
  globals,
  outputFor,
  passphrase,
  writeKeyFile,
  type GlobalOptions,
} from '../context.ts';
import { UsageError } from '../exit-codes.ts';

interface InitOptions {
  readonly name: string;
  readonly passphrase: boolean;
  readonly argon2?: string;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create this device\'s account and encrypted store in --dir')
    .requiredOption('--name <name>', `account name: ${NAME_RULE}`)
    .option('--no-passphrase', 'keep a random store key in DIR/store.key (0600), no passphrase')
    .option(
      '--argon2 <m=KiB,t=N,p=N>',
      'Argon2id cost (default m=65536,t=3,p=4: RFC 9106 §4); lower it only for tests',
    )
    .action(async (options: InitOptions, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      const { isValidName, createAccount } = await import('../../client/account.ts');
      if (!isValidName(options.name))
        throw new UsageError(`--name must be ${NAME_RULE} (got "${options.name}")`);
      const settings = await newStoreSettings(opts, options);
      const [{ defaultRandom }, { defaultSuite }] = await Promise.all([
        import('../../util/random.ts'),
        import('../../protocol/default-suite.ts'),
      ]);
      const { dir, phrase } = settings;
      const store = await createNewStore(settings, defaultRandom);
      try {
        const name = options.name;
        const account = createAccount(store, defaultSuite, defaultRandom, name, Date.now());
        if (phrase === undefined)
          out.note(
            `no passphrase: the store key is in ${join(dir, 'store.key')} (mode 0600); ` +
              'anyone who can read that file can read this account',
          );
        const { address, fingerprint } = account;
        out.print(`created ${address} in ${dir}\nidentity fingerprint: ${fingerprint}`, {
          type: 'account',
          name,
          dir,
          address,
          fingerprint,
        });
      } finally {
        store.close();
      }
    });
}

/** Parses `m=KiB,t=N,p=N` (RFC 9106 §3.1 bounds: p ≥ 1, t ≥ 1, m ≥ 8p KiB). */
/** What a new store needs, checked before anything is written (init and link share it). */
export interface NewStoreSettings {
  readonly dir: string;
  readonly params: Argon2Params | undefined;
  /** Undefined with --no-passphrase: the key goes to a 0600 key file. */
  readonly phrase: string | undefined;
}

/**
 * Checks --argon2 against --no-passphrase and that --dir holds no account yet, then asks for the
 * passphrase: everything that can fail on user input, before anything is written.
 */
export async function newStoreSettings(
  opts: GlobalOptions,
  options: { readonly passphrase: boolean; readonly argon2?: string },
): Promise<NewStoreSettings> {
  if (!options.passphrase && options.argon2 !== undefined)
    throw new UsageError('--argon2 sets the passphrase cost: not with --no-passphrase');
  const params = options.argon2 ? parseArgon2(options.argon2) : undefined;
  const dir = accountDir(opts);
  if (existsSync(join(dir, STORE_FILE)))
    throw new ClientError('ALREADY_INITIALIZED', `${dir} already holds a pqmsg account`);
  const phrase = options.passphrase ? await passphrase(true) : undefined;
  return { dir, params, phrase };
}

/** Creates the encrypted store in `settings.dir`: keyed by the passphrase (Argon2id) or a random key file. */
export async function createNewStore(settings: NewStoreSettings, random: RandomSource): Promise<ClientStore> {
  const [unlock, { SqliteRowStore }] = await Promise.all([
    import('../../client/unlock.ts'),
    import('../../client/sqlite-store.ts'),
  ]);
  const { dir, params, phrase } = settings;
  ensureDir(dir);
  let secret: Parameters<typeof unlock.createStore>[1];
  if (phrase !== undefined) secret = { kind: 'passphrase', passphrase: phrase };
  else {
    const key = random(unlock.STORE_KEY_BYTES);
    writeKeyFile(dir, key);
    secret = { kind: 'keyfile', key };
  }
  return unlock.createStore(new SqliteRowStore(join(dir, STORE_FILE), { create: true }), secret, params, random);
}

export function parseArgon2(text: string): { memoryKiB: number; iterations: number; parallelism: number } {
  const fields = new Map(text.split(',').map((kv) => kv.split('=') as [string, string]));
  const num = (k: string) => {
    const v = fields.get(k);
    if (v === undefined || !/^[1-9][0-9]{0,8}$/.test(v))
      throw new UsageError(`--argon2: ${k} must be a positive integer (e.g. m=65536,t=3,p=4)`);
    return Number(v);
  };
  const params = { memoryKiB: num('m'), iterations: num('t'), parallelism: num('p') };
  if (fields.size !== 3) throw new UsageError('--argon2 takes exactly m=…,t=…,p=…');
  if (params.parallelism > 255 || params.memoryKiB < 8 * params.parallelism)
    throw new UsageError('--argon2: need p ≤ 255 and m ≥ 8·p KiB (RFC 9106 §3.1)');
  return params;
}
