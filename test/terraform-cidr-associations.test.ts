// Terraform's AWS provider, unmodified, changing a VPC's and a subnet's blocks in place: aws_vpc's
// assign_generated_ipv6_cidr_block turned on (AssociateVpcCidrBlock) and off again
// (DisassociateVpcCidrBlock), aws_subnet's ipv6_cidr_block added (AssociateSubnetCidrBlock) and
// removed (DisassociateSubnetCidrBlock), and aws_vpc_ipv4_cidr_block_association, a secondary IPv4
// block with a subnet inside it; each step followed by a clean plan, then destroy (which
// disassociates the secondary block once its subnet is gone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerFor, terraformAgainstServer, terraformMissing } from './support/terraform.js';
import { call } from './support/topology.js';

const ACCOUNT = '333300000003';

const CONFIG = `${providerFor(ACCOUNT)}
variable "v6" {
  type    = bool
  default = false
}
variable "sub_v6" {
  type    = bool
  default = false
}
resource "aws_vpc" "v" {
  cidr_block                       = "10.71.0.0/16"
  assign_generated_ipv6_cidr_block = var.v6
}
resource "aws_vpc_ipv4_cidr_block_association" "secondary" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.72.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id          = aws_vpc.v.id
  cidr_block      = "10.71.1.0/24"
  ipv6_cidr_block = var.sub_v6 ? cidrsubnet(aws_vpc.v.ipv6_cidr_block, 8, 1) : null
}
resource "aws_subnet" "in_secondary" {
  vpc_id     = aws_vpc_ipv4_cidr_block_association.secondary.vpc_id
  cidr_block = "10.72.1.0/24"
}
output "ids" {
  value = join(" ", [aws_vpc.v.id, aws_vpc_ipv4_cidr_block_association.secondary.id, aws_subnet.in_secondary.id])
}
`;

const setup = terraformAgainstServer(CONFIG);

test('Terraform adds and removes IPv6 on a VPC and a subnet in place, and a secondary IPv4 block with a subnet in it', { skip: terraformMissing, timeout: 300_000 }, async () => {
  const server = setup.server();
  const dir = setup.dir();
  const ec2 = (action: string, params: Record<string, string> = {}) => call(server.url, action, params, ACCOUNT);
  const init = dir.init();
  assert.equal(init.status, 0, init.output);
  const step = (vars: Record<string, string | boolean>, summary: RegExp) => {
    const apply = dir.run(['apply', '-auto-approve'], { endpoint: server.url, ...vars });
    assert.equal(apply.status, 0, apply.output);
    assert.match(apply.output, summary);
    const plan = dir.run(['plan', '-detailed-exitcode'], { endpoint: server.url, ...vars });
    assert.equal(plan.status, 0, plan.output);
    return apply.output;
  };
  const vpcXml = async () => ec2('DescribeVpcs');
  const subnetXml = async (cidr: string) => ec2('DescribeSubnets', { 'Filter.1.Name': 'cidr-block', 'Filter.1.Value.1': cidr });

  // An IPv4-only VPC with a secondary block, and a subnet in each block.
  const created = step({ v6: false, sub_v6: false }, /Resources: 4 added, 0 changed, 0 destroyed/);
  const [vpcId, secondaryAssociation, secondarySubnet] = /ids = "([^"]+)"/.exec(created)![1]!.split(' ');
  assert.match(secondaryAssociation!, /^vpc-cidr-assoc-[0-9a-f]{17}$/);
  assert.match(secondarySubnet!, /^subnet-[0-9a-f]{17}$/);
  let vpc = await vpcXml();
  assert.match(vpc, new RegExp(`<associationId>${secondaryAssociation}</associationId><cidrBlock>10\\.72\\.0\\.0/16</cidrBlock><cidrBlockState><state>associated</state>`));
  assert.match(vpc, /<ipv6CidrBlockAssociationSet\/>/);

  // IPv6 turned on for the VPC in place.
  step({ v6: true, sub_v6: false }, /Resources: 0 added, 1 changed, 0 destroyed/);
  vpc = await vpcXml();
  assert.match(vpc, new RegExp(`<vpcId>${vpcId}</vpcId>`));
  const block = /<ipv6CidrBlock>([^<]+)<\/ipv6CidrBlock>/.exec(vpc)?.[1];
  assert.ok(block?.endsWith('/56'), vpc);

  // The subnet gains a /64 of it, then loses it.
  step({ v6: true, sub_v6: true }, /Resources: 0 added, 1 changed, 0 destroyed/);
  assert.match(await subnetXml('10.71.1.0/24'), /<ipv6CidrBlockAssociationSet><item><associationId>subnet-cidr-assoc-[0-9a-f]{17}<\/associationId><ipv6CidrBlock>[^<]+\/64<\/ipv6CidrBlock>/);
  step({ v6: true, sub_v6: false }, /Resources: 0 added, 1 changed, 0 destroyed/);
  assert.match(await subnetXml('10.71.1.0/24'), /<ipv6CidrBlockAssociationSet\/>/);

  // IPv6 turned off for the VPC in place.
  step({ v6: false, sub_v6: false }, /Resources: 0 added, 1 changed, 0 destroyed/);
  vpc = await vpcXml();
  assert.match(vpc, new RegExp(`<vpcId>${vpcId}</vpcId>`));
  assert.match(vpc, /<ipv6CidrBlockAssociationSet\/>/);

  const destroy = dir.run(['destroy', '-auto-approve'], { endpoint: server.url, v6: false, sub_v6: false });
  assert.equal(destroy.status, 0, destroy.output);
  assert.match(destroy.output, /Resources: 4 destroyed/);
  for (const action of ['DescribeVpcs', 'DescribeSubnets']) assert.match(await ec2(action), /Set\/>/, `${action} is empty after destroy`);
});
