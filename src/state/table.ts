import type { Journal } from './journal.js';

/** The account and region a table belongs to. */
export interface PartitionScope {
  readonly account: string;
  readonly region: string;
}

/** Every stored record carries its creation sequence number: Describe order is creation order. */
export interface StoredRecord {
  seq: number;
}

type IndexKey = string | number | undefined;

/** A secondary index: the IDs of the records that share one key, kept current on every write. */
export class Index<T> {
  private readonly buckets = new Map<IndexKey, Set<string>>();

  constructor(readonly keyOf: (record: T) => IndexKey) {}

  ids(key: IndexKey): ReadonlySet<string> {
    return this.buckets.get(key) ?? EMPTY;
  }

  count(key: IndexKey): number {
    return this.buckets.get(key)?.size ?? 0;
  }

  has(key: IndexKey): boolean {
    return this.count(key) > 0;
  }

  /** @internal */ add(id: string, record: T): void {
    const key = this.keyOf(record);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Set()));
    bucket.add(id);
  }

  /** @internal */ remove(id: string, record: T): void {
    const key = this.keyOf(record);
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    bucket.delete(id);
    if (bucket.size === 0) this.buckets.delete(key);
  }

  /** @internal */ clear(): void {
    this.buckets.clear();
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Stored records never change: an update puts a new object. Freezing makes that a guarantee (a
 * stray write throws), and lets readers such as the XML writer cache what they derive from a record.
 */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

/**
 * Records of one kind in one partition, in creation order. Records are immutable: an update puts a
 * new object, so a reader holding a record never sees it change, and the journal can restore the
 * old one. Every write goes through the store's open transaction.
 */
export class Table<T extends StoredRecord> {
  private rows = new Map<string, T>();
  private readonly indexes: Index<T>[] = [];

  constructor(
    readonly kind: string,
    readonly idOf: (record: T) => string,
    readonly scope: PartitionScope,
    private readonly journal: () => Journal,
  ) {}

  index(keyOf: (record: T) => IndexKey): Index<T> {
    const index = new Index(keyOf);
    for (const [id, record] of this.rows) index.add(id, record);
    this.indexes.push(index);
    return index;
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  values(): IterableIterator<T> {
    return this.rows.values();
  }

  /** The records with these IDs, skipping IDs that are not here. */
  *pick(ids: Iterable<string>): Generator<T> {
    for (const id of ids) {
      const record = this.rows.get(id);
      if (record) yield record;
    }
  }

  put(record: T): T {
    deepFreeze(record);
    const id = this.idOf(record);
    this.journal().recordWrite(this, id, this.rows.get(id));
    this.write(id, record);
    return record;
  }

  delete(id: string): void {
    const before = this.rows.get(id);
    if (!before) return;
    this.journal().recordWrite(this, id, before);
    this.write(id, undefined);
  }

  /** Puts back what the journal saw before a write, keeping creation order. @internal */
  restore(id: string, before: T | undefined): void {
    const wasAbsent = !this.rows.has(id);
    this.write(id, before);
    if (before && wasAbsent) this.reorderIfNeeded(before);
  }

  /** Loads a record without journaling, for start-up restore and import. @internal */
  load(record: T): void {
    deepFreeze(record);
    this.write(this.idOf(record), record);
  }

  /** @internal */ clear(): void {
    this.rows.clear();
    for (const index of this.indexes) index.clear();
  }

  private write(id: string, record: T | undefined): void {
    const before = this.rows.get(id);
    if (before) for (const index of this.indexes) index.remove(id, before);
    if (record) {
      this.rows.set(id, record);
      for (const index of this.indexes) index.add(id, record);
    } else {
      this.rows.delete(id);
    }
  }

  /** A record restored after a rolled-back delete goes back to its creation position. */
  private reorderIfNeeded(restored: T): void {
    let last: T | undefined;
    for (const record of this.rows.values()) {
      if (record !== restored) last = record;
    }
    if (!last || last.seq < restored.seq) return;
    this.rows = new Map([...this.rows].sort((a, b) => a[1].seq - b[1].seq));
  }
}
