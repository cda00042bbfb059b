// The foundation end to end: the real server process, the real clients, the EC2 Query envelope.
import { DescribeTrafficMirrorSessionsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { awsCli, boto3, hasCliV2, sdkClient } from './support/clients.js';
import { logLine, startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const ERROR_ENVELOPE =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>([^<]+)<\/Code><Message>([^<]*)<\/Message><\/Error><\/Errors><RequestID>([0-9a-f-]{36})<\/RequestID><\/Response>$/;

function errorOf(text: string) {
  const match = ERROR_ENVELOPE.exec(text);
  assert.ok(match, `not an EC2 error envelope: ${text}`);
  return { code: match[1], message: match[2], requestId: match[3] };
}

describe('every client gets TrafficMirrorSessions: [] from a fresh server', () => {
  test('boto3', () => {
    const out = boto3(server.url, "r = ec2.describe_traffic_mirror_sessions(); print(json.dumps({'s': r['TrafficMirrorSessions'], 'status': r['ResponseMetadata']['HTTPStatusCode']}))");
    assert.deepEqual(out, { s: [], status: 200 });
  });

  test('AWS CLI v1 with --endpoint-url', () => {
    const result = awsCli(server.url, ['describe-traffic-mirror-sessions']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json, { TrafficMirrorSessions: [] });
  });

  test('AWS CLI v2 with --endpoint-url', { skip: !hasCliV2 && 'Debian awscli (CLI v2) is not installed' }, () => {
    const result = awsCli(server.url, ['describe-traffic-mirror-sessions'], { v2: true });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.json, { TrafficMirrorSessions: [] });
  });

  test('@aws-sdk/client-ec2', async () => {
    const out = await sdkClient(server.url).send(new DescribeTrafficMirrorSessionsCommand({}));
    assert.deepEqual(out.TrafficMirrorSessions, []);
    assert.equal(out.NextToken, undefined);
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.match(out.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('the EC2 Query envelope', () => {
  test('a success response is the documented XML, with the request ID in body and header', async () => {
    const response = await post('Action=DescribeTrafficMirrorSessions&Version=2016-11-15');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/xml;charset=UTF-8');
    const requestId = response.headers.get('x-amzn-requestid');
    assert.equal(
      response.text,
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeTrafficMirrorSessionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId><trafficMirrorSessionSet/></DescribeTrafficMirrorSessionsResponse>`,
    );
  });

  test('GET with the parameters in the query string works as POST does', async () => {
    const response = await fetch(`${server.url}/?Action=DescribeTrafficMirrorSessions&Version=2016-11-15`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<trafficMirrorSessionSet\/>/);
  });

  test('a gzip-encoded body is decoded', async () => {
    const response = await post(gzipSync('Action=DescribeTrafficMirrorSessions&Version=2016-11-15'), { 'content-encoding': 'gzip' });
    assert.equal(response.status, 200);
  });

  const errors: [string, string, number, string, RegExp][] = [
    ['unknown Action', 'Action=FlyToTheMoon&Version=2016-11-15', 400, 'InvalidAction', /FlyToTheMoon is not valid/],
    ['an EC2 action mirrorlite does not serve', 'Action=RunInstances&Version=2016-11-15', 400, 'InvalidAction', /RunInstances is not supported by mirrorlite/],
    ['no Action', 'Version=2016-11-15', 400, 'MissingAction', /parameter Action/],
    ['a missing required parameter', 'Action=DeleteTrafficMirrorSession&Version=2016-11-15', 400, 'MissingParameter', /^The request must contain the parameter TrafficMirrorSessionId$/],
    ['a malformed list index', 'Action=DescribeTrafficMirrorSessions&TrafficMirrorSessionId.x=tms-1', 400, 'UnknownParameter', /TrafficMirrorSessionId\.x/],
    ['a list index of zero', 'Action=DescribeTrafficMirrorSessions&TrafficMirrorSessionId.0=tms-1', 400, 'UnknownParameter', /TrafficMirrorSessionId\.0/],
    ['a huge list index', 'Action=DescribeTrafficMirrorSessions&Filter.99999999999999999999.Name=x', 400, 'UnknownParameter', /Filter\.99999999999999999999/],
    ['a list without index', 'Action=DescribeTrafficMirrorSessions&TrafficMirrorSessionId=tms-1', 400, 'UnknownParameter', /TrafficMirrorSessionId/],
    ['an unknown parameter', 'Action=DescribeTrafficMirrorSessions&Colour=blue', 400, 'UnknownParameter', /^The parameter Colour is not recognized$/],
    ['a non-integer integer', 'Action=DescribeTrafficMirrorSessions&MaxResults=ten', 400, 'InvalidParameterValue', /MaxResults/],
    ['MaxResults below the model minimum', 'Action=DescribeTrafficMirrorSessions&MaxResults=4', 400, 'InvalidParameterValue', /^Value \( 4 \) for parameter maxResults is invalid\. Expecting a value greater than 5\.$/],
    ['a non-boolean boolean', 'Action=DescribeTrafficMirrorSessions&DryRun=maybe', 400, 'InvalidParameterValue', /DryRun/],
    ['a parameter given twice', 'Action=DescribeTrafficMirrorSessions&MaxResults=5&MaxResults=6', 400, 'InvalidParameterValue', /more than once/],
    ['a DryRun', 'Action=DescribeTrafficMirrorSessions&DryRun=true', 412, 'DryRunOperation', /^Request would have succeeded, but DryRun flag is set\.$/],
  ];
  for (const [name, body, status, code, message] of errors) {
    test(`${name} → ${status} ${code}`, async () => {
      const response = await post(body);
      assert.equal(response.status, status);
      const error = errorOf(response.text);
      assert.equal(error.code, code);
      assert.match(error.message!, message);
      assert.equal(error.requestId, response.headers.get('x-amzn-requestid'));
    });
  }

  test('a body over the limit is refused with an XML error, not read to the end', async () => {
    const response = await post(`Action=DescribeTrafficMirrorSessions&Description=${'x'.repeat(2 * 1024 * 1024)}`);
    assert.equal(response.status, 413);
    assert.equal(errorOf(response.text).code, 'RequestEntityTooLarge');
  });

  test('a gzip bomb is refused at the same limit', async () => {
    const response = await post(gzipSync(Buffer.alloc(8 * 1024 * 1024, 'a')), { 'content-encoding': 'gzip' });
    assert.equal(response.status, 413);
  });

  test('a binary body is a 4xx EC2 error', async () => {
    const response = await post(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x26, 0x3d, 0x3d, 0x26]));
    assert.ok(response.status >= 400 && response.status < 500);
    errorOf(response.text);
  });

  test('the SDK sees error codes as exception names', async () => {
    await assert.rejects(
      sdkClient(server.url).send(new DescribeTrafficMirrorSessionsCommand({ TrafficMirrorSessionIds: ['tms-0123456789abcdef0'] })),
      (error: EC2ServiceException) => {
        assert.equal(error.name, 'InvalidTrafficMirrorSessionId.NotFound');
        assert.equal(error.$metadata.httpStatusCode, 400);
        return true;
      },
    );
  });
});

describe('accounts and regions', () => {
  /** The server's log line for a request, by its request ID. */
  const logLineOf = (requestId: string | undefined) => logLine(server, (entry) => entry.requestId === requestId);

  test('a 12-digit access key is the account; the credential scope is the region', async () => {
    const out = await sdkClient(server.url, { accessKeyId: '123456789012', region: 'eu-west-3' }).send(new DescribeTrafficMirrorSessionsCommand({}));
    const line = await logLineOf(out.$metadata.requestId);
    assert.equal(line.action, 'DescribeTrafficMirrorSessions');
    assert.equal(line.account, '123456789012');
    assert.equal(line.region, 'eu-west-3');
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
  });

  test('any other access key maps to the default account', async () => {
    const out = await sdkClient(server.url, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }).send(new DescribeTrafficMirrorSessionsCommand({}));
    const line = await logLineOf(out.$metadata.requestId);
    assert.equal(line.account, '000000000000');
    assert.equal(line.region, 'us-east-1');
  });
});

describe('mirrorlite endpoints', () => {
  test('health answers', async () => {
    const response = await fetch(`${server.url}/_mirrorlite/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; persistent: boolean };
    assert.equal(body.status, 'ok');
    assert.equal(body.persistent, false);
  });

  test('reset answers and unknown admin paths are 404', async () => {
    assert.equal((await fetch(`${server.url}/_mirrorlite/reset`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${server.url}/_mirrorlite/nothing`)).status, 404);
    assert.equal((await fetch(`${server.url}/_mirrorlite/reset`)).status, 405);
  });
});
