import type {
  BlockPublicAccessStates,
  ConnectionTrackingConfiguration,
  GroupIdentifier,
  NetworkInterfaceIpv6Address,
  NetworkInterfacePrivateIpAddress,
  PrivateDnsNameOptionsOnLaunch,
  ReferencedSecurityGroup,
  SubnetCidrBlockState,
  SubnetIpv6CidrBlockAssociation,
  TrafficMirrorPortRange,
  VpcCidrBlockAssociation,
  VpcCidrBlockState,
  VpcIpv6CidrBlockAssociation,
} from '../../model/ec2-types.js';
import { parseCidr, parseIp, parseIpv4, parseMac } from '../net/cidr.js';
import { EC2_JUMBO_MTU, MIN_IPV4_MTU } from '../net/mtu.js';
// ids.ts imports nothing of the project: using its ID shapes here keeps one definition of them.
import { ID_PREFIXES, isIdOf, type IdKind } from './ids.js';
import { ACCOUNT_ID } from './partition.js';
import type {
  ClientTokenRecord,
  NetworkInterfaceRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SubnetRecord,
  Tag,
  TrafficMirrorFilterRecord,
  TrafficMirrorFilterRuleRecord,
  TrafficMirrorSessionRecord,
  TrafficMirrorTargetRecord,
  VpcRecord,
} from './records.js';

/**
 * What a record of each kind may hold, for `state import`: a file is refused unless every record is
 * one the API could have written, since the store, the XML writer and the data plane trust stored
 * records as they trust their own (a Tags that is not a list, an address that is not one: 500s).
 * Each table is typed against its record interface in records.ts, so the compiler insists that
 * every required field has a check and that no check names a field the record cannot have.
 *
 * Decided: a field the table does not list is refused, even one the EC2 model has (an ENI's
 * Attachment, say): mirrorlite never writes it, and the XML writer would trust its shape. A new
 * field a handler starts writing must be added here, or its export will not import.
 */

/** What is wrong with a record: the field (a path such as `Tags[2].Key`) and what. */
export interface Problem {
  field: string;
  problem: string;
}

/** A check of one value; `V` ties it, for the compiler only, to the type of field it may check. */
export interface Check<V> {
  (value: unknown, field: string): Problem | undefined;
  /** Never set. */
  readonly valueType?: V;
}

/** A field that a record may leave out. */
interface Optional<V> {
  readonly optional: Check<V>;
}

type RequiredKey<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** A required field needs a check; an optional one may be unlisted (never written), optional, or required (always written). */
type Fields<T> = { [K in RequiredKey<T>]-?: Check<NonNullable<T[K]>> } & {
  [K in Exclude<keyof T, RequiredKey<T>>]?: Check<NonNullable<T[K]>> | Optional<NonNullable<T[K]>>;
};

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

const is =
  <V>(expected: string, test: (value: unknown) => boolean): Check<V> =>
  (value, field) =>
    test(value) ? undefined : { field, problem: `must be ${expected}, not ${shown(value)}` };

const optional = <V>(check: Check<V>): Optional<V> => ({ optional: check });

const stringWhere = (expected: string, test: (text: string) => boolean) => is<string>(expected, (v) => typeof v === 'string' && test(v));

const string = stringWhere('a string', () => true);
const boolean = is<boolean>('true or false', (v) => typeof v === 'boolean');
const isTrue = is<true>('true', (v) => v === true);
const integer = (min: number, max: number) => is<number>(`an integer from ${min} to ${max}`, (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max);
const oneOf = <const V extends string>(...values: V[]) => is<V>(`one of ${values.join(', ')}`, (v) => values.includes(v as V));
const id = (kind: IdKind) => stringWhere(`a ${ID_PREFIXES[kind]}- ID (8 or 17 lowercase hex digits)`, (v) => isIdOf(kind, v));
const accountId = stringWhere('a 12-digit account ID', (v) => ACCOUNT_ID.test(v));
const ipv4 = stringWhere('an IPv4 address', (v) => parseIpv4(v) >= 0);
const ipv6 = stringWhere('an IPv6 address', (v) => parseIp(v)?.family === 6);
const cidr = (family?: 4 | 6) => stringWhere(family ? `an IPv${family} CIDR block` : 'a CIDR block', (v) => parseCidr(v) !== undefined && (!family || parseCidr(v)!.family === family));
const macAddress = stringWhere('a MAC address', (v) => parseMac(v) !== undefined);
const anObject = is<Record<string, unknown>>('an object', (v) => typeof v === 'object' && v !== null && !Array.isArray(v));

function arrayOf<V>(item: Check<V>): Check<V[]> {
  return (value, field) => {
    if (!Array.isArray(value)) return { field, problem: `must be an array, not ${shown(value)}` };
    for (const [i, element] of value.entries()) {
      const problem = item(element, `${field}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

function object<T>(fields: Fields<T>): Check<T> {
  const table = fields as Record<string, Check<unknown> | Optional<unknown>>;
  return (value, field) => {
    const notObject = anObject(value, field);
    if (notObject) return notObject;
    const record = value as Record<string, unknown>;
    const at = (name: string) => (field ? `${field}.${name}` : name);
    for (const name of Object.keys(record)) {
      if (!Object.hasOwn(table, name)) return { field: at(name), problem: 'is not a field mirrorlite writes here' };
    }
    for (const [name, spec] of Object.entries(table)) {
      const check = typeof spec === 'function' ? spec : spec.optional;
      if (record[name] === undefined) {
        if (typeof spec === 'function') return { field: at(name), problem: 'is missing' };
        continue;
      }
      const problem = check(record[name], at(name));
      if (problem) return problem;
    }
    return undefined;
  };
}

// Ranges as decisions.md gives them ("Out-of-range or malformed value").
const seq = integer(1, Number.MAX_SAFE_INTEGER);
const sessionOrRuleNumber = integer(1, 32766);
const port = integer(0, 65535);
const tags = arrayOf(object<Tag>({ Key: stringWhere('a non-empty string', (v) => v !== ''), Value: string }));
/** A security group rule's ports: -1 stands for all (and for ICMP, type and code). */
const groupRulePort = integer(-1, 65535);
/** EC2's largest MTU; a stored interface has it unless a tag says otherwise (mirror-config.ts). */
const mtu = integer(MIN_IPV4_MTU, EC2_JUMBO_MTU);
const connectionTimeout = integer(0, Number.MAX_SAFE_INTEGER);

const blockPublicAccessStates = object<BlockPublicAccessStates>({ InternetGatewayBlockMode: optional(oneOf('off', 'block-bidirectional', 'block-ingress')) });
const blockStateCodes = ['associating', 'associated', 'disassociating', 'disassociated', 'failing', 'failed'] as const;
const vpcBlockState = object<VpcCidrBlockState>({ State: optional(oneOf(...blockStateCodes)), StatusMessage: optional(string) });
const subnetBlockState = object<SubnetCidrBlockState>({ State: optional(oneOf(...blockStateCodes)), StatusMessage: optional(string) });
const ipv6AddressAttribute = oneOf('public', 'private');
const ipSource = oneOf('amazon', 'byoip', 'none');

const vpc = object<VpcRecord>({
  VpcId: id('vpc'),
  OwnerId: accountId,
  State: optional(oneOf('pending', 'available')),
  CidrBlock: cidr(4),
  CidrBlockAssociationSet: optional(
    arrayOf(object<VpcCidrBlockAssociation>({ AssociationId: optional(id('vpc-cidr-assoc')), CidrBlock: optional(cidr(4)), CidrBlockState: optional(vpcBlockState) })),
  ),
  Ipv6CidrBlockAssociationSet: optional(
    arrayOf(
      object<VpcIpv6CidrBlockAssociation>({
        AssociationId: optional(id('vpc-cidr-assoc')),
        Ipv6CidrBlock: optional(cidr(6)),
        Ipv6CidrBlockState: optional(vpcBlockState),
        NetworkBorderGroup: optional(string),
        Ipv6Pool: optional(string),
        Ipv6AddressAttribute: optional(ipv6AddressAttribute),
        IpSource: optional(ipSource),
      }),
    ),
  ),
  DhcpOptionsId: optional(id('dhcp-options')),
  InstanceTenancy: optional(oneOf('default', 'dedicated', 'host')),
  IsDefault: optional(boolean),
  BlockPublicAccessStates: optional(blockPublicAccessStates),
  Tags: tags,
  defaultSecurityGroupId: id('security-group'),
  enableDnsSupport: optional(boolean),
  enableDnsHostnames: optional(boolean),
  enableNetworkAddressUsageMetrics: optional(boolean),
  seq,
});

const securityGroup = object<SecurityGroupRecord>({
  GroupId: id('security-group'),
  GroupName: string,
  Description: string,
  VpcId: id('vpc'),
  OwnerId: accountId,
  SecurityGroupArn: optional(string),
  Tags: tags,
  seq,
});

const securityGroupRule = object<SecurityGroupRuleRecord>({
  SecurityGroupRuleId: id('security-group-rule'),
  GroupId: id('security-group'),
  GroupOwnerId: accountId,
  IsEgress: boolean,
  IpProtocol: string,
  FromPort: groupRulePort,
  ToPort: groupRulePort,
  CidrIpv4: optional(cidr(4)),
  CidrIpv6: optional(cidr(6)),
  PrefixListId: optional(string),
  ReferencedGroupInfo: optional(
    object<ReferencedSecurityGroup>({
      GroupId: optional(id('security-group')),
      UserId: optional(accountId),
      VpcId: optional(id('vpc')),
      PeeringStatus: optional(string),
      VpcPeeringConnectionId: optional(string),
    }),
  ),
  Description: optional(string),
  Tags: tags,
  SecurityGroupRuleArn: optional(string),
  seq,
});

const subnet = object<SubnetRecord>({
  SubnetId: id('subnet'),
  SubnetArn: optional(string),
  VpcId: id('vpc'),
  OwnerId: optional(accountId),
  State: optional(oneOf('pending', 'available', 'unavailable', 'failed', 'failed-insufficient-capacity')),
  CidrBlock: cidr(4),
  Ipv6CidrBlockAssociationSet: optional(
    arrayOf(
      object<SubnetIpv6CidrBlockAssociation>({
        AssociationId: optional(id('subnet-cidr-assoc')),
        Ipv6CidrBlock: optional(cidr(6)),
        Ipv6CidrBlockState: optional(subnetBlockState),
        Ipv6AddressAttribute: optional(ipv6AddressAttribute),
        IpSource: optional(ipSource),
      }),
    ),
  ),
  AvailabilityZone: optional(string),
  AvailabilityZoneId: optional(string),
  DefaultForAz: optional(boolean),
  MapPublicIpOnLaunch: optional(boolean),
  MapCustomerOwnedIpOnLaunch: optional(boolean),
  AssignIpv6AddressOnCreation: optional(boolean),
  EnableDns64: optional(boolean),
  Ipv6Native: optional(boolean),
  PrivateDnsNameOptionsOnLaunch: optional(
    object<PrivateDnsNameOptionsOnLaunch>({
      HostnameType: optional(oneOf('ip-name', 'resource-name')),
      EnableResourceNameDnsARecord: optional(boolean),
      EnableResourceNameDnsAAAARecord: optional(boolean),
    }),
  ),
  BlockPublicAccessStates: optional(blockPublicAccessStates),
  Tags: tags,
  seq,
});

const networkInterface = object<NetworkInterfaceRecord>({
  NetworkInterfaceId: id('network-interface'),
  SubnetId: id('subnet'),
  VpcId: id('vpc'),
  AvailabilityZone: optional(string),
  AvailabilityZoneId: optional(string),
  ConnectionTrackingConfiguration: optional(
    object<ConnectionTrackingConfiguration>({ TcpEstablishedTimeout: optional(connectionTimeout), UdpStreamTimeout: optional(connectionTimeout), UdpTimeout: optional(connectionTimeout) }),
  ),
  Description: optional(string),
  Groups: optional(arrayOf(object<GroupIdentifier>({ GroupId: optional(id('security-group')), GroupName: optional(string) }))),
  // What CreateNetworkInterface's InterfaceType takes, and its default.
  InterfaceType: optional(oneOf('interface', 'efa', 'efa-only', 'branch', 'trunk')),
  Ipv6Addresses: optional(arrayOf(object<NetworkInterfaceIpv6Address>({ Ipv6Address: optional(ipv6), IsPrimaryIpv6: optional(boolean) }))),
  Ipv6Address: optional(ipv6),
  MacAddress: macAddress,
  OwnerId: optional(accountId),
  PrivateDnsName: optional(string),
  PrivateIpAddress: ipv4,
  PrivateIpAddresses: optional(
    arrayOf(object<NetworkInterfacePrivateIpAddress>({ Primary: optional(boolean), PrivateIpAddress: optional(ipv4), PrivateDnsName: optional(string) })),
  ),
  RequesterManaged: optional(boolean),
  SourceDestCheck: optional(boolean),
  Status: optional(oneOf('available', 'associated', 'attaching', 'in-use', 'detaching')),
  TagSet: tags,
  Ipv6Native: optional(boolean),
  mtu,
  primaryIpv6Enabled: optional(isTrue),
  seq,
});

/** The member that names what a target of each Type mirrors to. */
const TARGET_MEMBERS = {
  'network-interface': 'NetworkInterfaceId',
  'network-load-balancer': 'NetworkLoadBalancerArn',
  'gateway-load-balancer-endpoint': 'GatewayLoadBalancerEndpointId',
} as const;

/** A target has the member of its Type and none of the others' (decisions.md, "Target kind"). */
const targetOfItsType: Check<TrafficMirrorTargetRecord> = (value) => {
  const target = value as TrafficMirrorTargetRecord;
  for (const [type, member] of Object.entries(TARGET_MEMBERS)) {
    if ((target[member] !== undefined) !== (target.Type === type)) {
      return { field: member, problem: target.Type === type ? `is missing, for a target of Type ${type}` : `does not belong to a target of Type ${target.Type}` };
    }
  }
  return undefined;
};

const targetFields = object<TrafficMirrorTargetRecord>({
  TrafficMirrorTargetId: id('traffic-mirror-target'),
  NetworkInterfaceId: optional(id('network-interface')),
  NetworkLoadBalancerArn: optional(string),
  GatewayLoadBalancerEndpointId: optional(string),
  Type: oneOf(...(Object.keys(TARGET_MEMBERS) as (keyof typeof TARGET_MEMBERS)[])),
  Description: optional(string),
  OwnerId: optional(accountId),
  Tags: tags,
  seq,
});

const trafficMirrorTarget: Check<TrafficMirrorTargetRecord> = (value, field) => targetFields(value, field) ?? targetOfItsType(value, field);

const trafficMirrorFilter = object<TrafficMirrorFilterRecord>({
  TrafficMirrorFilterId: id('traffic-mirror-filter'),
  Description: optional(string),
  NetworkServices: arrayOf(oneOf('amazon-dns')),
  Tags: tags,
  seq,
});

const portRange = object<TrafficMirrorPortRange>({ FromPort: optional(port), ToPort: optional(port) });

const trafficMirrorFilterRule = object<TrafficMirrorFilterRuleRecord>({
  TrafficMirrorFilterRuleId: id('traffic-mirror-filter-rule'),
  TrafficMirrorFilterId: id('traffic-mirror-filter'),
  TrafficDirection: oneOf('ingress', 'egress'),
  RuleNumber: sessionOrRuleNumber,
  RuleAction: oneOf('accept', 'reject'),
  Protocol: optional(integer(0, 255)),
  DestinationPortRange: optional(portRange),
  SourcePortRange: optional(portRange),
  DestinationCidrBlock: cidr(),
  SourceCidrBlock: cidr(),
  Description: optional(string),
  Tags: tags,
  seq,
});

const trafficMirrorSession = object<TrafficMirrorSessionRecord>({
  TrafficMirrorSessionId: id('traffic-mirror-session'),
  TrafficMirrorTargetId: id('traffic-mirror-target'),
  TrafficMirrorFilterId: id('traffic-mirror-filter'),
  NetworkInterfaceId: id('network-interface'),
  OwnerId: accountId,
  PacketLength: optional(integer(1, 8500)),
  packetLengthDefaulted: optional(isTrue),
  SessionNumber: sessionOrRuleNumber,
  VirtualNetworkId: integer(0, 0xffffff),
  Description: optional(string),
  Tags: tags,
  seq,
});

/**
 * Decided: a ClientToken record's `output` is only checked to be an object. It is the create's
 * answer, replayed to a retry as it is; its resource is checked where it is stored as a record.
 */
const clientToken = object<ClientTokenRecord>({
  // client-token.ts: `<Operation>:<ClientToken>`, a token being 1 to 64 printable ASCII characters.
  key: stringWhere('an operation name, ":" and a ClientToken of 1 to 64 printable ASCII characters', (v) => /^[A-Z][A-Za-z0-9]*:[\x20-\x7e]{1,64}$/.test(v)),
  // A SHA-256 digest in base64url.
  parameters: stringWhere('a parameters digest (43 base64url characters)', (v) => /^[A-Za-z0-9_-]{43}$/.test(v)),
  output: anObject,
  seq,
});

/** The check of each kind of record a state file holds (STATE_KINDS). */
export const RECORD_CHECKS: Readonly<Record<string, Check<unknown>>> = {
  vpc,
  'security-group': securityGroup,
  'security-group-rule': securityGroupRule,
  subnet,
  'network-interface': networkInterface,
  'traffic-mirror-target': trafficMirrorTarget,
  'traffic-mirror-filter': trafficMirrorFilter,
  'traffic-mirror-filter-rule': trafficMirrorFilterRule,
  'traffic-mirror-session': trafficMirrorSession,
  'client-token': clientToken,
};

/**
 * What the API keeps unique among the records of one kind in an account and region, besides IDs:
 * each as the words that name it, which are also its key.
 */
export const UNIQUE_AMONG_KIND: Readonly<Record<string, (record: never) => string>> = {
  // partition.ts: networkInterfacesByMacAddress.
  'network-interface': (eni: NetworkInterfaceRecord) => `MacAddress ${eni.MacAddress}`,
  // partition.ts: securityGroupsByVpcAndName.
  'security-group': (group: SecurityGroupRecord) => `GroupName ${group.GroupName} in ${group.VpcId}`,
  // decisions.md: "Duplicate RuleNumber in one direction of a filter".
  'traffic-mirror-filter-rule': (rule: TrafficMirrorFilterRuleRecord) => `RuleNumber ${rule.RuleNumber} for ${rule.TrafficDirection} in ${rule.TrafficMirrorFilterId}`,
  // decisions.md: "Duplicate SessionNumber on one source ENI".
  'traffic-mirror-session': (session: TrafficMirrorSessionRecord) => `SessionNumber ${session.SessionNumber} on ${session.NetworkInterfaceId}`,
};
