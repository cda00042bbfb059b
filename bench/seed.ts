import { ec2, field, inParallel } from './support.js';

/** Builds, through the API, a VPC, a subnet, `sessions` sessions on ENIs (`perEni` each), one NLB target and one filter. */
export async function seedSessions(url: string, sessions: number, perEni: number, concurrency = 16): Promise<{ vnis: number[]; enis: string[] }> {
  const vpc = field(await ec2(url, 'CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = field(await ec2(url, 'CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.0.0/16' }), 'subnetId');
  const filter = field(await ec2(url, 'CreateTrafficMirrorFilter', { Description: 'bench' }), 'trafficMirrorFilterId');
  const target = field(
    await ec2(url, 'CreateTrafficMirrorTarget', {
      NetworkLoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/bench/0123456789abcdef',
    }),
    'trafficMirrorTargetId',
  );
  const enis = await inParallel(Math.ceil(sessions / perEni), concurrency, async () =>
    field(await ec2(url, 'CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId'),
  );
  const vnis = await inParallel(sessions, concurrency, async (i) =>
    Number(
      field(
        await ec2(url, 'CreateTrafficMirrorSession', {
          NetworkInterfaceId: enis[Math.floor(i / perEni)]!,
          TrafficMirrorTargetId: target,
          TrafficMirrorFilterId: filter,
          SessionNumber: (i % perEni) + 1,
          Description: `session ${i}`,
        }),
        'virtualNetworkId',
      ),
    ),
  );
  return { vnis, enis };
}

export async function seedFilters(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await ec2(url, 'CreateTrafficMirrorFilter', { Description: `filter ${i}` });
}
