// Terraform's AWS provider, unmodified, against mirrorlite: create filters, rules, targets and a
// session without a VNI; a clean plan after apply (what it reads back equals what it wrote); an
// in-place update of the session (target, filter, number, length, VNI) with its description removed
// (the provider sends RemoveField.1=description); destroy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerFor, terraformAgainstServer, terraformMissing, type TerraformVars } from './support/terraform.js';
import { call, field } from './support/topology.js';

const ACCOUNT = '333300000001';

const CONFIG = `${providerFor(ACCOUNT)}
variable "source_eni" { type = string }
variable "appliance_eni" { type = string }
variable "use_nlb" { type = bool }
variable "session_number" { type = number }
variable "packet_length" {
  type    = number
  default = null
}
variable "vni" {
  type    = number
  default = null
}
variable "description" {
  type    = string
  default = null
}
resource "aws_ec2_traffic_mirror_filter" "web" {
  description      = "web traffic"
  network_services = ["amazon-dns"]
  tags             = { Name = "web" }
}
resource "aws_ec2_traffic_mirror_filter" "all" {
  description = "everything"
}
resource "aws_ec2_traffic_mirror_filter_rule" "https_in" {
  traffic_mirror_filter_id = aws_ec2_traffic_mirror_filter.web.id
  description              = "https in"
  destination_cidr_block   = "10.0.0.0/16"
  source_cidr_block        = "0.0.0.0/0"
  rule_number              = 10
  rule_action              = "accept"
  traffic_direction        = "ingress"
  protocol                 = 6
  destination_port_range {
    from_port = 443
    to_port   = 443
  }
}
resource "aws_ec2_traffic_mirror_filter_rule" "all_out" {
  traffic_mirror_filter_id = aws_ec2_traffic_mirror_filter.web.id
  destination_cidr_block   = "0.0.0.0/0"
  source_cidr_block        = "0.0.0.0/0"
  rule_number              = 20
  rule_action              = "reject"
  traffic_direction        = "egress"
}
resource "aws_ec2_traffic_mirror_target" "appliance" {
  network_interface_id = var.appliance_eni
  description          = "ids appliance"
}
resource "aws_ec2_traffic_mirror_target" "nlb" {
  network_load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/net/collectors/0123456789abcdef"
}
resource "aws_ec2_traffic_mirror_session" "web" {
  network_interface_id     = var.source_eni
  traffic_mirror_target_id = var.use_nlb ? aws_ec2_traffic_mirror_target.nlb.id : aws_ec2_traffic_mirror_target.appliance.id
  traffic_mirror_filter_id = var.use_nlb ? aws_ec2_traffic_mirror_filter.all.id : aws_ec2_traffic_mirror_filter.web.id
  session_number           = var.session_number
  packet_length            = var.packet_length
  virtual_network_id       = var.vni
  description              = var.description
  tags                     = { Name = "web-mirror" }
}
output "session_id" { value = aws_ec2_traffic_mirror_session.web.id }
output "vni" { value = aws_ec2_traffic_mirror_session.web.virtual_network_id }
`;

const setup = terraformAgainstServer(CONFIG);
const terraform = (args: string[], vars: TerraformVars = {}) => setup.dir().run(args, vars);

async function describeSession(id: string): Promise<string> {
  return call(setup.server().url, 'DescribeTrafficMirrorSessions', { 'TrafficMirrorSessionId.1': id }, ACCOUNT);
}

test('Terraform creates, reads back, updates in place and destroys traffic mirroring', { skip: terraformMissing, timeout: 300_000 }, async () => {
  const server = setup.server();
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(server.url, action, params, ACCOUNT);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24' }), 'subnetId');
  const sourceEni = field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');
  const applianceEni = field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');

  const init = setup.dir().init();
  assert.equal(init.status, 0, init.output);

  const base = { endpoint: server.url, source_eni: sourceEni, appliance_eni: applianceEni };
  const first = { ...base, use_nlb: false, session_number: 1, packet_length: 100, vni: null, description: 'first' };
  const apply = terraform(['apply', '-auto-approve'], first);
  assert.equal(apply.status, 0, apply.output);
  assert.match(apply.output, /Resources: 7 added, 0 changed, 0 destroyed/);

  const output = (name: string) => terraform(['output', '-raw', name]).output.trim();
  const sessionId = output('session_id');
  const vni = Number(output('vni'));
  assert.ok(vni >= 1 && vni <= 16777215, `a VNI was assigned: ${vni}`);
  const created = await describeSession(sessionId);
  assert.match(created, /<sessionNumber>1<\/sessionNumber>/);
  assert.match(created, /<packetLength>100<\/packetLength>/);
  assert.match(created, new RegExp(`<virtualNetworkId>${vni}</virtualNetworkId>`));
  assert.match(created, /<description>first<\/description>/);

  // What Terraform reads back equals what it wrote: no changes planned.
  const clean = terraform(['plan', '-detailed-exitcode'], first);
  assert.equal(clean.status, 0, clean.output);

  // Update in place: new target, filter, number, length and VNI; the description removed.
  const second = { ...base, use_nlb: true, session_number: 2, packet_length: 200, vni: 77, description: null };
  const update = terraform(['apply', '-auto-approve'], second);
  assert.equal(update.status, 0, update.output);
  assert.match(update.output, /Resources: 0 added, 1 changed, 0 destroyed/);
  assert.equal(output('session_id'), sessionId, 'the session was updated in place, not replaced');
  const updated = await describeSession(sessionId);
  assert.match(updated, /<sessionNumber>2<\/sessionNumber>/);
  assert.match(updated, /<virtualNetworkId>77<\/virtualNetworkId>/);
  assert.match(updated, /<packetLength>200<\/packetLength>/);
  assert.doesNotMatch(updated, /<description>/);
  const stable = terraform(['plan', '-detailed-exitcode'], second);
  assert.equal(stable.status, 0, stable.output);

  const destroy = terraform(['destroy', '-auto-approve'], second);
  assert.equal(destroy.status, 0, destroy.output);
  assert.match(destroy.output, /Resources: 7 destroyed/);
  for (const action of ['DescribeTrafficMirrorSessions', 'DescribeTrafficMirrorTargets', 'DescribeTrafficMirrorFilters']) {
    assert.match(await ec2(action), /Set\/>/, `${action} is empty after destroy`);
  }
});
