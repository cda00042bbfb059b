import type { StoredRecord, Table } from './table.js';

/** One write as the journal saw it: the record that was there before (undefined: none). */
interface JournalEntry {
  table: Table<StoredRecord>;
  id: string;
  before: StoredRecord | undefined;
}

/** A record's state after a transaction, as persistence needs it (undefined: deleted). */
export interface CommittedChange {
  table: Table<StoredRecord>;
  id: string;
  after: StoredRecord | undefined;
}

/**
 * The writes of one transaction, in order. Rolling back replays them backwards, so a call that fails
 * half way leaves every table exactly as it found it.
 */
export class Journal {
  private readonly entries: JournalEntry[] = [];

  recordWrite<T extends StoredRecord>(table: Table<T>, id: string, before: T | undefined): void {
    this.entries.push({ table: table as unknown as Table<StoredRecord>, id, before });
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  rollback(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const { table, id, before } = this.entries[i]!;
      table.restore(id, before);
    }
    this.entries.length = 0;
  }

  /** Each record touched, once, with its final state. */
  changes(): CommittedChange[] {
    const seen = new Map<Table<StoredRecord>, Set<string>>();
    const out: CommittedChange[] = [];
    for (const { table, id } of this.entries) {
      let ids = seen.get(table);
      if (!ids) seen.set(table, (ids = new Set()));
      if (ids.has(id)) continue;
      ids.add(id);
      out.push({ table, id, after: table.get(id) });
    }
    return out;
  }
}
