import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORD_CHECKS } from './state-file-records.js';
import { fromStateFile, STATE_KINDS, STATE_VERSION, StateFileFormatError, type StateFile } from './state-file.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const VPC = 'vpc-0123456789abcdef0';
const GROUP = 'sg-0123abcd';
const SUBNET = 'subnet-0123456789abcdef0';
const SOURCE = 'eni-0123456789abcdef0';
const APPLIANCE = 'eni-89abcdef';
const TARGET = 'tmt-0123456789abcdef0';
const FILTER = 'tmf-0123456789abcdef0';
const SESSION = 'tms-0123456789abcdef0';

type Entry = StateFile['records'][number];
const entry = (kind: string, id: string, record: Record<string, unknown>, account = ACCOUNT, region = REGION): Entry =>
  ({ account, region, kind, id, record }) as Entry;

/** One record of every kind with only the fields records.ts requires: the least the API could have written. */
function minimalFile(): StateFile {
  let seq = 0;
  const next = () => ++seq;
  return {
    format: 'mirrorlite-state',
    version: STATE_VERSION,
    exportedAt: '2026-01-01T00:00:00.000Z',
    records: [
      entry('vpc', VPC, { VpcId: VPC, CidrBlock: '10.0.0.0/16', OwnerId: ACCOUNT, Tags: [], defaultSecurityGroupId: GROUP, seq: next() }),
      entry('security-group', GROUP, { GroupId: GROUP, GroupName: 'default', Description: 'default VPC security group', VpcId: VPC, OwnerId: ACCOUNT, Tags: [], seq: next() }),
      entry('security-group-rule', 'sgr-0123456789abcdef0', {
        SecurityGroupRuleId: 'sgr-0123456789abcdef0', GroupId: GROUP, GroupOwnerId: ACCOUNT, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, Tags: [], seq: next(),
      }),
      entry('subnet', SUBNET, { SubnetId: SUBNET, VpcId: VPC, CidrBlock: '10.0.1.0/24', Tags: [], seq: next() }),
      entry('network-interface', SOURCE, { NetworkInterfaceId: SOURCE, SubnetId: SUBNET, VpcId: VPC, PrivateIpAddress: '10.0.1.10', MacAddress: '02:00:00:00:00:01', TagSet: [], mtu: 9001, seq: next() }),
      entry('network-interface', APPLIANCE, { NetworkInterfaceId: APPLIANCE, SubnetId: SUBNET, VpcId: VPC, PrivateIpAddress: '10.0.1.11', MacAddress: '02:00:00:00:00:02', TagSet: [], mtu: 9001, seq: next() }),
      entry('traffic-mirror-target', TARGET, { TrafficMirrorTargetId: TARGET, NetworkInterfaceId: APPLIANCE, Type: 'network-interface', Tags: [], seq: next() }),
      entry('traffic-mirror-filter', FILTER, { TrafficMirrorFilterId: FILTER, NetworkServices: [], Tags: [{ Key: 'Name', Value: 'web' }], seq: next() }),
      entry('traffic-mirror-filter-rule', 'tmfr-0123456789abcdef0', {
        TrafficMirrorFilterRuleId: 'tmfr-0123456789abcdef0', TrafficMirrorFilterId: FILTER, TrafficDirection: 'ingress', RuleNumber: 10, RuleAction: 'accept',
        SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '10.0.0.0/16', Tags: [], seq: next(),
      }),
      entry('traffic-mirror-filter-rule', 'tmfr-0123456789abcdef1', {
        TrafficMirrorFilterRuleId: 'tmfr-0123456789abcdef1', TrafficMirrorFilterId: FILTER, TrafficDirection: 'egress', RuleNumber: 10, RuleAction: 'reject',
        SourceCidrBlock: '::/0', DestinationCidrBlock: '::/0', Tags: [], seq: next(),
      }),
      entry('traffic-mirror-session', SESSION, {
        TrafficMirrorSessionId: SESSION, TrafficMirrorTargetId: TARGET, TrafficMirrorFilterId: FILTER, NetworkInterfaceId: SOURCE, OwnerId: ACCOUNT,
        SessionNumber: 1, VirtualNetworkId: 42, Tags: [], seq: next(),
      }),
      entry('client-token', 'CreateTrafficMirrorFilter:token-1', {
        key: 'CreateTrafficMirrorFilter:token-1', parameters: 'RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o',
        output: { TrafficMirrorFilter: { TrafficMirrorFilterId: FILTER }, ClientToken: 'token-1' }, seq: next(),
      }),
    ],
  };
}

/** The minimal file after `change`, which edits its records in place. */
function changed(change: (records: Entry[]) => void): StateFile {
  const file = minimalFile();
  change(file.records);
  return file;
}

const recordOf = (records: Entry[], id: string) => records.find((r) => r.id === id)!.record as Record<string, unknown>;

/** A copy of `records[index]` under a new ID, with one more seq. */
function copy(records: Entry[], id: string, newId: string, idField: string, fields: Record<string, unknown> = {}): void {
  const original = records.find((r) => r.id === id)!;
  const seq = Math.max(...records.map((r) => r.record.seq)) + 1;
  records.push({ ...original, id: newId, record: { ...original.record, [idField]: newId, ...fields, seq } });
}

function refused(file: unknown, message: RegExp, label = message.source): void {
  assert.throws(() => fromStateFile(file), (error: Error) => {
    assert.ok(error instanceof StateFileFormatError, label);
    assert.match(error.message, message, label);
    return true;
  });
}

describe('state file records', () => {
  it('has a check for every kind of record', () => {
    assert.deepEqual(Object.keys(RECORD_CHECKS).sort(), [...STATE_KINDS].sort());
  });

  it('reads records with only their required fields, in more than one account and region', () => {
    const file = minimalFile();
    const elsewhere = minimalFile().records.map((r) => ({ ...r, region: 'eu-west-1' }));
    const otherAccount = minimalFile().records.map((r) => ({ ...r, account: '444455556666' }));
    // The same IDs, seqs, numbers and MACs in another account or region are another partition's.
    file.records.push(...elsewhere, ...otherAccount);
    const records = fromStateFile(file);
    assert.equal(records.length, 36);
    assert.deepEqual(records[4], { account: ACCOUNT, region: REGION, kind: 'network-interface', id: SOURCE, seq: 5, body: JSON.stringify(file.records[4]!.record) });
  });

  it('refuses a record the API could not have written, naming the record, its kind and the field', () => {
    const cases: [string, (records: Entry[]) => void, RegExp][] = [
      ['a required field missing', (r) => delete recordOf(r, SESSION).SessionNumber, /^record 10 \(traffic-mirror-session tms-0123456789abcdef0\): SessionNumber is missing$/],
      ['a list that is not one', (r) => (recordOf(r, SESSION).Tags = 'notalist'), /^record 10 \(traffic-mirror-session tms-0123456789abcdef0\): Tags must be an array, not "notalist"$/],
      ['a number for a string', (r) => (recordOf(r, SOURCE).PrivateIpAddress = 12345), /^record 4 \(network-interface eni-0123456789abcdef0\): PrivateIpAddress must be an IPv4 address, not 12345$/],
      ['a string that is not an address', (r) => (recordOf(r, SOURCE).PrivateIpAddress = '10.0.1.300'), /PrivateIpAddress must be an IPv4 address, not "10.0.1.300"/],
      ['a malformed MAC address', (r) => (recordOf(r, SOURCE).MacAddress = 'not-a-mac'), /MacAddress must be a MAC address/],
      ['a nested field of the wrong type', (r) => (recordOf(r, FILTER).Tags = [{ Key: 'Name', Value: 7 }]), /^record 7 \(traffic-mirror-filter tmf-0123456789abcdef0\): Tags\[0\]\.Value must be a string, not 7$/],
      ['an optional field of the wrong type', (r) => (recordOf(r, SOURCE).PrivateIpAddresses = [{ PrivateIpAddress: '10.0.1.10', Primary: 'yes' }]), /PrivateIpAddresses\[0\]\.Primary must be true or false, not "yes"/],
      ['a reference of another kind of ID', (r) => (recordOf(r, SESSION).NetworkInterfaceId = SUBNET), /names network-interface subnet-0123456789abcdef0 in NetworkInterfaceId, which the file does not hold/],
      ['an ID field of the wrong shape', (r) => (recordOf(r, VPC).defaultSecurityGroupId = 'sg-XYZ'), /^record 0 \(vpc vpc-0123456789abcdef0\): defaultSecurityGroupId must be a sg- ID \(8 or 17 lowercase hex digits\), not "sg-XYZ"$/],
      ['an enum value out of range', (r) => (recordOf(r, 'tmfr-0123456789abcdef0').TrafficDirection = 'sideways'), /TrafficDirection must be one of ingress, egress, not "sideways"/],
      ['a number out of range', (r) => (recordOf(r, SESSION).VirtualNetworkId = 2 ** 24), /VirtualNetworkId must be an integer from 0 to 16777215, not 16777216/],
      ['a fraction for an integer', (r) => (recordOf(r, SESSION).SessionNumber = 1.5), /SessionNumber must be an integer from 1 to 32766, not 1.5/],
      ['a field the API never writes', (r) => (recordOf(r, VPC).Colour = 'blue'), /^record 0 \(vpc vpc-0123456789abcdef0\): Colour is not a field mirrorlite writes here$/],
      ['a target without the member of its type', (r) => delete recordOf(r, TARGET).NetworkInterfaceId, /record 6 \(traffic-mirror-target tmt-0123456789abcdef0\): NetworkInterfaceId is missing, for a target of Type network-interface/],
      ['a target with another type’s member', (r) => (recordOf(r, TARGET).GatewayLoadBalancerEndpointId = 'vpce-0123456789abcdef0'), /GatewayLoadBalancerEndpointId does not belong to a target of Type network-interface/],
      ['a ClientToken record whose digest is not one', (r) => (recordOf(r, 'CreateTrafficMirrorFilter:token-1').parameters = 'short'), /client-token CreateTrafficMirrorFilter:token-1\): parameters must be a parameters digest/],
    ];
    for (const [name, change, message] of cases) refused(changed(change), message, name);
  });

  it('refuses a record ID that is not of its kind’s shape', () => {
    const file = JSON.parse(JSON.stringify(minimalFile()).replaceAll(FILTER, 'hello world')) as StateFile;
    refused(file, /^record 7 \(traffic-mirror-filter hello world\): TrafficMirrorFilterId must be a tmf- ID \(8 or 17 lowercase hex digits\), not "hello world"$/);
    const uppercase = JSON.parse(JSON.stringify(minimalFile()).replaceAll(SESSION, SESSION.toUpperCase().replace('TMS', 'tms'))) as StateFile;
    refused(uppercase, /TrafficMirrorSessionId must be a tms- ID/);
  });

  it('refuses what the API keeps unique in an account and region, naming both records', () => {
    const cases: [(records: Entry[]) => void, RegExp][] = [
      [
        (r) => copy(r, SESSION, 'tms-0123456789abcdef1', 'TrafficMirrorSessionId'),
        /^records 10 \(traffic-mirror-session tms-0123456789abcdef0\) and 12 \(traffic-mirror-session tms-0123456789abcdef1\) both have a traffic-mirror-session with SessionNumber 1 on eni-0123456789abcdef0 in 111122223333 us-east-1$/,
      ],
      [(r) => copy(r, 'tmfr-0123456789abcdef0', 'tmfr-0123456789abcdef2', 'TrafficMirrorFilterRuleId'), /both have a traffic-mirror-filter-rule with RuleNumber 10 for ingress in tmf-0123456789abcdef0/],
      [(r) => copy(r, SOURCE, 'eni-0123456789abcdef2', 'NetworkInterfaceId', { PrivateIpAddress: '10.0.1.12' }), /both have a network-interface with MacAddress 02:00:00:00:00:01/],
      [(r) => copy(r, GROUP, 'sg-0123abce', 'GroupId'), /both have a security-group with GroupName default in vpc-0123456789abcdef0/],
      [(r) => copy(r, FILTER, FILTER, 'TrafficMirrorFilterId'), /^records 7 \(traffic-mirror-filter tmf-0123456789abcdef0\) and 12 \(traffic-mirror-filter tmf-0123456789abcdef0\) both have the ID tmf-0123456789abcdef0 of a traffic-mirror-filter/],
      // B2: seq is creation order, so it may not repeat in a partition, whatever the kinds.
      [(r) => (recordOf(r, FILTER).seq = 1), /^records 0 \(vpc vpc-0123456789abcdef0\) and 7 \(traffic-mirror-filter tmf-0123456789abcdef0\) both have seq 1 in 111122223333 us-east-1$/],
    ];
    for (const [change, message] of cases) refused(changed(change), message);
    // Another session number on the same interface, or the same RuleNumber in the other direction, is fine.
    assert.equal(fromStateFile(changed((r) => copy(r, SESSION, 'tms-0123456789abcdef1', 'TrafficMirrorSessionId', { SessionNumber: 2 }))).length, 13);
  });

  it('reads every version from the first to its own, and refuses any other', () => {
    assert.equal(fromStateFile({ ...minimalFile(), version: 1 }).length, 12);
    for (const version of [0, -1, 1.5, '2', null]) {
      refused({ ...minimalFile(), version }, new RegExp(`^unsupported state file version ${JSON.stringify(version)}: this mirrorlite reads versions 1 to ${STATE_VERSION}$`));
    }
    refused({ ...minimalFile(), version: STATE_VERSION + 1 }, /newer than this mirrorlite reads/);
    const { version: _version, ...unversioned } = minimalFile();
    refused(unversioned, /^the state file has no version$/);
  });
});
