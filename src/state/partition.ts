import type { Journal } from './journal.js';
import type {
  ClientTokenRecord,
  NetworkInterfaceRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SubnetRecord,
  TrafficMirrorFilterRecord,
  TrafficMirrorFilterRuleRecord,
  TrafficMirrorSessionRecord,
  TrafficMirrorTargetRecord,
  VpcRecord,
} from './records.js';
import { Table, type PartitionScope, type StoredRecord } from './table.js';

/** An account ID, as state is partitioned by it: 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** A region name (`us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`): the other half of a partition's key. */
export const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/**
 * Everything one account owns in one region: a table per resource kind, and the indexes that keep
 * look-ups and quota checks independent of how many resources exist.
 */
export class Partition implements PartitionScope {
  readonly vpcs: Table<VpcRecord>;
  readonly securityGroups: Table<SecurityGroupRecord>;
  readonly securityGroupRules: Table<SecurityGroupRuleRecord>;
  readonly subnets: Table<SubnetRecord>;
  readonly networkInterfaces: Table<NetworkInterfaceRecord>;
  readonly trafficMirrorTargets: Table<TrafficMirrorTargetRecord>;
  readonly trafficMirrorFilters: Table<TrafficMirrorFilterRecord>;
  readonly trafficMirrorFilterRules: Table<TrafficMirrorFilterRuleRecord>;
  readonly trafficMirrorSessions: Table<TrafficMirrorSessionRecord>;
  readonly clientTokens: Table<ClientTokenRecord>;

  readonly securityGroupsByVpc;
  /** Keyed `<vpc>#<group name>`: names are unique per VPC. */
  readonly securityGroupsByVpcAndName;
  readonly securityGroupRulesByGroup;
  /** The rules whose peer is another group: a group they reference cannot be deleted. */
  readonly securityGroupRulesByReferencedGroup;
  readonly subnetsByVpc;
  readonly networkInterfacesBySubnet;
  /** MAC addresses are unique in an account and region. */
  readonly networkInterfacesByMacAddress;
  readonly rulesByFilter;
  readonly sessionsByNetworkInterface;
  /** Keyed `<eni>#<session number>`: numbers are unique per source interface. */
  readonly sessionsByInterfaceAndNumber;
  readonly sessionsByTarget;
  readonly sessionsByFilter;
  readonly sessionsByVirtualNetworkId;
  readonly targetsByNetworkInterface;

  /** Bumped by every committed change; the data plane recompiles its view when it moves. */
  version = 0;
  private lastSeq = 0;

  constructor(
    readonly account: string,
    readonly region: string,
    journal: () => Journal,
  ) {
    const table = <T extends StoredRecord>(kind: string, idOf: (record: T) => string) =>
      new Table<T>(kind, idOf, this, journal);
    this.vpcs = table<VpcRecord>('vpc', (r) => r.VpcId);
    this.securityGroups = table<SecurityGroupRecord>('security-group', (r) => r.GroupId);
    this.securityGroupRules = table<SecurityGroupRuleRecord>('security-group-rule', (r) => r.SecurityGroupRuleId);
    this.subnets = table<SubnetRecord>('subnet', (r) => r.SubnetId);
    this.networkInterfaces = table<NetworkInterfaceRecord>('network-interface', (r) => r.NetworkInterfaceId);
    this.trafficMirrorTargets = table<TrafficMirrorTargetRecord>('traffic-mirror-target', (r) => r.TrafficMirrorTargetId);
    this.trafficMirrorFilters = table<TrafficMirrorFilterRecord>('traffic-mirror-filter', (r) => r.TrafficMirrorFilterId);
    this.trafficMirrorFilterRules = table<TrafficMirrorFilterRuleRecord>(
      'traffic-mirror-filter-rule',
      (r) => r.TrafficMirrorFilterRuleId,
    );
    this.trafficMirrorSessions = table<TrafficMirrorSessionRecord>('traffic-mirror-session', (r) => r.TrafficMirrorSessionId);
    this.clientTokens = table<ClientTokenRecord>('client-token', (r) => r.key);

    this.securityGroupsByVpc = this.securityGroups.index((r) => r.VpcId);
    this.securityGroupsByVpcAndName = this.securityGroups.index((r) => `${r.VpcId}#${r.GroupName}`);
    this.securityGroupRulesByGroup = this.securityGroupRules.index((r) => r.GroupId);
    this.securityGroupRulesByReferencedGroup = this.securityGroupRules.index((r) => r.ReferencedGroupInfo?.GroupId);
    this.subnetsByVpc = this.subnets.index((r) => r.VpcId);
    this.networkInterfacesBySubnet = this.networkInterfaces.index((r) => r.SubnetId);
    this.networkInterfacesByMacAddress = this.networkInterfaces.index((r) => r.MacAddress);
    this.rulesByFilter = this.trafficMirrorFilterRules.index((r) => r.TrafficMirrorFilterId);
    this.sessionsByNetworkInterface = this.trafficMirrorSessions.index((r) => r.NetworkInterfaceId);
    this.sessionsByInterfaceAndNumber = this.trafficMirrorSessions.index((r) => `${r.NetworkInterfaceId}#${r.SessionNumber}`);
    this.sessionsByTarget = this.trafficMirrorSessions.index((r) => r.TrafficMirrorTargetId);
    this.sessionsByFilter = this.trafficMirrorSessions.index((r) => r.TrafficMirrorFilterId);
    this.sessionsByVirtualNetworkId = this.trafficMirrorSessions.index((r) => r.VirtualNetworkId);
    this.targetsByNetworkInterface = this.trafficMirrorTargets.index((r) => r.NetworkInterfaceId);
  }

  /** Every table, in the order a restore must load them (parents before children). */
  get tables(): Table<StoredRecord>[] {
    return [
      this.vpcs,
      this.securityGroups,
      this.securityGroupRules,
      this.subnets,
      this.networkInterfaces,
      this.trafficMirrorTargets,
      this.trafficMirrorFilters,
      this.trafficMirrorFilterRules,
      this.trafficMirrorSessions,
      this.clientTokens,
    ] as unknown as Table<StoredRecord>[];
  }

  table(kind: string): Table<StoredRecord> | undefined {
    return this.tables.find((t) => t.kind === kind);
  }

  nextSeq(): number {
    return ++this.lastSeq;
  }

  /** Loads a stored record (restore, import) without journaling. */
  load(kind: string, record: StoredRecord): void {
    const table = this.table(kind);
    if (!table) throw new Error(`unknown record kind ${kind}`);
    table.load(record);
    if (record.seq > this.lastSeq) this.lastSeq = record.seq;
  }

  clear(): void {
    for (const table of this.tables) table.clear();
    this.lastSeq = 0;
    this.version++;
  }
}
