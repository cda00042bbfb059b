// Sessions and targets through the AWS CLI (v1 and v2) and @aws-sdk/client-ec2: a create, describe,
// modify, delete round trip with values asserted, and errors by their SDK exception names.
import {
  CreateTrafficMirrorSessionCommand,
  CreateTrafficMirrorTargetCommand,
  DeleteTrafficMirrorSessionCommand,
  DeleteTrafficMirrorTargetCommand,
  DescribeTrafficMirrorSessionsCommand,
  DescribeTrafficMirrorTargetsCommand,
  ModifyTrafficMirrorSessionCommand,
  paginateDescribeTrafficMirrorSessions,
  type EC2ServiceException,
} from '@aws-sdk/client-ec2';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsCli, hasCliV2, sdkClient } from './support/clients.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { call, field, NLB_ARN } from './support/topology.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

/** Two ENIs and a filter for an account, made through the API. */
async function basics(account: string) {
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(server.url, action, params, account);
  const vpc = field(await ec2('CreateVpc', { CidrBlock: '10.1.0.0/16' }), 'vpcId');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.1.1.0/24' }), 'subnetId');
  const source = field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');
  const appliance = field(await ec2('CreateNetworkInterface', { SubnetId: subnet }), 'networkInterfaceId');
  const filter = field(await ec2('CreateTrafficMirrorFilter', {}), 'trafficMirrorFilterId');
  const filter2 = field(await ec2('CreateTrafficMirrorFilter', {}), 'trafficMirrorFilterId');
  return { source, appliance, filter, filter2 };
}

for (const v2 of [false, true]) {
  test(`AWS CLI ${v2 ? 'v2' : 'v1'}: target and session round trip`, { skip: v2 && !hasCliV2 && 'no CLI v2' }, async () => {
    const account = v2 ? '222200000002' : '222200000001';
    const { source, appliance, filter, filter2 } = await basics(account);
    const aws = (...args: string[]) => {
      const result = awsCli(server.url, args, { accessKeyId: account, v2 });
      assert.equal(result.status, 0, result.stderr);
      return result.json as Record<string, any>;
    };
    const target = aws('create-traffic-mirror-target', '--network-interface-id', appliance, '--description', 'ids').TrafficMirrorTarget;
    assert.deepEqual(target, {
      TrafficMirrorTargetId: target.TrafficMirrorTargetId,
      NetworkInterfaceId: appliance,
      Type: 'network-interface',
      Description: 'ids',
      OwnerId: account,
      Tags: [],
    });
    const created = aws(
      'create-traffic-mirror-session',
      '--network-interface-id', source,
      '--traffic-mirror-target-id', target.TrafficMirrorTargetId,
      '--traffic-mirror-filter-id', filter,
      '--session-number', '1',
      '--packet-length', '25',
    ).TrafficMirrorSession;
    assert.equal(created.PacketLength, 25);
    assert.ok(created.VirtualNetworkId >= 1 && created.VirtualNetworkId <= 16777215);
    assert.deepEqual(created.Tags, []);
    const described = aws('describe-traffic-mirror-sessions', '--traffic-mirror-session-ids', created.TrafficMirrorSessionId).TrafficMirrorSessions;
    assert.deepEqual(described, [created]);
    const filtered = aws('describe-traffic-mirror-sessions', '--filters', `Name=network-interface-id,Values=${source}`).TrafficMirrorSessions;
    assert.deepEqual(filtered, [created]);
    const modified = aws(
      'modify-traffic-mirror-session',
      '--traffic-mirror-session-id', created.TrafficMirrorSessionId,
      '--traffic-mirror-filter-id', filter2,
      '--virtual-network-id', '42',
      '--remove-fields', 'packet-length',
    ).TrafficMirrorSession;
    const { PacketLength: _removed, ...unchanged } = created;
    assert.deepEqual(modified, { ...unchanged, TrafficMirrorFilterId: filter2, VirtualNetworkId: 42 });
    assert.deepEqual(aws('delete-traffic-mirror-session', '--traffic-mirror-session-id', created.TrafficMirrorSessionId), {
      TrafficMirrorSessionId: created.TrafficMirrorSessionId,
    });
    assert.deepEqual(aws('delete-traffic-mirror-target', '--traffic-mirror-target-id', target.TrafficMirrorTargetId), {
      TrafficMirrorTargetId: target.TrafficMirrorTargetId,
    });
    const gone = awsCli(server.url, ['describe-traffic-mirror-sessions', '--traffic-mirror-session-ids', created.TrafficMirrorSessionId], { accessKeyId: account, v2 });
    assert.notEqual(gone.status, 0);
    assert.match(gone.stderr, /InvalidTrafficMirrorSessionId\.NotFound/);
  });
}

describe('@aws-sdk/client-ec2', () => {
  test('target and session round trip, with pagination', async () => {
    const account = '222200000003';
    const client = sdkClient(server.url, { accessKeyId: account });
    const { source, filter } = await basics(account);
    const target = (await client.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: NLB_ARN }))).TrafficMirrorTarget!;
    assert.equal(target.Type, 'network-load-balancer');
    const created = (
      await client.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: source,
          TrafficMirrorTargetId: target.TrafficMirrorTargetId,
          TrafficMirrorFilterId: filter,
          SessionNumber: 3,
          Description: 'sdk',
          TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: [{ Key: 'Name', Value: 'sdk' }] }],
        }),
      )
    ).TrafficMirrorSession!;
    assert.equal(created.PacketLength, 8500, 'an NLB target defaults PacketLength to 8500');
    assert.deepEqual(created.Tags, [{ Key: 'Name', Value: 'sdk' }]);
    const modified = (
      await client.send(new ModifyTrafficMirrorSessionCommand({ TrafficMirrorSessionId: created.TrafficMirrorSessionId, SessionNumber: 2, RemoveFields: ['description'] }))
    ).TrafficMirrorSession!;
    assert.equal(modified.SessionNumber, 2);
    assert.equal(modified.Description, undefined);
    const listed = (await client.send(new DescribeTrafficMirrorSessionsCommand({}))).TrafficMirrorSessions!;
    assert.deepEqual(listed, [modified]);
    const targets = (await client.send(new DescribeTrafficMirrorTargetsCommand({ Filters: [{ Name: 'network-load-balancer-arn', Values: [NLB_ARN] }] }))).TrafficMirrorTargets!;
    assert.deepEqual(targets.map((t) => t.TrafficMirrorTargetId), [target.TrafficMirrorTargetId]);

    const pages: number[] = [];
    for await (const page of paginateDescribeTrafficMirrorSessions({ client, pageSize: 5 }, {})) pages.push(page.TrafficMirrorSessions!.length);
    assert.deepEqual(pages, [1]);

    await client.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: created.TrafficMirrorSessionId }));
    await client.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target.TrafficMirrorTargetId }));
  });

  test('errors arrive as exceptions named by their codes', async () => {
    const account = '222200000004';
    const client = sdkClient(server.url, { accessKeyId: account });
    const { source, appliance, filter } = await basics(account);
    const target = (await client.send(new CreateTrafficMirrorTargetCommand({ NetworkInterfaceId: appliance }))).TrafficMirrorTarget!;
    const session = (
      await client.send(new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: source, TrafficMirrorTargetId: target.TrafficMirrorTargetId, TrafficMirrorFilterId: filter, SessionNumber: 1 }))
    ).TrafficMirrorSession!;
    const expectError = async (promise: Promise<unknown>, name: string, status = 400) =>
      assert.rejects(promise, (error: EC2ServiceException) => {
        assert.equal(error.name, name);
        assert.equal(error.$metadata.httpStatusCode, status);
        return true;
      });
    await expectError(client.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target.TrafficMirrorTargetId })), 'TrafficMirrorTargetInUseException');
    await expectError(client.send(new CreateTrafficMirrorTargetCommand({ NetworkInterfaceId: source })), 'InterfaceInUseByTrafficMirrorSession');
    await expectError(
      client.send(new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: source, TrafficMirrorTargetId: target.TrafficMirrorTargetId, TrafficMirrorFilterId: filter, SessionNumber: 1 })),
      'InvalidParameterValue',
    );
    await expectError(
      client.send(new ModifyTrafficMirrorSessionCommand({ TrafficMirrorSessionId: session.TrafficMirrorSessionId, PacketLength: 9, RemoveFields: ['packet-length'] })),
      'InvalidParameterCombination',
    );
    await expectError(client.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: session.TrafficMirrorSessionId, DryRun: true })), 'DryRunOperation', 412);
    await expectError(client.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: 5, NextToken: 'forged' })), 'InvalidNextToken');
  });
});
