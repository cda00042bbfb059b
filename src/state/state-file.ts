import { ACCOUNT_ID, Partition, REGION_NAME } from './partition.js';
import { RECORD_CHECKS, UNIQUE_AMONG_KIND } from './state-file-records.js';
import { inCreationOrder, type PersistedRecord } from './store.js';

/**
 * The export format (`mirrorlite state export`): one JSON document holding every record of every
 * account and region, versioned so that an older mirrorlite refuses a file it cannot read.
 *
 *   {
 *     "format": "mirrorlite-state",
 *     "version": 2,
 *     "exportedAt": "2026-11-23T10:00:00.000Z",
 *     "records": [
 *       { "account": "123456789012", "region": "us-east-1", "kind": "traffic-mirror-session",
 *         "id": "tms-…", "record": { "TrafficMirrorSessionId": "tms-…", …, "seq": 7 } },
 *       …
 *     ]
 *   }
 *
 * `kind` is one of STATE_KINDS; `record` is the resource as the API describes it plus mirrorlite's
 * internal fields (`seq`, the creation order; `mtu`; `defaultSecurityGroupId`; a VPC's three
 * attributes once ModifyVpcAttribute has set them, `enableDnsSupport` and the like), or for
 * `client-token` the answer a retried create gets. Records of one account and region are in
 * creation order.
 */

export const STATE_FORMAT = 'mirrorlite-state';
/**
 * 2: security groups and their rules are records (`security-group`, `security-group-rule`). A
 * version 1 file has none: it is read as it is, and the server gives each of its VPCs the default
 * group it derived before, with the same ID (materialiseDefaultSecurityGroups in vpcs.ts).
 */
export const STATE_VERSION = 2;

/** A partition used only for its schema: which kinds exist and how each names its records. */
const SCHEMA = new Partition('000000000000', 'us-east-1', () => {
  throw new Error('the schema partition is never written');
});

/** The record kinds a state file may hold, in restore order. */
export const STATE_KINDS = SCHEMA.tables.map((table) => table.kind);

export class StateFileFormatError extends Error {
  override name = 'StateFileFormatError';
}

interface StateFileRecord {
  account: string;
  region: string;
  kind: string;
  id: string;
  record: Record<string, unknown> & { seq: number };
}

export interface StateFile {
  format: typeof STATE_FORMAT;
  version: number;
  exportedAt: string;
  records: StateFileRecord[];
}

export function toStateFile(records: Iterable<PersistedRecord>): StateFile {
  const ordered = [...records].sort(inCreationOrder);
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    exportedAt: new Date().toISOString(),
    records: ordered.map(({ account, region, kind, id, body }) => ({ account, region, kind, id, record: JSON.parse(body) as StateFileRecord['record'] })),
  };
}

/** The first version mirrorlite wrote; every version from it to STATE_VERSION is read. */
const FIRST_STATE_VERSION = 1;

/**
 * Checks a parsed state file thoroughly before anything is replaced by it: a record the API could
 * not have written (see state-file-records.ts), a dangling reference or two records claiming the
 * same ID, creation order or number refuses the whole file.
 */
export function fromStateFile(value: unknown): PersistedRecord[] {
  const file = value as Partial<StateFile> | null;
  if (!file || typeof file !== 'object' || file.format !== STATE_FORMAT) {
    throw new StateFileFormatError(`not a mirrorlite state file (format must be "${STATE_FORMAT}")`);
  }
  const { version } = file;
  if (version === undefined) throw new StateFileFormatError('the state file has no version');
  if (!Number.isInteger(version) || version < FIRST_STATE_VERSION) {
    throw new StateFileFormatError(`unsupported state file version ${JSON.stringify(version)}: this mirrorlite reads versions ${FIRST_STATE_VERSION} to ${STATE_VERSION}`);
  }
  if (version > STATE_VERSION) {
    throw new StateFileFormatError(`the state file has version ${version}, newer than this mirrorlite reads (${STATE_VERSION})`);
  }
  if (!Array.isArray(file.records)) throw new StateFileFormatError('the state file has no records array');
  const claims = new Claims(file.records);
  const records = file.records.map((entry, i) => {
    const where = `record ${i}`;
    if (!entry || typeof entry !== 'object') throw new StateFileFormatError(`${where} is not an object`);
    const { account, region, kind, id, record } = entry;
    if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) throw new StateFileFormatError(`${where}: account must be 12 digits`);
    if (typeof region !== 'string' || !REGION_NAME.test(region)) throw new StateFileFormatError(`${where}: region is not a region name`);
    if (typeof kind !== 'string' || !STATE_KINDS.includes(kind)) throw new StateFileFormatError(`${where}: unknown kind ${String(kind)}`);
    if (typeof id !== 'string' || !id) throw new StateFileFormatError(`${where}: id must be a string`);
    if (!record || typeof record !== 'object' || !Number.isSafeInteger(record.seq) || record.seq < 1) {
      throw new StateFileFormatError(`${where}: record must be an object with a positive integer seq`);
    }
    if (SCHEMA.table(kind)!.idOf(record as never) !== id) throw new StateFileFormatError(`${where}: id ${id} is not the record's own ID`);
    claims.claim(i, `the ID ${id} of a ${kind}`);
    // The order of the store and of every Describe: two records with one seq would take turns.
    claims.claim(i, `seq ${record.seq}`);
    return { account, region, kind, id, seq: record.seq, body: JSON.stringify(record) };
  });
  // References before contents: a record that lost what it names says so, even if it lacks more.
  file.records.forEach((entry, i) => {
    for (const [field, kind] of REFERENCES[entry.kind] ?? []) {
      const target = entry.record[field];
      if (target === undefined) continue;
      if (typeof target !== 'string' || !claims.holds(entry, `the ID ${target} of a ${kind}`)) {
        throw new StateFileFormatError(`record ${i}: ${entry.kind} ${entry.id} names ${kind} ${String(target)} in ${field}, which the file does not hold for ${entry.account} ${entry.region}`);
      }
    }
  });
  file.records.forEach((entry, i) => {
    const problem = RECORD_CHECKS[entry.kind]!(entry.record, '');
    if (problem) throw new StateFileFormatError(`record ${i} (${entry.kind} ${entry.id}): ${problem.field} ${problem.problem}`);
    const unique = UNIQUE_AMONG_KIND[entry.kind];
    if (unique) claims.claim(i, `a ${entry.kind} with ${unique(entry.record as never)}`);
  });
  return records;
}

/** What the records of one account and region must not share, each claimed by the first record that has it. */
class Claims {
  private readonly owners = new Map<string, number>();

  constructor(private readonly records: readonly StateFileRecord[]) {}

  claim(index: number, what: string): void {
    const entry = this.records[index]!;
    const key = `${entry.account} ${entry.region} ${what}`;
    const owner = this.owners.get(key);
    if (owner === undefined) {
      this.owners.set(key, index);
      return;
    }
    const other = this.records[owner]!;
    throw new StateFileFormatError(
      `records ${owner} (${other.kind} ${other.id}) and ${index} (${entry.kind} ${entry.id}) both have ${what} in ${entry.account} ${entry.region}`,
    );
  }

  holds(entry: StateFileRecord, what: string): boolean {
    return this.owners.has(`${entry.account} ${entry.region} ${what}`);
  }
}

/**
 * The fields that name another record of the same account and region. The API never lets one of
 * them dangle (DependencyViolation, …InUse), so an import must not either: a session whose target
 * is missing would otherwise be stored, and every Describe and replay would have to guess around it.
 */
const REFERENCES: Readonly<Record<string, readonly (readonly [field: string, kind: string])[]>> = {
  'security-group': [['VpcId', 'vpc']],
  'security-group-rule': [['GroupId', 'security-group']],
  subnet: [['VpcId', 'vpc']],
  'network-interface': [
    ['VpcId', 'vpc'],
    ['SubnetId', 'subnet'],
  ],
  'traffic-mirror-target': [['NetworkInterfaceId', 'network-interface']],
  'traffic-mirror-filter-rule': [['TrafficMirrorFilterId', 'traffic-mirror-filter']],
  'traffic-mirror-session': [
    ['NetworkInterfaceId', 'network-interface'],
    ['TrafficMirrorFilterId', 'traffic-mirror-filter'],
    ['TrafficMirrorTargetId', 'traffic-mirror-target'],
  ],
};
