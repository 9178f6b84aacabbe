import { parseArgs } from 'node:util';
import { generatePassword } from '../core/auth/password.js';
import { systemClock } from '../core/clock.js';
import type { DataSource } from 'typeorm';
import { createBackup } from '../backup/create-backup.js';
import { restoreBackup } from '../backup/restore-backup.js';
import { loadConfig, type Config } from '../config.js';
import { loadKeyMaterial, type KeyMaterial } from '../core/secrets/key-material.js';
import type { Role, UserRecord } from '../core/users/types.js';
import { ROLES } from '@ai-secretary/protocol';
import { isAppError } from '../errors.js';
import { openDatabase } from '../db/data-source.js';
import { createDbPrivacyService } from '../db/privacy.js';
import { createStores } from '../db/stores/index.js';
import { createSecretBox } from '../core/secrets/secret-box.js';
import { createLogger } from '../logger.js';
import { createCoreServices, type CoreServices } from '../services.js';

const USAGE = `Usage: npm run manage -- <command> [args]

  list-users
  create-user <username> [--role admin|user|guest] [--password P]   (password generated and printed if omitted)
  set-password <username> [--password P]                          (signs the user out everywhere and clears
                                                                   the user's failed-login delays)
  set-role <username> <admin|user|guest>
  disable <username> | enable <username> | delete <username>
  list-api-keys
  create-api-key <name> [--owner <username>] [--rate-limit <per minute>]   (the key is printed once)
  revoke-api-key <id or prefix>
  backup [--out FILE]                 (default DATA_DIR/backups/secretary-<time>.tar.gz; safe while the server runs)
  restore FILE [--force] [--reapply-erasures]
                                      (stop the server first; --force replaces an existing install;
                                       --reapply-erasures erases again the contacts erased on this install
                                       since, as listed in DATA_DIR/privacy)

Works on the same database as the server (DATA_DIR / DATABASE_URL).`;

type Out = (line: string) => void;
interface Ctx {
  services: CoreServices;
  args: string[];
  flags: { role?: string; password?: string; owner?: string; 'rate-limit'?: string; out?: string };
  db: DataSource;
  config: Config;
  keys: KeyMaterial;
  out: Out;
}

class UsageError extends Error {}

const CLI_ACTOR = { id: 'cli', username: 'cli' };

function arg(ctx: Ctx, index: number, name: string): string {
  const value = ctx.args[index];
  if (value === undefined) throw new UsageError(`missing <${name}>`);
  return value;
}

function parseRole(value: string | undefined): Role | undefined {
  if (value === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(value)) throw new UsageError(`role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

async function userByName(ctx: Ctx, index = 0): Promise<UserRecord> {
  const username = arg(ctx, index, 'username');
  const user = await ctx.services.users.findByUsername(username);
  if (user === null) throw new UsageError(`no user "${username}"`);
  return user;
}

async function audit(ctx: Ctx, action: string, target: string, details?: Record<string, unknown>) {
  await ctx.services.audit.record({ action, actor: CLI_ACTOR, target, details: { via: 'cli', ...details } });
}

const commands: Record<string, (ctx: Ctx) => Promise<void>> = {
  async 'list-users'(ctx) {
    const { items } = await ctx.services.users.list({ limit: 10_000, offset: 0 });
    for (const u of items) ctx.out(`${u.username}\t${u.role}\t${u.disabled ? 'disabled' : 'enabled'}\t${u.id}`);
  },
  async 'create-user'(ctx) {
    const password = ctx.flags.password ?? generatePassword();
    const user = await ctx.services.users.create({
      username: arg(ctx, 0, 'username'),
      password,
      role: parseRole(ctx.flags.role) ?? 'user',
    });
    await audit(ctx, 'users.create', user.id, { username: user.username, role: user.role });
    ctx.out(`created ${user.username} (${user.role}) ${user.id}`);
    if (ctx.flags.password === undefined) ctx.out(`password: ${password}`);
  },
  async 'set-password'(ctx) {
    const user = await userByName(ctx);
    const password = ctx.flags.password ?? generatePassword();
    await ctx.services.users.setPassword(user.id, password);
    const cleared = await ctx.services.loginThrottle.clearUsername(user.username);
    await audit(ctx, 'users.set_password', user.id, { clearedLoginFailures: cleared });
    ctx.out(`password set for ${user.username}; all sessions signed out; failed-login delays cleared`);
    if (ctx.flags.password === undefined) ctx.out(`password: ${password}`);
  },
  async 'set-role'(ctx) {
    const user = await userByName(ctx);
    const role = parseRole(arg(ctx, 1, 'role'))!;
    await ctx.services.users.update(user.id, { role });
    await audit(ctx, 'users.update', user.id, { role });
    ctx.out(`${user.username} is now ${role}`);
  },
  async disable(ctx) {
    const user = await userByName(ctx);
    await ctx.services.users.update(user.id, { disabled: true });
    await audit(ctx, 'users.update', user.id, { disabled: true });
    ctx.out(`${user.username} disabled; sessions revoked`);
  },
  async enable(ctx) {
    const user = await userByName(ctx);
    await ctx.services.users.update(user.id, { disabled: false });
    await audit(ctx, 'users.update', user.id, { disabled: false });
    ctx.out(`${user.username} enabled`);
  },
  async delete(ctx) {
    const user = await userByName(ctx);
    await ctx.services.users.remove(user.id);
    await audit(ctx, 'users.delete', user.id, { username: user.username });
    ctx.out(`${user.username} deleted`);
  },
  async 'list-api-keys'(ctx) {
    for (const k of await ctx.services.apiKeys.list(null)) {
      ctx.out(`${k.prefix}\t${k.name}\t${k.revokedAt === null ? 'active' : 'revoked'}\t${k.id}`);
    }
  },
  async 'create-api-key'(ctx) {
    const owner = ctx.flags.owner ?? 'admin';
    const ownerRecord = await ctx.services.users.findByUsername(owner);
    if (ownerRecord === null) throw new UsageError(`no user "${owner}"`);
    const limit = ctx.flags['rate-limit'] === undefined ? null : Number(ctx.flags['rate-limit']);
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new UsageError('--rate-limit must be a positive integer');
    const { key, record } = await ctx.services.apiKeys.create({
      name: arg(ctx, 0, 'name'),
      ownerId: ownerRecord.id,
      rateLimitPerMinute: limit,
      createdBy: null,
    });
    await audit(ctx, 'api_keys.create', record.id, { name: record.name, owner });
    ctx.out(`created API key ${record.prefix} (${record.name}) for ${owner}; shown once:`);
    ctx.out(key);
  },
  async 'revoke-api-key'(ctx) {
    const ref = arg(ctx, 0, 'id or prefix');
    const match = (await ctx.services.apiKeys.list(null)).find((k) => k.id === ref || k.prefix === ref);
    if (match === undefined) throw new UsageError(`no API key "${ref}"`);
    await ctx.services.apiKeys.revoke(match.id);
    await audit(ctx, 'api_keys.revoke', match.id);
    ctx.out(`revoked ${match.prefix}`);
  },
  async backup(ctx) {
    const { file, manifest } = await createBackup({
      db: ctx.db,
      dataDir: ctx.config.dataDir,
      keys: ctx.keys,
      out: ctx.flags.out,
    });
    await audit(ctx, 'backups.create', file, { tables: manifest.tables.length, files: manifest.files.length });
    ctx.out(`backup written: ${file}`);
    for (const t of manifest.tables) if (t.rows > 0) ctx.out(`  ${t.name}\t${t.rows}`);
  },
};

/** Restore runs before key material is loaded: loading would generate keys into an empty DATA_DIR. */
async function restore(db: DataSource, config: Config, args: string[], flags: RestoreFlags, out: Out): Promise<void> {
  const file = args[0];
  if (file === undefined) throw new UsageError('missing <FILE>');
  const { manifest, files } = await restoreBackup({ db, dataDir: config.dataDir, file, force: flags.force });
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  out(
    `restored ${rows} rows in ${manifest.tables.length} tables and ${files} files from ${manifest.createdAt} (${manifest.database})`,
  );
  if (!flags.reapplyErasures) return;
  const keys = await loadKeyMaterial(config.dataDir, config, createStores(db).meta);
  const privacy = createDbPrivacyService({
    db,
    dataDir: config.dataDir,
    box: createSecretBox(keys.encryptionKey),
    clock: systemClock,
    logger: createLogger({ logLevel: 'silent', logPretty: false }),
  });
  out(`erased again ${await privacy.reapplyErasures()} contacts erased on this install`);
}

interface RestoreFlags {
  force: boolean;
  reapplyErasures: boolean;
}

export async function runManage(argv: string[], out: Out = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      password: { type: 'string' },
      owner: { type: 'string' },
      'rate-limit': { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      'reapply-erasures': { type: 'boolean' },
    },
  });
  const [name, ...args] = positionals;
  const command = name === undefined || name === 'restore' ? undefined : commands[name];
  if (command === undefined && name !== 'restore') {
    out(USAGE);
    return name === undefined || name === 'help' ? 0 : 2;
  }
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, schema: config.databaseSchema, dataDir: config.dataDir });
  try {
    if (command === undefined) {
      const reapplyErasures = values['reapply-erasures'] === true;
      await restore(db, config, args, { force: values.force === true, reapplyErasures }, out);
      return 0;
    }
    const stores = createStores(db);
    const keys = await loadKeyMaterial(config.dataDir, config, stores.meta);
    const services = createCoreServices(config, stores, keys, systemClock);
    const { force: _force, 'reapply-erasures': _reapply, ...flags } = values;
    await command({ services, args, flags, out, db, config, keys });
    return 0;
  } finally {
    await db.destroy();
  }
}

runManage(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof UsageError
        ? `${error.message}\n\n${USAGE}`
        : isAppError(error)
          ? `${error.code}: ${error.message}`
          : String(error);
    process.stderr.write(`manage: ${message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
