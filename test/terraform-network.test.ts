// Terraform's AWS provider, unmodified, building its own network under a mirror session: aws_vpc
// (which reads the VPC's attributes, main route table, default network ACL and default security
// group on every refresh, and sets enable_dns_hostnames with ModifyVpcAttribute), aws_subnet
// (map_public_ip_on_launch: ModifySubnetAttribute) and aws_network_interface (source_dest_check,
// description: ModifyNetworkInterfaceAttribute), security groups in the three ways Terraform writes
// them (aws_security_group with inline rules, which revokes EC2's allow-all egress rule after
// create; aws_security_group_rule; aws_vpc_security_group_ingress_rule, read back by rule ID) and
// aws_default_security_group, which replaces the VPC's default group's rules; a
// clean plan (what it reads back equals what it wrote); in place: the interfaces' addresses
// (private_ips_count, and private_ip_list, whose first address is the primary:
// AssignPrivateIpAddresses and UnassignPrivateIpAddresses), an inline rule added (Authorize) and a
// rule's port changed (ModifySecurityGroupRules); a clean plan again; destroy. The subnet's zone
// comes from data.aws_availability_zones (DescribeAvailabilityZones), and the provider, which learns
// the account from STS GetCallerIdentity, reads a rule whose peer is a group of the account
// (referenced_security_group_id) back as the bare group ID and builds ARNs with the account in them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerFor, terraformAgainstServer, terraformMissing } from './support/terraform.js';
import { call } from './support/topology.js';

const ACCOUNT = '333300000002';

// The provider waits 10 s after each ModifyVpcAttribute and after an IPv6 block is associated (as it
// does against AWS), and every command spends seconds starting it: one attribute is set, IPv6 is
// left to the boto3 suites, and the outputs are read off apply's own.
const CONFIG = `${providerFor(ACCOUNT)}
resource "aws_vpc" "lab" {
  cidr_block           = "10.8.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "lab" }
}
data "aws_availability_zones" "available" {
  state = "available"
}
resource "aws_subnet" "lab" {
  vpc_id                  = aws_vpc.lab.id
  cidr_block              = "10.8.1.0/24"
  availability_zone       = data.aws_availability_zones.available.names[1]
  map_public_ip_on_launch = true
}
variable "web_secondary_count" {
  type    = number
  default = 0
}
variable "appliance_ips" {
  type    = list(string)
  default = ["10.8.1.50", "10.8.1.51"]
}
variable "icmp" {
  type    = bool
  default = false
}
variable "https_port" {
  type    = number
  default = 443
}
resource "aws_security_group" "appliance" {
  name        = "appliance"
  description = "VXLAN from the VPC"
  vpc_id      = aws_vpc.lab.id
  ingress {
    description = "VXLAN"
    from_port   = 4789
    to_port     = 4789
    protocol    = "udp"
    cidr_blocks = [aws_vpc.lab.cidr_block]
  }
  dynamic "ingress" {
    for_each = var.icmp ? [1] : []
    content {
      from_port   = -1
      to_port     = -1
      protocol    = "icmp"
      cidr_blocks = ["10.0.0.0/8"]
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "appliance" }
}
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.lab.id
  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
  tags = { Name = "members only" }
}
resource "aws_security_group" "web" {
  name_prefix = "web-"
  vpc_id      = aws_vpc.lab.id
}
resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = var.https_port
  to_port           = var.https_port
  ip_protocol       = "tcp"
  tags              = { Name = "https" }
}
resource "aws_vpc_security_group_ingress_rule" "vxlan_from_appliance" {
  security_group_id            = aws_security_group.web.id
  referenced_security_group_id = aws_security_group.appliance.id
  ip_protocol                  = "udp"
  from_port                    = 4789
  to_port                      = 4789
}
resource "aws_security_group_rule" "ssh" {
  type                     = "ingress"
  security_group_id        = aws_security_group.web.id
  from_port                = 22
  to_port                  = 22
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.appliance.id
}
resource "aws_network_interface" "web" {
  subnet_id         = aws_subnet.lab.id
  description       = "web"
  private_ips_count = var.web_secondary_count
  security_groups   = [aws_security_group.web.id, aws_vpc.lab.default_security_group_id]
}
resource "aws_network_interface" "appliance" {
  subnet_id               = aws_subnet.lab.id
  private_ip_list_enabled = true
  private_ip_list         = var.appliance_ips
  security_groups         = [aws_security_group.appliance.id]
  source_dest_check = false
  description       = "ids appliance"
  tags              = { Name = "appliance" }
}
resource "aws_ec2_traffic_mirror_target" "appliance" {
  network_interface_id = aws_network_interface.appliance.id
}
resource "aws_ec2_traffic_mirror_filter" "all" {}
resource "aws_ec2_traffic_mirror_session" "web" {
  network_interface_id     = aws_network_interface.web.id
  traffic_mirror_target_id = aws_ec2_traffic_mirror_target.appliance.id
  traffic_mirror_filter_id = aws_ec2_traffic_mirror_filter.all.id
  session_number           = 1
}
output "vpc" {
  value = join(" ", [aws_vpc.lab.id, aws_vpc.lab.main_route_table_id, aws_vpc.lab.default_network_acl_id, aws_vpc.lab.default_security_group_id])
}
output "zones" {
  value = join(" ", concat(data.aws_availability_zones.available.names, data.aws_availability_zones.available.zone_ids, [aws_subnet.lab.availability_zone]))
}
output "arns" {
  value = join(" ", [aws_ec2_traffic_mirror_filter.all.arn, aws_vpc_security_group_ingress_rule.vxlan_from_appliance.arn])
}
output "vxlan_rule" {
  value = join(" ", [aws_vpc_security_group_ingress_rule.vxlan_from_appliance.id, aws_vpc_security_group_ingress_rule.vxlan_from_appliance.referenced_security_group_id])
}
output "groups" {
  value = join(" ", [aws_security_group.appliance.id, aws_security_group.web.id, aws_vpc_security_group_ingress_rule.https.id])
}
`;

const setup = terraformAgainstServer(CONFIG);

test('Terraform builds its own VPC, subnet and interfaces under a session, reads them back unchanged and destroys them', { skip: terraformMissing, timeout: 300_000 }, async () => {
  const server = setup.server();
  const dir = setup.dir();
  const ec2 = (action: string, params: Record<string, string> = {}) => call(server.url, action, params, ACCOUNT);
  const vars = { endpoint: server.url };
  const init = dir.init();
  assert.equal(init.status, 0, init.output);

  const apply = dir.run(['apply', '-auto-approve'], vars);
  assert.equal(apply.status, 0, apply.output);
  assert.match(apply.output, /Resources: 13 added, 0 changed, 0 destroyed/);
  const [appliance, web, https] = /groups = "([^"]+)"/.exec(apply.output)![1]!.split(' ');
  const [vpcId, routeTable, acl, group] = /vpc = "([^"]+)"/.exec(apply.output)![1]!.split(' ');
  assert.match(vpcId!, /^vpc-[0-9a-f]{17}$/);
  // data.aws_availability_zones lists the region's zones; the subnet is in the second.
  const zones = /zones = "([^"]+)"/.exec(apply.output)![1]!.split(' ');
  assert.deepEqual(zones, [...'abcdef'].map((l) => `us-east-1${l}`).concat([1, 2, 3, 4, 5, 6].map((n) => `use1-az${n}`), ['us-east-1b']));
  assert.match(await ec2('DescribeSubnets'), /<availabilityZone>us-east-1b<\/availabilityZone>/);
  // The provider knows the account (STS): its ARNs carry it, and the rule's peer reads back bare.
  const [filterArn, ruleArn] = /arns = "([^"]+)"/.exec(apply.output)![1]!.split(' ');
  assert.match(filterArn!, new RegExp(`^arn:aws:ec2:us-east-1:${ACCOUNT}:traffic-mirror-filter/tmf-[0-9a-f]{17}$`));
  assert.match(ruleArn!, new RegExp(`^arn:aws:ec2:us-east-1:${ACCOUNT}:security-group-rule/sgr-[0-9a-f]{17}$`));
  assert.match(await ec2('DescribeRouteTables', { 'RouteTableId.1': routeTable! }), new RegExp(`<vpcId>${vpcId}</vpcId>`));
  assert.match(await ec2('DescribeNetworkAcls', { 'NetworkAclId.1': acl! }), new RegExp(`<vpcId>${vpcId}</vpcId>`));
  // aws_default_security_group revoked the default group's rules and authorized its own: inbound from
  // itself only, nothing outbound; and tagged it.
  const defaultGroup = await ec2('DescribeSecurityGroups', { 'GroupId.1': group! });
  assert.match(defaultGroup, new RegExp(`<vpcId>${vpcId}</vpcId>`));
  assert.match(defaultGroup, /<ipPermissionsEgress\/>/);
  assert.match(defaultGroup, /<key>Name<\/key><value>members only<\/value>/);
  assert.match(await ec2('DescribeNetworkInterfaces'), new RegExp(`<groupId>${group}</groupId>`), 'the web interface joined the default group too');
  // EC2's allow-all egress rule was revoked after create and the configured one authorized: one
  // egress rule; one ingress rule from the VPC. The web group holds the rule by ID and the one
  // whose peer is the appliance's group.
  const applianceRules = await ec2('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': appliance! });
  assert.equal((applianceRules.match(/<isEgress>true</g) ?? []).length, 1);
  assert.match(applianceRules, /<ipProtocol>udp<\/ipProtocol><fromPort>4789<\/fromPort><toPort>4789<\/toPort><cidrIpv4>10\.8\.0\.0\/16<\/cidrIpv4><description>VXLAN</);
  const [vxlanRule, vxlanPeer] = /vxlan_rule = "([^"]+)"/.exec(apply.output)![1]!.split(' ');
  assert.equal(vxlanPeer, appliance, 'read back as the bare group ID, not "<account>/sg-…"');
  const vxlan = await ec2('DescribeSecurityGroupRules', { 'SecurityGroupRuleId.1': vxlanRule! });
  assert.match(vxlan, new RegExp(`<groupId>${web}</groupId>`));
  assert.match(vxlan, new RegExp(`<referencedGroupInfo><groupId>${appliance}</groupId><userId>${ACCOUNT}</userId>`));
  const webRules = await ec2('DescribeSecurityGroupRules', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': web! });
  assert.match(webRules, new RegExp(`<securityGroupRuleId>${https}</securityGroupRuleId>`));
  assert.match(webRules, new RegExp(`<referencedGroupInfo><groupId>${appliance}</groupId>`));
  assert.match(await ec2('DescribeNetworkInterfaces', { 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': appliance! }), /<description>ids appliance<\/description>/);
  assert.match(await ec2('DescribeVpcAttribute', { VpcId: vpcId!, Attribute: 'enableDnsHostnames' }), /<enableDnsHostnames><value>true<\/value>/);
  // Set after create with ModifySubnetAttribute and ModifyNetworkInterfaceAttribute.
  assert.match(await ec2('DescribeSubnets'), /<mapPublicIpOnLaunch>true<\/mapPublicIpOnLaunch>/);
  assert.match(await ec2('DescribeNetworkInterfaces', { 'Filter.1.Name': 'description', 'Filter.1.Value.1': 'ids appliance' }), /<sourceDestCheck>false<\/sourceDestCheck>/);

  const clean = dir.run(['plan', '-detailed-exitcode'], vars);
  assert.equal(clean.status, 0, clean.output);

  // In place: two more addresses on one interface (by count); on the other, its secondary swapped
  // for another (by list); an ICMP rule added to one group, the HTTPS rule moved to another port.
  const moved = { ...vars, web_secondary_count: 2, appliance_ips: '["10.8.1.50","10.8.1.60"]', icmp: true, https_port: 8443 };
  const update = dir.run(['apply', '-auto-approve'], moved);
  assert.equal(update.status, 0, update.output);
  assert.match(update.output, /Resources: 0 added, 4 changed, 0 destroyed/);
  assert.match(await ec2('DescribeSecurityGroupRules', { 'SecurityGroupRuleId.1': https! }), /<fromPort>8443<\/fromPort>/, 'the same rule, modified');
  assert.match(await ec2('DescribeSecurityGroups', { 'GroupId.1': appliance! }), /<ipProtocol>icmp<\/ipProtocol><fromPort>-1<\/fromPort><toPort>-1<\/toPort>/);
  const addressesOf = async (description: string) => {
    const xml = await ec2('DescribeNetworkInterfaces', { 'Filter.1.Name': 'description', 'Filter.1.Value.1': description });
    return [...new Set([...xml.matchAll(/<privateIpAddress>([^<]+)</g)].map((m) => m[1]))].sort();
  };
  assert.deepEqual(await addressesOf('ids appliance'), ['10.8.1.50', '10.8.1.60']);
  assert.equal((await addressesOf('web')).length, 3);
  const cleanAgain = dir.run(['plan', '-detailed-exitcode'], moved);
  assert.equal(cleanAgain.status, 0, cleanAgain.output);

  const destroy = dir.run(['destroy', '-auto-approve'], moved);
  assert.equal(destroy.status, 0, destroy.output);
  assert.match(destroy.output, /Resources: 13 destroyed/);
  for (const action of ['DescribeVpcs', 'DescribeSubnets', 'DescribeNetworkInterfaces', 'DescribeTrafficMirrorSessions', 'DescribeRouteTables', 'DescribeSecurityGroups', 'DescribeSecurityGroupRules']) {
    assert.match(await ec2(action), /(Set|Info)\/>/, `${action} is empty after destroy`);
  }
});
