// STS on mirrorlite's endpoint, on the wire: GetCallerIdentity's awsQuery envelope (result wrapper,
// ResponseMetadata), STS's error envelope, and how a request is told apart from an EC2 one (the
// SigV4 scope's service, else STS's Version).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { call } from './support/topology.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

const signedFor = (service: string, key = '123456789012', region = 'us-east-1') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

async function post(body: string, headers: Record<string, string> = {}, path = '/') {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body,
  });
  return { status: response.status, requestId: response.headers.get('x-amzn-requestid'), text: await response.text() };
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

test('GetCallerIdentity answers in the awsQuery envelope, the request ID in ResponseMetadata', async () => {
  const response = await post('Action=GetCallerIdentity&Version=2011-06-15', signedFor('sts'));
  assert.equal(response.status, 200);
  assert.equal(
    response.text,
    `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><UserId>123456789012</UserId><Account>123456789012</Account>` +
      `<Arn>arn:aws:iam::123456789012:root</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>${response.requestId}</RequestId>` +
      `</ResponseMetadata></GetCallerIdentityResponse>`,
  );
});

const STS_ERROR = new RegExp(
  `^<ErrorResponse xmlns="${NS.replace(/[./]/g, '\\$&')}"><Error><Type>Sender</Type><Code>([^<]+)</Code><Message>([^<]*)</Message></Error><RequestId>([0-9a-f-]{36})</RequestId></ErrorResponse>$`,
);

const errors: [string, string, string, RegExp][] = [
  ['an STS action mirrorlite does not serve', 'Action=AssumeRole&Version=2011-06-15&RoleArn=x&RoleSessionName=y', 'InvalidAction', /^The action AssumeRole is not supported by mirrorlite\.$/],
  ['an action STS does not have', 'Action=DescribeVpcs&Version=2011-06-15', 'InvalidAction', /^Could not find operation DescribeVpcs for version 2011-06-15$/],
  ['no Action', 'Version=2011-06-15', 'MissingAction', /parameter Action/],
  ['an unknown parameter', 'Action=GetCallerIdentity&Version=2011-06-15&Colour=blue', 'UnknownParameter', /Colour/],
];
for (const [name, body, code, message] of errors) {
  test(`${name} → 400 ${code}, in STS's error envelope`, async () => {
    const response = await post(body, signedFor('sts'));
    assert.equal(response.status, 400);
    const match = STS_ERROR.exec(response.text);
    assert.ok(match, `not an STS error envelope: ${response.text}`);
    assert.equal(match[1], code);
    assert.match(match[2]!, message);
    assert.equal(match[3], response.requestId);
  });
}

test('an unsigned request is STS by its Version, in the body or the query string; any other is EC2', async () => {
  const unsigned = await post('Action=GetCallerIdentity&Version=2011-06-15');
  assert.match(unsigned.text, /<Account>000000000000<\/Account>/, 'no key: the default account');
  const legacy = await post('Action=GetCallerIdentity&Version=2011-06-15&AWSAccessKeyId=210987654321');
  assert.match(legacy.text, /<Account>210987654321<\/Account>/);
  const inQuery = await fetch(`${server.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
  assert.match(await inQuery.text(), /^<GetCallerIdentityResponse /);
  const ec2 = await post('Action=GetCallerIdentity&Version=2016-11-15');
  assert.match(ec2.text, /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action GetCallerIdentity is not valid for this web service\./);
});

test('a presigned request is routed by its X-Amz-Credential scope', async () => {
  const credential = encodeURIComponent('123456789012/20260101/eu-west-1/sts/aws4_request');
  const response = await fetch(`${server.url}/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=${credential}`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<Account>123456789012<\/Account>/);
});

test('the signing scope wins over Version: signed for EC2 is EC2, signed for STS is STS', async () => {
  const asEc2 = await post('Action=GetCallerIdentity&Version=2011-06-15', signedFor('ec2'));
  assert.match(asEc2.text, /<Response><Errors><Error><Code>InvalidAction<\/Code>/);
  const asSts = await post('Action=DescribeVpcs&Version=2016-11-15', signedFor('sts'));
  assert.match(asSts.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  // And EC2 still answers the same account.
  assert.match(await call(server.url, 'DescribeAvailabilityZones', {}, '123456789012'), /<zoneName>us-east-1a<\/zoneName>/);
});

test('the ARN is in the signing region\'s partition', async () => {
  const response = await post('Action=GetCallerIdentity&Version=2011-06-15', signedFor('sts', '123456789012', 'cn-northwest-1'));
  assert.match(response.text, /<Arn>arn:aws-cn:iam::123456789012:root<\/Arn>/);
});
