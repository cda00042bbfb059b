import type { Partition } from '../state/partition.js';

/**
 * The answers of read-only calls (Describe*), kept per account and region until the next write to
 * that partition. A Describe is a pure function of the partition's state and the request, so an
 * identical request against unchanged state gets identical bytes; clients that poll (Terraform
 * refreshes, waiters, scripts) are answered without parsing, validating or serialising again.
 * Entries are keyed by the request's exact query string and body, and live only as long as the
 * partition's version (bumped by every committed write) and the partition object itself.
 */

/** Per partition: enough for every Describe a client polls, small enough never to matter. */
const MAX_ENTRIES = 64;
/** Larger answers (a Describe of thousands of resources) are not worth holding on to. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Requests larger than this are not used as keys. */
export const MAX_KEY_BYTES = 8 * 1024;

export interface CachedRead {
  action: string;
  /** The output members, serialised: what follows `<requestId>` in the response. */
  body: Buffer;
}

interface PartitionEntries {
  version: number;
  entries: Map<string, CachedRead>;
}

export class ReadCache {
  private readonly byPartition = new WeakMap<Partition, PartitionEntries>();

  get(partition: Partition, key: string): CachedRead | undefined {
    const cached = this.byPartition.get(partition);
    return cached && cached.version === partition.version ? cached.entries.get(key) : undefined;
  }

  set(partition: Partition, key: string, read: CachedRead): void {
    if (read.body.length > MAX_BODY_BYTES) return;
    let cached = this.byPartition.get(partition);
    if (!cached || cached.version !== partition.version) {
      this.byPartition.set(partition, (cached = { version: partition.version, entries: new Map() }));
    }
    if (cached.entries.size >= MAX_ENTRIES) cached.entries.delete(cached.entries.keys().next().value!);
    cached.entries.set(key, read);
  }
}
