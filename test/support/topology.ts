/**
 * A full topology built through the EC2 API (raw Query calls, so any server and any account work),
 * and a byte-level snapshot of every Describe, to compare state across restarts, imports and
 * failed calls.
 */

export const DESCRIBE_ACTIONS = [
  'DescribeVpcs',
  'DescribeRouteTables',
  'DescribeNetworkAcls',
  'DescribeSecurityGroups',
  'DescribeSecurityGroupRules',
  'DescribeSubnets',
  'DescribeNetworkInterfaces',
  'DescribeTrafficMirrorFilters',
  'DescribeTrafficMirrorFilterRules',
  'DescribeTrafficMirrorTargets',
  'DescribeTrafficMirrorSessions',
  'DescribeTags',
] as const;

export const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/collector/0123456789abcdef';
export const GWLBE_ID = 'vpce-0123456789abcdef0';

export class Ec2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: string,
  ) {
    super(`${status} ${code}`);
  }
}

/** One EC2 Query call; `account` (12 digits) is the caller's account. Throws Ec2Error on an error. */
export async function call(url: string, action: string, params: Record<string, string | number> = {}, account = '111122223333', region = 'us-east-1'): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2016-11-15' });
  for (const [key, value] of Object.entries(params)) body.set(key, String(value));
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      // A new connection per call: tests pause for a long time (a Terraform run, a restart), and a
      // pooled connection idle for as long as the server's keep-alive could be closed under it.
      connection: 'close',
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Ec2Error(response.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '?', text);
  return text;
}

export function field(xml: string, name: string): string {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) throw new Error(`no <${name}> in ${xml.slice(0, 300)}`);
  return match[1]!;
}

/** `TagSpecification.1.*` query parameters tagging a new resource of `type` with `pairs`. */
export const tagSpecification = (type: string, pairs: Record<string, string>) => {
  const out: Record<string, string> = { 'TagSpecification.1.ResourceType': type };
  Object.entries(pairs).forEach(([key, value], i) => {
    out[`TagSpecification.1.Tag.${i + 1}.Key`] = key;
    out[`TagSpecification.1.Tag.${i + 1}.Value`] = value;
  });
  return out;
};

export interface Topology {
  vpc: string;
  subnets: string[];
  enis: string[];
  securityGroups: string[];
  filters: string[];
  rules: string[];
  targets: string[];
  sessions: string[];
}

/**
 * VPC (with IPv6), two subnets, five ENIs, a security group with rules of each kind of peer (the
 * appliance's: VXLAN in), two filters with rules in both directions and amazon-dns, targets of all
 * three kinds, sessions with and without VNIs and packet lengths, tags.
 */
export async function buildTopology(url: string, account = '111122223333'): Promise<Topology> {
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(url, action, params, account);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true', ...tagSpecification('vpc', { Name: 'main' }) }), 'vpcId');
  await ec2('ModifyVpcAttribute', { VpcId: vpc, 'EnableDnsHostnames.Value': 'true' });
  const subnets = [
    field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24', ...tagSpecification('subnet', { tier: 'web' }) }), 'subnetId'),
    field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }), 'subnetId'),
  ];
  const enis: string[] = [];
  for (let i = 0; i < 5; i++) {
    const params: Record<string, string | number> = { SubnetId: subnets[i % 2]!, Description: `eni ${i}` };
    if (i === 0) Object.assign(params, { PrivateIpAddress: '10.0.1.10', ...tagSpecification('network-interface', { role: 'web' }) });
    enis.push(field(await ec2('CreateNetworkInterface', params), 'networkInterfaceId'));
  }
  // Addresses changed after create: two added, one of them taken back.
  await ec2('AssignPrivateIpAddresses', { NetworkInterfaceId: enis[0]!, 'PrivateIpAddress.1': '10.0.1.11', 'PrivateIpAddress.2': '10.0.1.12' });
  await ec2('UnassignPrivateIpAddresses', { NetworkInterfaceId: enis[0]!, 'PrivateIpAddress.1': '10.0.1.11' });
  const appliance = field(await ec2('CreateSecurityGroup', { GroupName: 'appliance', GroupDescription: 'VXLAN in', VpcId: vpc, ...tagSpecification('security-group', { Name: 'appliance' }) }), 'groupId');
  const web = field(await ec2('CreateSecurityGroup', { GroupName: 'web', GroupDescription: 'web', VpcId: vpc }), 'groupId');
  await ec2('AuthorizeSecurityGroupIngress', {
    GroupId: appliance,
    'IpPermissions.1.IpProtocol': 'udp', 'IpPermissions.1.FromPort': 4789, 'IpPermissions.1.ToPort': 4789,
    'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/16', 'IpPermissions.1.IpRanges.1.Description': 'VXLAN',
    'IpPermissions.1.Groups.1.GroupId': web,
    'IpPermissions.2.IpProtocol': '58', 'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
    ...tagSpecification('security-group-rule', { Name: 'vxlan' }),
  });
  await ec2('RevokeSecurityGroupEgress', { GroupId: appliance, 'IpPermissions.1.IpProtocol': '-1', 'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0' });
  await ec2('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: enis[4]!, 'SecurityGroupId.1': appliance });
  const securityGroups = [appliance, web];
  const filters = [
    field(await ec2('CreateTrafficMirrorFilter', { Description: 'web', ...tagSpecification('traffic-mirror-filter', { Name: 'web' }) }), 'trafficMirrorFilterId'),
    field(await ec2('CreateTrafficMirrorFilter', {}), 'trafficMirrorFilterId'),
  ];
  await ec2('ModifyTrafficMirrorFilterNetworkServices', { TrafficMirrorFilterId: filters[0]!, 'AddNetworkService.1': 'amazon-dns' });
  const rules: string[] = [];
  const ruleSpecs: Record<string, string | number>[] = [
    { TrafficDirection: 'ingress', RuleNumber: 10, RuleAction: 'accept', Protocol: 6, 'DestinationPortRange.FromPort': 80, 'DestinationPortRange.ToPort': 443, SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '10.0.0.0/16', Description: 'web in' },
    { TrafficDirection: 'ingress', RuleNumber: 20, RuleAction: 'reject', SourceCidrBlock: '192.168.0.0/16', DestinationCidrBlock: '0.0.0.0/0' },
    { TrafficDirection: 'egress', RuleNumber: 10, RuleAction: 'accept', Protocol: 17, 'SourcePortRange.FromPort': 1024, 'SourcePortRange.ToPort': 65535, SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '0.0.0.0/0' },
    { TrafficDirection: 'egress', RuleNumber: 20, RuleAction: 'accept', SourceCidrBlock: '::/0', DestinationCidrBlock: '::/0', ...tagSpecification('traffic-mirror-filter-rule', { v6: 'yes' }) },
  ];
  for (const spec of ruleSpecs) {
    rules.push(field(await ec2('CreateTrafficMirrorFilterRule', { TrafficMirrorFilterId: filters[0]!, ...spec }), 'trafficMirrorFilterRuleId'));
  }
  rules.push(field(await ec2('CreateTrafficMirrorFilterRule', { TrafficMirrorFilterId: filters[1]!, TrafficDirection: 'ingress', RuleNumber: 1, RuleAction: 'accept', SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '0.0.0.0/0' }), 'trafficMirrorFilterRuleId'));
  const targets = [
    field(await ec2('CreateTrafficMirrorTarget', { NetworkInterfaceId: enis[4]!, Description: 'appliance', ...tagSpecification('traffic-mirror-target', { Name: 'ids' }) }), 'trafficMirrorTargetId'),
    field(await ec2('CreateTrafficMirrorTarget', { NetworkLoadBalancerArn: NLB_ARN }), 'trafficMirrorTargetId'),
    field(await ec2('CreateTrafficMirrorTarget', { GatewayLoadBalancerEndpointId: GWLBE_ID }), 'trafficMirrorTargetId'),
  ];
  const sessions = [
    field(await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: enis[0]!, TrafficMirrorTargetId: targets[0]!, TrafficMirrorFilterId: filters[0]!, SessionNumber: 1, PacketLength: 128, VirtualNetworkId: 42, Description: 'web', ...tagSpecification('traffic-mirror-session', { Name: 'web' }) }), 'trafficMirrorSessionId'),
    field(await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: enis[0]!, TrafficMirrorTargetId: targets[1]!, TrafficMirrorFilterId: filters[1]!, SessionNumber: 2 }), 'trafficMirrorSessionId'),
    field(await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: enis[1]!, TrafficMirrorTargetId: targets[2]!, TrafficMirrorFilterId: filters[1]!, SessionNumber: 1, ClientToken: 'topology-token' }), 'trafficMirrorSessionId'),
  ];
  await ec2('CreateTags', { 'ResourceId.1': sessions[1]!, 'Tag.1.Key': 'later', 'Tag.1.Value': 'added' });
  return { vpc, subnets, enis, securityGroups, filters, rules, targets, sessions };
}

/** Every Describe's response body, request ID removed: equal snapshots mean equal state. */
export async function snapshotDescribes(url: string, account = '111122223333'): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const action of DESCRIBE_ACTIONS) {
    out[action] = (await call(url, action, {}, account)).replace(/<requestId>[^<]*<\/requestId>/, '');
  }
  // The attributes of every VPC, which no Describe without parameters shows.
  for (const [, vpcId] of out.DescribeVpcs!.matchAll(/<vpcId>([^<]+)<\/vpcId>/g)) {
    for (const attribute of ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics']) {
      out[`DescribeVpcAttribute ${vpcId} ${attribute}`] = (await call(url, 'DescribeVpcAttribute', { VpcId: vpcId!, Attribute: attribute }, account)).replace(/<requestId>[^<]*<\/requestId>/, '');
    }
  }
  return out;
}
