import type { NetworkAcl, NetworkAclEntry, Route, RouteTable } from '../../model/ec2-types.js';
import type { Partition } from '../state/partition.js';
import type { VpcRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, matchesNothing, type DescribeSource, type FilterTable } from './describe-engine.js';
import type { ResourceKind } from './errors.js';
import { derivedId, type IdKind } from '../state/ids.js';
import { vpcIpv4Blocks, vpcIpv6Block } from './vpcs.js';

/**
 * What every VPC comes with: a main route table and a default network ACL (and a default security
 * group, which is stored: security-groups.ts). Terraform's aws_vpc reads all three on every refresh
 * (DescribeRouteTables with `association.main`, DescribeNetworkAcls with `default`,
 * DescribeSecurityGroups with `group-name=default`), so they are described exactly as EC2
 * describes a new VPC's. mirrorlite keeps neither the table nor the ACL: each is derived from its
 * VPC whenever it is described (their IDs from the VPC ID), so they live and die with the VPC and
 * cannot be changed or tagged. Subnets use the main route table implicitly (EC2 lists no association for
 * that) and are associated with the default ACL explicitly (EC2 lists one per subnet).
 */

// --- Route tables ---

function mainRouteTable(vpc: VpcRecord): RouteTable {
  const RouteTableId = derivedId('route-table', vpc.VpcId);
  // A local route for each associated IPv4 block, the primary one first, as EC2 adds one per block.
  const Routes: Route[] = vpcIpv4Blocks(vpc).map((block) => ({ DestinationCidrBlock: block, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }));
  const ipv6 = vpcIpv6Block(vpc);
  if (ipv6 !== undefined) Routes.push({ DestinationIpv6CidrBlock: ipv6, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' });
  return {
    Associations: [
      {
        Main: true,
        RouteTableAssociationId: derivedId('route-table-association', vpc.VpcId),
        RouteTableId,
        AssociationState: { State: 'associated' },
      },
    ],
    PropagatingVgws: [],
    RouteTableId,
    Routes,
    Tags: [],
    VpcId: vpc.VpcId,
    OwnerId: vpc.OwnerId,
  };
}

const associations = (t: RouteTable) => t.Associations ?? [];
const routes = (t: RouteTable) => t.Routes ?? [];

export const ROUTE_TABLE_FILTERS: FilterTable<RouteTable> = {
  'association.gateway-id': (t) => associations(t).map((a) => a.GatewayId),
  'association.route-table-association-id': (t) => associations(t).map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (t) => associations(t).map((a) => a.RouteTableId),
  'association.subnet-id': (t) => associations(t).map((a) => a.SubnetId),
  'association.main': (t) => associations(t).map((a) => a.Main),
  'owner-id': (t) => t.OwnerId,
  'route-table-id': (t) => t.RouteTableId,
  'route.destination-cidr-block': (t) => routes(t).map((r) => r.DestinationCidrBlock),
  'route.destination-ipv6-cidr-block': (t) => routes(t).map((r) => r.DestinationIpv6CidrBlock),
  'route.destination-prefix-list-id': matchesNothing,
  'route.egress-only-internet-gateway-id': matchesNothing,
  'route.gateway-id': (t) => routes(t).map((r) => r.GatewayId),
  'route.instance-id': matchesNothing,
  'route.nat-gateway-id': matchesNothing,
  'route.transit-gateway-id': matchesNothing,
  'route.origin': (t) => routes(t).map((r) => r.Origin),
  'route.state': (t) => routes(t).map((r) => r.State),
  'route.vpc-peering-connection-id': matchesNothing,
  'vpc-id': (t) => t.VpcId,
};

// --- Network ACLs ---

/** Allow everything at rule 100 (101 for IPv6), deny the rest at 32767 (32768): egress, then ingress. */
function defaultAclEntries(vpc: VpcRecord): NetworkAclEntry[] {
  const ipv6 = vpcIpv6Block(vpc) !== undefined;
  return [true, false].flatMap((Egress) => {
    const entry = (RuleNumber: number, RuleAction: 'allow' | 'deny', family: 4 | 6): NetworkAclEntry =>
      family === 4
        ? { CidrBlock: '0.0.0.0/0', Egress, Protocol: '-1', RuleAction, RuleNumber }
        : { Egress, Ipv6CidrBlock: '::/0', Protocol: '-1', RuleAction, RuleNumber };
    return ipv6
      ? [entry(100, 'allow', 4), entry(101, 'allow', 6), entry(32767, 'deny', 4), entry(32768, 'deny', 6)]
      : [entry(100, 'allow', 4), entry(32767, 'deny', 4)];
  });
}

function defaultNetworkAcl(partition: Partition, vpc: VpcRecord): NetworkAcl {
  const NetworkAclId = derivedId('network-acl', vpc.VpcId);
  return {
    Associations: [...partition.subnets.pick(partition.subnetsByVpc.ids(vpc.VpcId))].map((subnet) => ({
      NetworkAclAssociationId: derivedId('network-acl-association', subnet.SubnetId),
      NetworkAclId,
      SubnetId: subnet.SubnetId,
    })),
    Entries: defaultAclEntries(vpc),
    IsDefault: true,
    NetworkAclId,
    Tags: [],
    VpcId: vpc.VpcId,
    OwnerId: vpc.OwnerId,
  };
}

const entries = (a: NetworkAcl) => a.Entries ?? [];
const aclAssociations = (a: NetworkAcl) => a.Associations ?? [];

export const NETWORK_ACL_FILTERS: FilterTable<NetworkAcl> = {
  'association.association-id': (a) => aclAssociations(a).map((x) => x.NetworkAclAssociationId),
  'association.network-acl-id': (a) => aclAssociations(a).map((x) => x.NetworkAclId),
  'association.subnet-id': (a) => aclAssociations(a).map((x) => x.SubnetId),
  default: (a) => a.IsDefault,
  'entry.cidr': (a) => entries(a).map((e) => e.CidrBlock),
  'entry.icmp.code': (a) => entries(a).map((e) => e.IcmpTypeCode?.Code),
  'entry.icmp.type': (a) => entries(a).map((e) => e.IcmpTypeCode?.Type),
  'entry.ipv6-cidr': (a) => entries(a).map((e) => e.Ipv6CidrBlock),
  'entry.port-range.from': (a) => entries(a).map((e) => e.PortRange?.From),
  'entry.port-range.to': (a) => entries(a).map((e) => e.PortRange?.To),
  'entry.protocol': (a) => entries(a).map((e) => e.Protocol),
  'entry.rule-action': (a) => entries(a).map((e) => e.RuleAction),
  'entry.egress': (a) => entries(a).map((e) => e.Egress),
  'entry.rule-number': (a) => entries(a).map((e) => e.RuleNumber),
  'network-acl-id': (a) => a.NetworkAclId,
  'owner-id': (a) => a.OwnerId,
  'vpc-id': (a) => a.VpcId,
};

// --- Describe ---

/** A Describe over one derived resource per VPC, in the VPCs' creation order. */
function perVpc<T>(
  partition: Partition,
  kind: ResourceKind & IdKind,
  make: (vpc: VpcRecord) => T,
  idOf: (item: T) => string,
  filters: FilterTable<T>,
): DescribeSource<T> {
  const all = function* () {
    for (const vpc of partition.vpcs.values()) yield make(vpc);
  };
  return {
    kind,
    all,
    idOf,
    has: (id) => [...all()].some((item) => idOf(item) === id),
    filters,
    tagsOf: () => [],
  };
}

const describeRouteTables: Handler<'DescribeRouteTables'> = (input, context) => {
  const source = perVpc(context.partition, 'route-table', mainRouteTable, (t) => t.RouteTableId!, ROUTE_TABLE_FILTERS);
  const page = describe(context, source, describeQuery(input, 'RouteTableIds'));
  return { RouteTables: page.items, NextToken: page.nextToken };
};

const describeNetworkAcls: Handler<'DescribeNetworkAcls'> = (input, context) => {
  const make = (vpc: VpcRecord) => defaultNetworkAcl(context.partition, vpc);
  const source = perVpc(context.partition, 'network-acl', make, (a) => a.NetworkAclId!, NETWORK_ACL_FILTERS);
  const page = describe(context, source, describeQuery(input, 'NetworkAclIds'));
  return { NetworkAcls: page.items, NextToken: page.nextToken };
};

export const vpcDefaultHandlers: HandlerTable = {
  DescribeRouteTables: describeRouteTables,
  DescribeNetworkAcls: describeNetworkAcls,
};
