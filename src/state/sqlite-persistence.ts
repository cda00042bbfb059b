import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileErrorReason } from '../os/file-errors.js';
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

const META_COLUMNS = ['key', 'value'];
const RECORD_COLUMNS = ['account', 'region', 'kind', 'id', 'seq', 'body'];

export class StateFileError extends Error {
  override name = 'StateFileError';
}

export interface SqliteOptions {
  /** Open without taking the lock or writing anything (export from a stopped server). */
  readOnly?: boolean;
}

/**
 * Opens DIR/mirrorlite.db, creating DIR (and, unless readOnly, the database) when missing. Every
 * refusal is a StateFileError naming the file or folder, the reason, and that it was left untouched.
 */
export function openSqlitePersistence(dataDir: string, options: SqliteOptions = {}): SqlitePersistence {
  const dir = resolve(dataDir);
  const untouched = (reason: string) => new StateFileError(`cannot keep state in ${dir}: ${reason}; it was left untouched`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw untouched('it is a file, not a directory');
  if (options.readOnly) {
    if (!existsSync(join(dir, DATABASE_FILE))) throw new StateFileError(`${dir} holds no mirrorlite state (${DATABASE_FILE} is missing)`);
  } else {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw untouched(fileErrorReason(error));
      throw new StateFileError(`cannot create ${dir}: ${fileErrorReason(error)}`);
    }
  }
  return new SqlitePersistence(join(dir, DATABASE_FILE), options);
}

export class SqlitePersistence implements Persistence {
  /** An older schema's database, whose version is raised once its records have loaded (loaded()). */
  private upgradePending = false;
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly writeAll: (changes: Parameters<Persistence['write']>[0]) => void;

  constructor(
    readonly path: string,
    options: SqliteOptions = {},
  ) {
    const readOnly = options.readOnly ?? false;
    // SQLite opens a database it may not write read-only without a word, and the server would
    // fail at its first write instead of at start.
    const denied = readOnly ? undefined : deniedAccess(path);
    if (denied !== undefined) throw permissionDenied(path, denied);
    let db: Database.Database | undefined;
    try {
      this.db = db = new Database(path, { readonly: readOnly, fileMustExist: readOnly });
      this.checkSchema(readOnly);
    } catch (error) {
      db?.close(); // and its lock
      throw describeDatabaseError(path, error);
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

  /** Throws a StateFileError naming the file when a page cannot be read (damaged, or a disk error). */
  *loadAll(): Iterable<PersistedRecord> {
    try {
      yield* this.db.prepare('SELECT account, region, kind, id, seq, body FROM records ORDER BY account, region, seq').iterate() as Iterable<PersistedRecord>;
    } catch (error) {
      throw describeDatabaseError(this.path, error);
    }
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
    this.checkColumns('meta', META_COLUMNS);
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const version = Number(row?.value);
    if (!Number.isInteger(version)) throw new StateFileError(`${this.path} has no schema version; it was left untouched`);
    if (version > SCHEMA_VERSION) {
      throw new StateFileError(
        `${this.path} has schema version ${version}, newer than this mirrorlite supports (${SCHEMA_VERSION}); it was left untouched`,
      );
    }
    // Before lock(), which may write (WAL mode is marked in the file's header).
    this.checkColumns('records', RECORD_COLUMNS);
    if (readOnly) return;
    this.lock();
    this.upgradePending = version < SCHEMA_VERSION;
  }

  /** Every column mirrorlite reads and writes is there (a table of another shape failed at the first statement). */
  private checkColumns(table: string, expected: readonly string[]): void {
    const columns = (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name);
    const missing = expected.filter((column) => !columns.includes(column));
    if (missing.length > 0) {
      throw new StateFileError(
        `${this.path} is not a mirrorlite database: its ${table} table has no column ${missing.join(', ')} (it has ${columns.join(', ')}; mirrorlite's has ${expected.join(', ')}); it was left untouched`,
      );
    }
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

  /**
   * The stored records loaded whole: an older schema's version is raised only now, so a file
   * refused while loading keeps its content (the store's upgrade of the records follows).
   */
  loaded(): void {
    if (!this.upgradePending) return;
    this.db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION));
    this.upgradePending = false;
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

function describeDatabaseError(path: string, error: unknown): Error {
  if (error instanceof StateFileError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB') return new StateFileError(`${path} is not a valid SQLite database (${code}); it was left untouched`);
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StateFileError(`${path} is damaged (${code}: ${message}); it was left untouched: restore it from a copy, or move it aside to start with empty state`);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new StateFileError(`${path} is in use by another mirrorlite server; it was left untouched`);
  const denied = code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' ? deniedAccess(path) : undefined;
  if (denied !== undefined) return permissionDenied(path, denied);
  return new StateFileError(`cannot open ${path}: ${message}${code ? ` (${code})` : ''}; it was left untouched`);
}

function permissionDenied(path: string, reason: string): StateFileError {
  return new StateFileError(existsSync(path) ? `cannot open ${path}: permission denied (${reason}); it was left untouched` : `cannot create ${path}: permission denied (${reason})`);
}

/**
 * What this user may not do that SQLite needs, if anything: read and write the database and, in
 * WAL mode, its -wal and -shm files beside it, which it creates in the folder (SQLite says only
 * "unable to open database file" or "attempt to write a readonly database").
 */
function deniedAccess(path: string): string | undefined {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch {
      return `this user may not read and write ${file}`;
    }
  }
  try {
    accessSync(dirname(path), constants.W_OK | constants.X_OK);
  } catch {
    return `this user may not create files in ${dirname(path)}`;
  }
  return undefined;
}
