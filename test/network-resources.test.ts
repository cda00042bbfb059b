// VPCs, subnets, security groups and network interfaces end to end, through the AWS CLI v1 and v2
// and the SDK v3.
import {
  AssociateSubnetCidrBlockCommand,
  AssociateVpcCidrBlockCommand,
  AuthorizeSecurityGroupEgressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNetworkInterfaceAttributeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DisassociateSubnetCidrBlockCommand,
  DisassociateVpcCidrBlockCommand,
  EC2ServiceException,
  ModifyNetworkInterfaceAttributeCommand,
  ResetNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCli, hasCliV2, sdkClient } from './support/clients.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

/** The CLI prints untyped JSON; the assertions below are its types. */
type Json = any;

function cliRoundTrip(v2: boolean, account: string) {
  const run = (args: string[]): Json => {
    const result = awsCli(server.url, args, { v2, accessKeyId: account, region: 'eu-west-1' });
    assert.equal(result.status, 0, result.stderr);
    return result.json;
  };

  const vpc = run(['create-vpc', '--cidr-block', '10.20.0.0/16', '--amazon-provided-ipv6-cidr-block',
    '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=cli}]']).Vpc;
  assert.match(vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
  assert.equal(vpc.CidrBlock, '10.20.0.0/16');
  assert.equal(vpc.OwnerId, account);
  assert.equal(vpc.State, 'available');
  assert.deepEqual(vpc.Tags, [{ Key: 'Name', Value: 'cli' }]);
  const vpcIpv6 = vpc.Ipv6CidrBlockAssociationSet[0];
  assert.equal(vpcIpv6.NetworkBorderGroup, 'eu-west-1');
  assert.match(vpcIpv6.Ipv6CidrBlock, /^2001:db8:[0-9a-f:]+\/56$/);
  assert.deepEqual(run(['describe-vpcs', '--vpc-ids', vpc.VpcId]).Vpcs, [vpc]);

  const ipv6Block = vpcIpv6.Ipv6CidrBlock.replace('/56', '/64');
  const subnet = run(['create-subnet', '--vpc-id', vpc.VpcId, '--cidr-block', '10.20.1.0/24', '--availability-zone', 'eu-west-1b',
    '--ipv6-cidr-block', ipv6Block]).Subnet;
  assert.equal(subnet.AvailabilityZone, 'eu-west-1b');
  assert.equal(subnet.AvailabilityZoneId, 'euw1-az2');
  assert.equal(subnet.AvailableIpAddressCount, 251);
  assert.equal(subnet.SubnetArn, `arn:aws:ec2:eu-west-1:${account}:subnet/${subnet.SubnetId}`);
  assert.equal(subnet.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, ipv6Block);

  const eni = run(['create-network-interface', '--subnet-id', subnet.SubnetId, '--description', 'tap',
    '--private-ip-address', '10.20.1.10', '--secondary-private-ip-address-count', '1', '--ipv6-address-count', '1']).NetworkInterface;
  assert.match(eni.NetworkInterfaceId, /^eni-[0-9a-f]{17}$/);
  assert.equal(eni.PrivateIpAddress, '10.20.1.10');
  assert.equal(eni.PrivateDnsName, 'ip-10-20-1-10.eu-west-1.compute.internal');
  assert.deepEqual(eni.PrivateIpAddresses.map((a: Json) => [a.PrivateIpAddress, a.Primary]), [['10.20.1.10', true], ['10.20.1.4', false]]);
  assert.equal(eni.Ipv6Addresses.length, 1);
  assert.ok(eni.Ipv6Addresses[0].Ipv6Address.startsWith(ipv6Block.replace('::/64', ':')));
  assert.equal(eni.Description, 'tap');
  assert.equal(eni.Groups[0].GroupName, 'default');

  // The appliance's group: VXLAN in from the VPC (the ingress shorthand), joined by the interface.
  const group = run(['create-security-group', '--group-name', 'appliance', '--description', 'VXLAN in', '--vpc-id', vpc.VpcId]);
  assert.match(group.GroupId, /^sg-[0-9a-f]{17}$/);
  const [rule] = run(['authorize-security-group-ingress', '--group-id', group.GroupId, '--protocol', 'udp', '--port', '4789', '--cidr', '10.20.0.0/16']).SecurityGroupRules;
  assert.match(rule.SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);
  assert.deepEqual([rule.IsEgress, rule.IpProtocol, rule.FromPort, rule.ToPort, rule.CidrIpv4], [false, 'udp', 4789, 4789, '10.20.0.0/16']);
  run(['modify-network-interface-attribute', '--network-interface-id', eni.NetworkInterfaceId, '--groups', group.GroupId]);
  const [described] = run(['describe-security-groups', '--group-ids', group.GroupId]).SecurityGroups;
  assert.deepEqual(described.IpPermissions, [{ IpProtocol: 'udp', FromPort: 4789, ToPort: 4789, IpRanges: [{ CidrIp: '10.20.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
  const inUse = awsCli(server.url, ['delete-security-group', '--group-id', group.GroupId], { v2, accessKeyId: account, region: 'eu-west-1' });
  assert.match(inUse.stderr, /DependencyViolation.*resource sg-[0-9a-f]{17} has a dependent object/);

  const [listed] = run(['describe-network-interfaces', '--filters', `Name=subnet-id,Values=${subnet.SubnetId}`]).NetworkInterfaces;
  assert.deepEqual(listed, { ...eni, Groups: [{ GroupId: group.GroupId, GroupName: 'appliance' }] });
  assert.equal(run(['describe-subnets', '--subnet-ids', subnet.SubnetId]).Subnets[0].AvailableIpAddressCount, 249);

  run(['delete-network-interface', '--network-interface-id', eni.NetworkInterfaceId]);
  run(['delete-security-group', '--group-id', group.GroupId]);
  run(['delete-subnet', '--subnet-id', subnet.SubnetId]);
  run(['delete-vpc', '--vpc-id', vpc.VpcId]);
  assert.deepEqual(run(['describe-vpcs']).Vpcs, []);

  const missing = awsCli(server.url, ['describe-vpcs', '--vpc-ids', vpc.VpcId], { v2, accessKeyId: account, region: 'eu-west-1' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /InvalidVpcID\.NotFound/);
}

describe('a VPC, subnet and network interface round trip', () => {
  test('AWS CLI v1', () => cliRoundTrip(false, '210000000001'));

  test('AWS CLI v2', { skip: !hasCliV2 && 'Debian awscli (CLI v2) is not installed' }, () => cliRoundTrip(true, '210000000002'));

  test('@aws-sdk/client-ec2', async () => {
    const ec2 = sdkClient(server.url, { accessKeyId: '210000000003' });
    const { Vpc: vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
    assert.match(vpc!.VpcId!, /^vpc-[0-9a-f]{17}$/);
    assert.equal(vpc!.IsDefault, false);
    assert.equal(vpc!.InstanceTenancy, 'default');
    assert.deepEqual(vpc!.Ipv6CidrBlockAssociationSet, []);
    assert.deepEqual(vpc!.CidrBlockAssociationSet?.map((a) => [a.CidrBlock, a.CidrBlockState?.State]), [['10.30.0.0/16', 'associated']]);

    const { Subnet: subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpc!.VpcId, CidrBlock: '10.30.7.0/28' }));
    assert.equal(subnet!.AvailabilityZone, 'us-east-1a');
    assert.equal(subnet!.AvailabilityZoneId, 'use1-az1');
    assert.equal(subnet!.AvailableIpAddressCount, 11);

    const created = await ec2.send(new CreateNetworkInterfaceCommand({
      SubnetId: subnet!.SubnetId,
      ClientToken: 'sdk-round-trip',
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'target' }] }],
    }));
    const eni = created.NetworkInterface!;
    assert.equal(created.ClientToken, 'sdk-round-trip');
    assert.equal(eni.PrivateIpAddress, '10.30.7.4');
    assert.equal(eni.PrivateDnsName, 'ip-10-30-7-4.ec2.internal');
    assert.equal(eni.Status, 'available');
    assert.equal(eni.SourceDestCheck, true);
    assert.match(eni.MacAddress!, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    assert.deepEqual(eni.TagSet, [{ Key: 'role', Value: 'target' }]);

    const retried = await ec2.send(new CreateNetworkInterfaceCommand({
      SubnetId: subnet!.SubnetId,
      ClientToken: 'sdk-round-trip',
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'target' }] }],
    }));
    assert.equal(retried.NetworkInterface!.NetworkInterfaceId, eni.NetworkInterfaceId);

    const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:role', Values: ['target'] }] }));
    assert.deepEqual(NetworkInterfaces?.map((e) => e.NetworkInterfaceId), [eni.NetworkInterfaceId]);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet!.SubnetId!] }));
    assert.equal(Subnets?.[0]?.AvailableIpAddressCount, 10);

    // A group whose outbound rule names another group: ReferencedGroupInfo, and DependencyViolation
    // until the referencing group is gone.
    const { GroupId: collector } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'collector', Description: 'collector', VpcId: vpc!.VpcId }));
    const { GroupId: sender, SecurityGroupArn } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sender', Description: 'sender', VpcId: vpc!.VpcId }));
    assert.equal(SecurityGroupArn, `arn:aws:ec2:us-east-1:210000000003:security-group/${sender}`);
    const { SecurityGroupRules } = await ec2.send(new AuthorizeSecurityGroupEgressCommand({
      GroupId: sender,
      IpPermissions: [{ IpProtocol: '17', FromPort: 4789, ToPort: 4789, UserIdGroupPairs: [{ GroupId: collector, Description: 'VXLAN' }] }],
    }));
    assert.deepEqual(SecurityGroupRules?.map((r) => [r.IsEgress, r.IpProtocol, r.ReferencedGroupInfo?.GroupId, r.Description]), [[true, 'udp', collector, 'VXLAN']]);
    const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [sender!] }], MaxResults: 5 }));
    assert.equal(rules.SecurityGroupRules?.length, 2, 'the default allow-all egress rule and the new one');
    await assert.rejects(ec2.send(new DeleteSecurityGroupCommand({ GroupId: collector })), { name: 'DependencyViolation' });
    assert.deepEqual((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sender }))).GroupId, sender);
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: collector }));

    await assert.rejects(ec2.send(new DeleteVpcCommand({ VpcId: vpc!.VpcId })), (error: EC2ServiceException) => {
      assert.equal(error.name, 'DependencyViolation');
      assert.equal(error.$metadata.httpStatusCode, 400);
      return true;
    });

    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet!.SubnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpc!.VpcId }));
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
    assert.deepEqual(Vpcs, []);
    await assert.rejects(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId })), {
      name: 'InvalidNetworkInterfaceID.NotFound',
    });
  });

  test('@aws-sdk/client-ec2: zones, IPv6 added to a VPC and a subnet in place, interface attributes', async () => {
    const ec2 = sdkClient(server.url, { accessKeyId: '210000000004', region: 'us-west-1' });
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(AvailabilityZones!.map((zone) => [zone.ZoneName, zone.State]), [['us-west-1b', 'available'], ['us-west-1c', 'available']]);
    const { Vpc: vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
    const { Subnet: subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpc!.VpcId, CidrBlock: '10.40.1.0/24', AvailabilityZone: 'us-west-1c' }));
    const { Ipv6CidrBlockAssociation: vpcBlock } = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc!.VpcId, AmazonProvidedIpv6CidrBlock: true }));
    assert.equal(vpcBlock!.Ipv6CidrBlockState!.State, 'associated');
    assert.match(vpcBlock!.Ipv6CidrBlock!, /::\/56$/);
    const subnetCidr = vpcBlock!.Ipv6CidrBlock!.replace('::/56', '::/64');
    const { Ipv6CidrBlockAssociation: subnetBlock } = await ec2.send(new AssociateSubnetCidrBlockCommand({ SubnetId: subnet!.SubnetId, Ipv6CidrBlock: subnetCidr }));
    assert.equal(subnetBlock!.Ipv6CidrBlock, subnetCidr);
    await assert.rejects(ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: vpcBlock!.AssociationId })), { name: 'InvalidCidrBlock.InUse' });
    await ec2.send(new DisassociateSubnetCidrBlockCommand({ AssociationId: subnetBlock!.AssociationId }));
    await ec2.send(new DisassociateVpcCidrBlockCommand({ AssociationId: vpcBlock!.AssociationId }));
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc!.VpcId!] }));
    assert.deepEqual(Vpcs![0]!.Ipv6CidrBlockAssociationSet ?? [], []);

    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet!.SubnetId }));
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni!.NetworkInterfaceId, SourceDestCheck: { Value: false } }));
    const read = () => ec2.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni!.NetworkInterfaceId, Attribute: 'sourceDestCheck' }));
    assert.equal((await read()).SourceDestCheck!.Value, false);
    await ec2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni!.NetworkInterfaceId, SourceDestCheck: 'true' }));
    assert.equal((await read()).SourceDestCheck!.Value, true);
  });
});
