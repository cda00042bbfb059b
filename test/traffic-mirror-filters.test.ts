// Traffic mirror filters and rules through the AWS CLI (v1 and v2) and @aws-sdk/client-ec2, against
// the real server process: a create/describe/modify/delete round trip each, values asserted.
import {
  CreateTrafficMirrorFilterCommand,
  CreateTrafficMirrorFilterRuleCommand,
  DeleteTrafficMirrorFilterCommand,
  DeleteTrafficMirrorFilterRuleCommand,
  DescribeTrafficMirrorFilterRulesCommand,
  DescribeTrafficMirrorFiltersCommand,
  EC2ServiceException,
  ModifyTrafficMirrorFilterNetworkServicesCommand,
  ModifyTrafficMirrorFilterRuleCommand,
  type TrafficMirrorFilter,
  type TrafficMirrorFilterRule,
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

const FILTER_ID = /^tmf-[0-9a-f]{17}$/;
const RULE_ID = /^tmfr-[0-9a-f]{17}$/;

/** Each client works in an account of its own, so the round trips never see each other. */
const ACCOUNTS = { cliV1: '111111111111', cliV2: '222222222222', sdk: '333333333333' };

function cliRoundTrip(name: string, accessKeyId: string, v2: boolean) {
  const cli = (args: string[]) => awsCli(server.url, args, { accessKeyId, v2 });
  const ok = (args: string[]) => {
    const result = cli(args);
    assert.equal(result.status, 0, result.stderr);
    return result.json as Record<string, unknown>;
  };
  const filters = () => ok(['describe-traffic-mirror-filters']).TrafficMirrorFilters as TrafficMirrorFilter[];

  test(`${name}: create, describe, modify and delete a filter and a rule`, () => {
    const created = ok([
      'create-traffic-mirror-filter',
      '--description',
      `from ${name}`,
      '--tag-specifications',
      'ResourceType=traffic-mirror-filter,Tags=[{Key=Name,Value=cli}]',
    ]);
    const filter = created.TrafficMirrorFilter as TrafficMirrorFilter;
    assert.match(filter.TrafficMirrorFilterId!, FILTER_ID);
    assert.deepEqual(filter, {
      TrafficMirrorFilterId: filter.TrafficMirrorFilterId,
      IngressFilterRules: [],
      EgressFilterRules: [],
      NetworkServices: [],
      Description: `from ${name}`,
      Tags: [{ Key: 'Name', Value: 'cli' }],
    });
    assert.match(created.ClientToken as string, /^[0-9a-f-]{36}$/); // the CLI sends a UUID; it comes back
    const filterId = filter.TrafficMirrorFilterId!;

    const rule = ok([
      'create-traffic-mirror-filter-rule',
      '--traffic-mirror-filter-id',
      filterId,
      '--traffic-direction',
      'ingress',
      '--rule-number',
      '10',
      '--rule-action',
      'accept',
      '--protocol',
      '6',
      '--destination-port-range',
      'FromPort=80,ToPort=443',
      '--source-cidr-block',
      '0.0.0.0/0',
      '--destination-cidr-block',
      '10.0.0.0/16',
      '--description',
      'web',
    ]).TrafficMirrorFilterRule as TrafficMirrorFilterRule;
    assert.match(rule.TrafficMirrorFilterRuleId!, RULE_ID);
    assert.deepEqual(
      { ...rule, Tags: undefined },
      {
        TrafficMirrorFilterRuleId: rule.TrafficMirrorFilterRuleId,
        TrafficMirrorFilterId: filterId,
        TrafficDirection: 'ingress',
        RuleNumber: 10,
        RuleAction: 'accept',
        Protocol: 6,
        DestinationPortRange: { FromPort: 80, ToPort: 443 },
        DestinationCidrBlock: '10.0.0.0/16',
        SourceCidrBlock: '0.0.0.0/0',
        Description: 'web',
        Tags: undefined,
      },
    );

    const modified = ok([
      'modify-traffic-mirror-filter-rule',
      '--traffic-mirror-filter-rule-id',
      rule.TrafficMirrorFilterRuleId!,
      '--traffic-direction',
      'egress',
      '--rule-number',
      '20',
      '--remove-fields',
      'description',
      'destination-port-range',
    ]).TrafficMirrorFilterRule as TrafficMirrorFilterRule;
    assert.equal(modified.TrafficDirection, 'egress');
    assert.equal(modified.RuleNumber, 20);
    assert.equal(modified.Description, undefined);
    assert.equal(modified.DestinationPortRange, undefined);
    assert.equal(modified.Tags, undefined); // ModifyTrafficMirrorFilterRule returns no tags

    const withDns = ok(['modify-traffic-mirror-filter-network-services', '--traffic-mirror-filter-id', filterId, '--add-network-services', 'amazon-dns'])
      .TrafficMirrorFilter as TrafficMirrorFilter;
    assert.deepEqual(withDns.NetworkServices, ['amazon-dns']);

    const [described] = filters();
    assert.deepEqual(described, withDns);
    assert.deepEqual(described!.IngressFilterRules, []);
    assert.equal(described!.EgressFilterRules!.length, 1);
    const { Tags: ruleTags, ...egressRule } = described!.EgressFilterRules![0]!;
    assert.deepEqual(egressRule, modified);
    // CLI v2 2.9.19's model predates tags on rules, so only v1 shows them.
    assert.deepEqual(ruleTags, v2 ? undefined : []);

    assert.deepEqual(ok(['delete-traffic-mirror-filter-rule', '--traffic-mirror-filter-rule-id', rule.TrafficMirrorFilterRuleId!]), {
      TrafficMirrorFilterRuleId: rule.TrafficMirrorFilterRuleId,
    });
    assert.deepEqual(filters()[0]!.EgressFilterRules, []);
    assert.deepEqual(ok(['delete-traffic-mirror-filter', '--traffic-mirror-filter-id', filterId]), { TrafficMirrorFilterId: filterId });
    assert.deepEqual(filters(), []);

    const missing = cli(['delete-traffic-mirror-filter', '--traffic-mirror-filter-id', filterId]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /\(InvalidTrafficMirrorFilterId\.NotFound\)/);
    assert.match(missing.stderr, new RegExp(filterId));
  });
}

describe('AWS CLI', () => {
  cliRoundTrip('AWS CLI v1', ACCOUNTS.cliV1, false);

  test('AWS CLI v1: describe-traffic-mirror-filter-rules by filter', () => {
    const cli = (args: string[]) => awsCli(server.url, args, { accessKeyId: ACCOUNTS.cliV1 });
    const filterId = (cli(['create-traffic-mirror-filter']).json as { TrafficMirrorFilter: TrafficMirrorFilter }).TrafficMirrorFilter
      .TrafficMirrorFilterId!;
    for (const [direction, number] of [['egress', '3'], ['ingress', '2'], ['ingress', '1']] as const) {
      const result = cli([
        'create-traffic-mirror-filter-rule',
        '--traffic-mirror-filter-id',
        filterId,
        '--traffic-direction',
        direction,
        '--rule-number',
        number,
        '--rule-action',
        'reject',
        '--source-cidr-block',
        '::/0',
        '--destination-cidr-block',
        '::/0',
      ]);
      assert.equal(result.status, 0, result.stderr);
    }
    const result = cli(['describe-traffic-mirror-filter-rules', '--traffic-mirror-filter-id', filterId]);
    assert.equal(result.status, 0, result.stderr);
    const rules = (result.json as { TrafficMirrorFilterRules: TrafficMirrorFilterRule[] }).TrafficMirrorFilterRules;
    assert.deepEqual(
      rules.map((r) => `${r.TrafficDirection}:${r.RuleNumber}`),
      ['ingress:1', 'ingress:2', 'egress:3'],
    );

    const duplicate = cli([
      'create-traffic-mirror-filter-rule',
      '--traffic-mirror-filter-id',
      filterId,
      '--traffic-direction',
      'egress',
      '--rule-number',
      '3',
      '--rule-action',
      'accept',
      '--source-cidr-block',
      '0.0.0.0/0',
      '--destination-cidr-block',
      '0.0.0.0/0',
    ]);
    assert.notEqual(duplicate.status, 0);
    assert.match(duplicate.stderr, /\(TrafficMirrorFilterRuleAlreadyExists\)/);
  });

  // CLI v2 2.9.19 predates DescribeTrafficMirrorFilterRules: the round trip reads rules through filters.
  if (hasCliV2) cliRoundTrip('AWS CLI v2', ACCOUNTS.cliV2, true);
  else test.skip('AWS CLI v2: Debian awscli (CLI v2) is not installed');
});

describe('@aws-sdk/client-ec2', () => {
  const ec2 = () => sdkClient(server.url, { accessKeyId: ACCOUNTS.sdk });

  async function rejectsWith(promise: Promise<unknown>, name: string, message?: RegExp) {
    await assert.rejects(promise, (error: EC2ServiceException) => {
      assert.equal(error.name, name);
      assert.equal(error.$metadata.httpStatusCode, 400);
      if (message) assert.match(error.message, message);
      return true;
    });
  }

  test('create, describe, modify and delete a filter and a rule', async () => {
    const client = ec2();
    const created = await client.send(
      new CreateTrafficMirrorFilterCommand({
        Description: 'sdk',
        TagSpecifications: [{ ResourceType: 'traffic-mirror-filter', Tags: [{ Key: 'team', Value: 'net' }] }],
        ClientToken: 'sdk-filter-1',
      }),
    );
    assert.equal(created.ClientToken, 'sdk-filter-1');
    const filterId = created.TrafficMirrorFilter!.TrafficMirrorFilterId!;
    assert.match(filterId, FILTER_ID);
    assert.deepEqual(created.TrafficMirrorFilter!.IngressFilterRules, []);
    assert.deepEqual(created.TrafficMirrorFilter!.NetworkServices, []);
    assert.deepEqual(created.TrafficMirrorFilter!.Tags, [{ Key: 'team', Value: 'net' }]);

    const { TrafficMirrorFilterRule: rule } = await client.send(
      new CreateTrafficMirrorFilterRuleCommand({
        TrafficMirrorFilterId: filterId,
        TrafficDirection: 'egress',
        RuleNumber: 5,
        RuleAction: 'accept',
        Protocol: 17,
        SourcePortRange: { FromPort: 53, ToPort: 53 },
        SourceCidrBlock: '10.0.0.0/8',
        DestinationCidrBlock: '0.0.0.0/0',
        TagSpecifications: [{ ResourceType: 'traffic-mirror-filter-rule', Tags: [{ Key: 'Name', Value: 'dns' }] }],
      }),
    );
    const ruleId = rule!.TrafficMirrorFilterRuleId!;
    assert.match(ruleId, RULE_ID);
    assert.deepEqual(rule!.SourcePortRange, { FromPort: 53, ToPort: 53 });
    assert.equal(rule!.DestinationPortRange, undefined);
    assert.equal(rule!.Description, undefined);
    assert.deepEqual(rule!.Tags, [{ Key: 'Name', Value: 'dns' }]);

    const described = await client.send(new DescribeTrafficMirrorFilterRulesCommand({ TrafficMirrorFilterId: filterId }));
    assert.deepEqual(described.TrafficMirrorFilterRules, [rule]);
    assert.equal(described.NextToken, undefined);

    const { TrafficMirrorFilterRule: modified } = await client.send(
      new ModifyTrafficMirrorFilterRuleCommand({
        TrafficMirrorFilterRuleId: ruleId,
        RuleAction: 'reject',
        Protocol: 6,
        Description: 'now tcp',
        RemoveFields: ['source-port-range'],
      }),
    );
    assert.equal(modified!.RuleAction, 'reject');
    assert.equal(modified!.Protocol, 6);
    assert.equal(modified!.Description, 'now tcp');
    assert.equal(modified!.SourcePortRange, undefined);
    assert.equal(modified!.Tags, undefined);

    const services = await client.send(
      new ModifyTrafficMirrorFilterNetworkServicesCommand({ TrafficMirrorFilterId: filterId, AddNetworkServices: ['amazon-dns'] }),
    );
    assert.deepEqual(services.TrafficMirrorFilter!.NetworkServices, ['amazon-dns']);
    assert.deepEqual(services.TrafficMirrorFilter!.EgressFilterRules, [{ ...modified, Tags: [{ Key: 'Name', Value: 'dns' }] }]);

    const { TrafficMirrorFilters } = await client.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filterId] }));
    assert.deepEqual(TrafficMirrorFilters, [services.TrafficMirrorFilter]);

    assert.equal((await client.send(new DeleteTrafficMirrorFilterRuleCommand({ TrafficMirrorFilterRuleId: ruleId }))).TrafficMirrorFilterRuleId, ruleId);
    assert.equal((await client.send(new DeleteTrafficMirrorFilterCommand({ TrafficMirrorFilterId: filterId }))).TrafficMirrorFilterId, filterId);
    assert.deepEqual((await client.send(new DescribeTrafficMirrorFiltersCommand({}))).TrafficMirrorFilters, []);
  });

  test('errors arrive as exceptions named by their codes', async () => {
    const client = ec2();
    const filterId = (await client.send(new CreateTrafficMirrorFilterCommand({}))).TrafficMirrorFilter!.TrafficMirrorFilterId!;
    const rule = {
      TrafficMirrorFilterId: filterId,
      TrafficDirection: 'ingress' as const,
      RuleNumber: 1,
      RuleAction: 'accept' as const,
      SourceCidrBlock: '0.0.0.0/0',
      DestinationCidrBlock: '0.0.0.0/0',
    };
    await client.send(new CreateTrafficMirrorFilterRuleCommand(rule));
    await rejectsWith(client.send(new CreateTrafficMirrorFilterRuleCommand(rule)), 'TrafficMirrorFilterRuleAlreadyExists');
    await rejectsWith(
      client.send(new CreateTrafficMirrorFilterRuleCommand({ ...rule, RuleNumber: 2, DestinationPortRange: { FromPort: 1, ToPort: 2 } })),
      'InvalidParameterValue',
      /DestinationPortRange/,
    );
    await rejectsWith(
      client.send(new CreateTrafficMirrorFilterRuleCommand({ ...rule, TrafficMirrorFilterId: 'tmf-0123456789abcdef0' })),
      'InvalidTrafficMirrorFilterId.NotFound',
    );
    await rejectsWith(
      client.send(new ModifyTrafficMirrorFilterRuleCommand({ TrafficMirrorFilterRuleId: 'tmfr-0123456789abcdef0' })),
      'InvalidTrafficMirrorFilterRuleId.NotFound',
    );
    await rejectsWith(
      client.send(new ModifyTrafficMirrorFilterRuleCommand({ TrafficMirrorFilterRuleId: 'tmfr-0123456789abcdef0', Protocol: 6, RemoveFields: ['protocol'] })),
      'InvalidParameterCombination',
    );
    await rejectsWith(
      client.send(new DescribeTrafficMirrorFilterRulesCommand({ TrafficMirrorFilterId: 'tmf-0123456789abcdef0' })),
      'InvalidTrafficMirrorFilterId.NotFound',
    );
    await rejectsWith(
      client.send(new CreateTrafficMirrorFilterCommand({ ClientToken: 'sdk-token', Description: 'a' })).then(() =>
        client.send(new CreateTrafficMirrorFilterCommand({ ClientToken: 'sdk-token', Description: 'b' })),
      ),
      'IdempotentParameterMismatch',
    );
    await assert.rejects(client.send(new DeleteTrafficMirrorFilterCommand({ TrafficMirrorFilterId: filterId, DryRun: true })), (error: EC2ServiceException) => {
      assert.equal(error.name, 'DryRunOperation');
      assert.equal(error.$metadata.httpStatusCode, 412);
      return true;
    });
    const { TrafficMirrorFilters } = await client.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filterId] }));
    assert.equal(TrafficMirrorFilters![0]!.IngressFilterRules!.length, 1);
  });
});
