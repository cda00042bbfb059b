import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Persistence, PersistedRecord } from './store.js';

/**
 * State on disk: one SQLite database in the data dir, in WAL mode. Every mutating call's changes are
 * written in one transaction, committed before the call answers; a process killed at any moment
 * leaves either the whole call or none of it. The working set stays in memory (the store), so reads
 * never touch the disk.
 *
 * The database is opened with an exclusive lock for the life of the server: a second server on the
 * same data dir fails at start instead of silently diverging from the first.
 */

export const DATABASE_FILE = 'mirrorlite.db';
/**
 * 2: security group records (same tables). A version 1 database is marked 2 when a server opens it;
 * the server then gives each of its VPCs the default group it derived before (vpcs.ts).
 */
export const SCHEMA_VERSION = 2;

export class StateFileError extends Error {
  override name = 'StateFileError';
}

export interface SqliteOptions {
  /** Open without taking the lock or writing anything (export from a stopped server). */
  readOnly?: boolean;
}

export function openSqlitePersistence(dataDir: string, options: SqliteOptions = {}): SqlitePersistence {
  if (!options.readOnly) mkdirSync(dataDir, { recursive: true });
  else if (!existsSync(join(dataDir, DATABASE_FILE))) throw new StateFileError(`${dataDir} holds no mirrorlite state (${DATABASE_FILE} is missing)`);
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw new StateFileError(`${dataDir} is not a directory`);
  return new SqlitePersistence(join(dataDir, DATABASE_FILE), options);
}

export class SqlitePersistence implements Persistence {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly writeAll: (changes: Parameters<Persistence['write']>[0]) => void;

  constructor(
    readonly path: string,
    options: SqliteOptions = {},
  ) {
    try {
      this.db = new Database(path, { readonly: options.readOnly ?? false, fileMustExist: options.readOnly ?? false });
      this.checkSchema(options.readOnly ?? false);
    } catch (error) {
      throw describeOpenError(path, error);
    }
    this.upsert = this.db.prepare(
      'INSERT INTO records (account, region, kind, id, seq, body) VALUES (@account, @region, @kind, @id, @seq, @body) ' +
        'ON CONFLICT (account, region, kind, id) DO UPDATE SET seq = excluded.seq, body = excluded.body',
    );
    this.remove = this.db.prepare('DELETE FROM records WHERE account = @account AND region = @region AND kind = @kind AND id = @id');
    this.writeAll = this.db.transaction((changes: Parameters<Persistence['write']>[0]) => {
      for (const change of changes) {
        if (change.body === undefined) this.remove.run(change);
        else this.upsert.run(change);
      }
    });
  }

  loadAll(): Iterable<PersistedRecord> {
    return this.db
      .prepare('SELECT account, region, kind, id, seq, body FROM records ORDER BY account, region, seq')
      .iterate() as Iterable<PersistedRecord>;
  }

  write(changes: Parameters<Persistence['write']>[0]): void {
    if (changes.length) this.writeAll(changes);
  }

  clear(): void {
    this.db.prepare('DELETE FROM records').run();
  }

  /** Replaces every record in one transaction (import into a stopped server's data dir). */
  replaceAll(records: PersistedRecord[]): void {
    this.db.transaction(() => {
      this.clear();
      this.writeAll(records);
    })();
  }

  /** A value kept with the state, created on first use (the pagination token secret). */
  metaValue(key: string, initial: () => string): string {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    if (row) return row.value;
    const value = initial();
    if (!this.db.readonly) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, value);
    return value;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private checkSchema(readOnly: boolean): void {
    const tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
    if (tables.length === 0) {
      if (readOnly) throw new StateFileError(`${this.path} is empty`);
      this.create();
      return;
    }
    if (!tables.includes('meta') || !tables.includes('records')) {
      throw new StateFileError(`${this.path} is not a mirrorlite database; it was left untouched`);
    }
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const version = Number(row?.value);
    if (!Number.isInteger(version)) throw new StateFileError(`${this.path} has no schema version; it was left untouched`);
    if (version > SCHEMA_VERSION) {
      throw new StateFileError(
        `${this.path} has schema version ${version}, newer than this mirrorlite supports (${SCHEMA_VERSION}); it was left untouched`,
      );
    }
    if (readOnly) return;
    this.lock();
    if (version < SCHEMA_VERSION) this.db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION));
  }

  private create(): void {
    this.lock();
    this.db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE records (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, region, kind, id)
      ) WITHOUT ROWID;
    `);
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  }

  /** WAL, durable against a killed process at NORMAL sync, and an exclusive lock taken now. */
  private lock(): void {
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // The exclusive lock is taken by the first write; take it at start so a second server fails now.
    this.db.exec('BEGIN IMMEDIATE; COMMIT;');
  }
}

function describeOpenError(path: string, error: unknown): Error {
  if (error instanceof StateFileError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StateFileError(`${path} is not a valid SQLite database (${code}); it was left untouched`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StateFileError(`${path} is in use by another mirrorlite server`);
  }
  return new StateFileError(`cannot open ${path}: ${(error as Error).message}`);
}
