import { Journal, type CommittedChange } from './journal.js';
import { Partition } from './partition.js';
import type { StoredRecord } from './table.js';

/** A stored record as persistence and export see it. */
export interface PersistedRecord {
  account: string;
  region: string;
  kind: string;
  id: string;
  seq: number;
  /** The record as JSON. */
  body: string;
}

/** Account, then region, then creation order: the order state is restored and exported in. */
export function inCreationOrder(a: PersistedRecord, b: PersistedRecord): number {
  return a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.seq - b.seq;
}

/** Where committed changes go. Writes of one call happen in one durable transaction. */
export interface Persistence {
  /** The file the state is kept in, named in error messages. */
  readonly path: string;
  loadAll(): Iterable<PersistedRecord>;
  /** Every stored record loaded: what the file may need rewriting on open (an older schema) is done now. */
  loaded?(): void;
  /** `body` undefined deletes the record. Must be atomic: all of it or none. */
  write(changes: (Omit<PersistedRecord, 'body' | 'seq'> & { seq?: number; body?: string })[]): void;
  clear(): void;
  /** Replaces every record, atomically. */
  replaceAll(records: PersistedRecord[]): void;
  close(): void;
  /** A value kept with the state (the pagination token secret), created on first use. */
  metaValue(key: string, initial: () => string): string;
}

/**
 * All state, partitioned by account and region. Every mutating call runs in `transaction`: its writes
 * are journaled, and either all of them are committed (and persisted before the call answers) or
 * all are rolled back. Node runs one call at a time and calls never await inside a transaction, so
 * transactions are serial by construction and readers never see half of one.
 */
export class Store {
  private readonly byKey = new Map<string, Partition>();
  private journal: Journal | undefined;
  private readonly commitListeners: ((touched: ReadonlySet<Partition>) => void)[] = [];

  constructor(private readonly persistence?: Persistence) {
    if (!persistence) return;
    try {
      this.restoreFrom(persistence);
      persistence.loaded?.();
    } catch (error) {
      persistence.close(); // and its lock: the caller may try again once the file is put right
      throw error;
    }
  }

  get persistent(): boolean {
    return this.persistence !== undefined;
  }

  /** A value kept with the state when it is persistent; `initial()` when it is not. */
  metaValue(key: string, initial: () => string): string {
    return this.persistence ? this.persistence.metaValue(key, initial) : initial();
  }

  partition(account: string, region: string): Partition {
    const key = `${account}/${region}`;
    let partition = this.byKey.get(key);
    if (!partition) this.byKey.set(key, (partition = new Partition(account, region, () => this.openJournal())));
    return partition;
  }

  partitions(): IterableIterator<Partition> {
    return this.byKey.values();
  }

  transaction<T>(work: () => T): T {
    if (this.journal) return work();
    const journal = (this.journal = new Journal());
    try {
      const result = work();
      this.commit(journal);
      return result;
    } catch (error) {
      journal.rollback();
      throw error;
    } finally {
      this.journal = undefined;
    }
  }

  /** Runs `work` and undoes whatever it wrote, whether it succeeded or not (DryRun). */
  rehearse<T>(work: () => T): T {
    if (this.journal) throw new Error('a rehearsal cannot run inside a transaction');
    const journal = (this.journal = new Journal());
    try {
      return work();
    } finally {
      journal.rollback();
      this.journal = undefined;
    }
  }

  onCommit(listener: (touched: ReadonlySet<Partition>) => void): void {
    this.commitListeners.push(listener);
  }

  /** Empties every partition, in memory and on disk. */
  reset(): void {
    this.persistence?.clear();
    for (const partition of this.byKey.values()) partition.clear();
    this.byKey.clear();
  }

  /** Every record, for export. */
  *records(): Generator<PersistedRecord> {
    for (const partition of this.byKey.values()) {
      for (const table of partition.tables) {
        for (const record of table.values()) {
          yield {
            account: partition.account,
            region: partition.region,
            kind: table.kind,
            id: table.idOf(record),
            seq: record.seq,
            body: JSON.stringify(record),
          };
        }
      }
    }
  }

  /** Replaces all state with these records (import), persisting them in one transaction. */
  replaceAll(records: Iterable<PersistedRecord>): void {
    const list = [...records].sort(inCreationOrder);
    this.persistence?.replaceAll(list);
    for (const partition of this.byKey.values()) partition.clear();
    this.byKey.clear();
    this.restore(list);
    this.notify(new Set(this.byKey.values()));
  }

  close(): void {
    this.persistence?.close();
  }

  /**
   * Loads the state kept on disk. A record that cannot be loaded (edited by hand, or by something
   * else than mirrorlite) refuses the whole start, naming the file and the record: the server must
   * not run on part of the state, nor write over the rest.
   */
  private restoreFrom(persistence: Persistence): void {
    for (const record of persistence.loadAll()) {
      const { account, region, kind, id } = record;
      const refuse = (reason: string) =>
        new Error(`${persistence.path}: the ${kind} record ${id} of account ${account}, region ${region} ${reason}; the file was left untouched`);
      const partition = this.partition(account, region);
      if (partition.table(kind) === undefined) throw refuse(`is of a kind mirrorlite does not know (kinds: ${partition.tables.map((table) => table.kind).join(', ')})`);
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch (error) {
        throw refuse(`is not JSON (${(error as Error).message})`);
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('is not a JSON object');
      try {
        partition.load(kind, body as StoredRecord);
      } catch (error) {
        throw refuse(`cannot be loaded (${(error as Error).message})`);
      }
    }
  }

  /** Records of an import, which fromStateFile has checked already: restoreFrom() is for the disk's. */
  private restore(records: Iterable<PersistedRecord>): void {
    for (const record of records) {
      this.partition(record.account, record.region).load(record.kind, JSON.parse(record.body));
    }
  }

  private openJournal(): Journal {
    if (!this.journal) throw new Error('state is written outside a transaction');
    return this.journal;
  }

  private commit(journal: Journal): void {
    if (journal.isEmpty) return;
    const changes = journal.changes();
    if (this.persistence) this.persistence.write(changes.map(toPersisted));
    const touched = new Set(changes.map(({ table }) => table.scope as Partition));
    this.notify(touched);
  }

  private notify(touched: Set<Partition>): void {
    for (const partition of touched) partition.version++;
    for (const listener of this.commitListeners) listener(touched);
  }
}

function toPersisted({ table, id, after }: CommittedChange) {
  return {
    account: table.scope.account,
    region: table.scope.region,
    kind: table.kind,
    id,
    ...(after ? { seq: after.seq, body: JSON.stringify(after) } : {}),
  };
}
