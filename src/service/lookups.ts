import type { StoredRecord, Table } from '../state/table.js';
import { malformedId, notFound, type ResourceKind } from './errors.js';
import { isIdOf, type IdKind } from '../state/ids.js';

/**
 * The record an input names, or the error EC2 gives: `…Malformed` for an ID of the wrong shape
 * (where EC2 has such a code), `…NotFound` for one that does not exist in the caller's account and
 * region.
 */
export function existing<T extends StoredRecord>(table: Table<T>, kind: ResourceKind & IdKind, id: string): T {
  if (!isIdOf(kind, id)) throw malformedId(kind, id);
  const record = table.get(id);
  if (!record) throw notFound(kind, id);
  return record;
}
