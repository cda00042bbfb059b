// Requests no SDK would send but any raw client can: broken escapes, bytes that are not UTF-8,
// characters XML cannot carry, a repeated Action, unusable credential scopes, pipelined garbage.
// Each is refused with an error botocore itself parses, and nothing is stored other than sent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

const ACCOUNT = '123456789012';

function signedFor(account: string, region = 'us-east-1', service = 'ec2'): string {
  return `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

async function post(body: string | Buffer, authorization = signedFor(ACCOUNT)) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** botocore's own EC2 parser on each body: [code, message], or the parser's failure. */
function botocoreErrors(bodies: string[]): { code?: string; message?: string; parserError?: string }[] {
  const script = `
import json, sys
from botocore import parsers
out = []
for body in json.load(sys.stdin):
    try:
        parsed = parsers.EC2QueryParser().parse({"status_code": 400, "headers": {}, "body": body.encode("utf-8")}, None)
        out.append({"code": parsed["Error"]["Code"], "message": parsed["Error"]["Message"]})
    except Exception as error:
        out.append({"parserError": type(error).__name__})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(bodies), encoding: 'utf8' })) as ReturnType<typeof botocoreErrors>;
}

const filterIds = async (authorization = signedFor(ACCOUNT)) =>
  [...(await post('Action=DescribeTrafficMirrorFilters&Version=2016-11-15', authorization)).text.matchAll(/<trafficMirrorFilterId>([^<]+)</g)].map((m) => m[1]);

test('characters XML cannot carry, in any name or value, are refused in an envelope botocore parses', async () => {
  const cases: [string, string][] = [
    ['Action=DescribeTrafficMirrorSessions&Version=2016-11-15&MaxResults=%01', 'The parameter MaxResults contains characters that are not allowed.'],
    ['Action=DescribeTrafficMirrorSessions&Version=2016-11-15&DryRun=%0B', 'The parameter DryRun contains characters that are not allowed.'],
    ['Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=a%00b', 'The parameter Description contains characters that are not allowed.'],
    ['Action=Foo%00&Version=2016-11-15', 'The parameter Action contains characters that are not allowed.'],
    ['Action=DescribeTrafficMirrorSessions&Version=2016-11-15&Foo%01=1', 'A parameter name contains characters that are not allowed.'],
    ['Action=DescribeTrafficMirrorSessions&Version=2016-11-15&Foo%EF%BF%BF=1', 'A parameter name contains characters that are not allowed.'],
  ];
  const before = await filterIds();
  const bodies: string[] = [];
  for (const [body] of cases) {
    const answer = await post(body);
    assert.equal(answer.status, 400, body);
    bodies.push(answer.text);
  }
  assert.deepEqual(
    botocoreErrors(bodies),
    cases.map(([, message]) => ({ code: 'InvalidParameterValue', message })),
  );
  assert.deepEqual(await filterIds(), before, 'nothing was created');
});

test('a broken escape or bytes that are not UTF-8 are MalformedQueryString, and nothing is stored', async () => {
  const before = await filterIds();
  const malformed: (string | Buffer)[] = [
    'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=%zz',
    'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=100%',
    'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=caf%E9', // Latin-1, not UTF-8
    'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=%C0%AF', // overlong
    'Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=%ED%A0%80', // a surrogate
    Buffer.concat([Buffer.from('Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=caf'), Buffer.from([0xe9])]),
  ];
  for (const body of malformed) {
    const answer = await post(body);
    assert.equal(answer.status, 400, String(body));
    assert.match(answer.text, /<Code>MalformedQueryString<\/Code><Message>The query string contains a syntax error\.<\/Message>/, String(body));
  }
  assert.deepEqual(await filterIds(), before, 'nothing was created');

  const created = await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=caf%C3%A9+%E2%9C%93');
  assert.equal(created.status, 200);
  assert.match(created.text, /<description>café ✓<\/description>/, 'well-formed UTF-8 and + as space are read as sent');
});

test('a repeated Action or Version is refused, and neither operation runs', async () => {
  const before = await filterIds();
  const twice = await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15&Action=DescribeTrafficMirrorFilters');
  assert.equal(twice.status, 400);
  assert.match(twice.text, /<Code>InvalidParameterValue<\/Code><Message>The parameter Action is specified more than once\.<\/Message>/);
  const response = await fetch(`${server.url}/?Action=DescribeTrafficMirrorFilters`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: signedFor(ACCOUNT) },
    body: 'Action=CreateTrafficMirrorFilter&Version=2016-11-15',
  });
  assert.equal(response.status, 400, 'query string and body naming two operations');
  const version = await post('Action=DescribeTrafficMirrorFilters&Version=2016-11-15&Version=2016-11-15');
  assert.match(version.text, /The parameter Version is specified more than once\./);
  assert.deepEqual(await filterIds(), before, 'nothing was created');
});

test('an empty ClientToken is no token: two creates make two filters', async () => {
  const first = await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15&ClientToken=');
  const second = await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15&ClientToken=&Description=other');
  assert.equal(first.status, 200);
  assert.equal(second.status, 200, second.text);
  const id = (text: string) => /<trafficMirrorFilterId>([^<]+)</.exec(text)![1];
  assert.notEqual(id(first.text), id(second.text));
  assert.doesNotMatch(first.text, /<clientToken/, 'no token is echoed');
});

test('a credential scope whose region is not a region name is AuthFailure; any region name is served', async () => {
  for (const region of ['mars-1', 'US-EAST-1', 'us_east_1']) {
    const answer = await post('Action=DescribeTrafficMirrorFilters&Version=2016-11-15', signedFor(ACCOUNT, region));
    assert.equal(answer.status, 401, region);
    assert.deepEqual(botocoreErrors([answer.text]), [{ code: 'AuthFailure', message: `Credential should be scoped to a valid region, not '${region}'.` }]);
  }
  const created = await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15', signedFor(ACCOUNT, 'ap-southeast-7'));
  assert.equal(created.status, 200);
  assert.equal((await filterIds(signedFor(ACCOUNT, 'ap-southeast-7'))).length, 1, 'in its own region');
});

test('a request answers as the same caller whether or not its Describe is cached', async () => {
  await post('Action=CreateTrafficMirrorFilter&Version=2016-11-15', signedFor('210987654321'));
  // An Authorization header that names no credential: the caller comes from AWSAccessKeyId.
  const body = 'Action=DescribeTrafficMirrorFilters&Version=2016-11-15&AWSAccessKeyId=210987654321';
  const unparsable = 'AWS4-HMAC-SHA256 garbage';
  const count = async (authorization: string) => ((await post(body, authorization)).text.match(/<trafficMirrorFilterId>/g) ?? []).length;
  assert.equal(await count(unparsable), 1);
  assert.equal(await count(signedFor('AKIDEXAMPLE')), 0, 'the default account, cached under these bytes');
  assert.equal(await count(unparsable), 1, 'still account 210987654321, not the cached answer');
});

/** Raw bytes on one connection; everything the server wrote until it closed (these requests make it close). */
function exchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes)); // not end(): clients do not half-close
    let out = '';
    socket.on('data', (chunk) => (out += chunk.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

const request = (body: string) =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: ${signedFor(ACCOUNT)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('pipelined requests before bytes that are not HTTP get their answers first, then a bare 400', async () => {
  const out = await exchange(
    request('Action=DescribeTrafficMirrorFilters&Version=2016-11-15') + request('Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=pipelined') + 'NOT-HTTP\r\n\r\n',
  );
  const statuses = [...out.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '200', '400']);
  assert.ok(out.indexOf('<DescribeTrafficMirrorFiltersResponse') < out.indexOf('<CreateTrafficMirrorFilterResponse'), 'in order');
  const id = /<trafficMirrorFilterId>([^<]+)</.exec(out.slice(out.indexOf('<CreateTrafficMirrorFilterResponse')))![1];
  assert.ok((await filterIds()).includes(id), 'the answered create is the stored one');
});

test('headers too large are 431, not 400', async () => {
  const out = await exchange(`GET /?Action=DescribeTrafficMirrorFilters HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(out, /^HTTP\/1\.1 431 /);
});

test('STS requests refused before routing get STS\'s envelope', async () => {
  const sts = signedFor(ACCOUNT, 'us-east-1', 'sts');
  const big = await post(`Action=GetCallerIdentity&Version=2011-06-15&X=${'a'.repeat(1_100_000)}`, sts);
  assert.equal(big.status, 413);
  assert.match(big.text, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>RequestEntityTooLarge<\/Code>/);
  const put = await fetch(server.url, { method: 'PUT', headers: { authorization: sts } });
  assert.equal(put.status, 405);
  assert.match(await put.text(), /^<ErrorResponse .*<Code>UnsupportedHttpVerb<\/Code>/);
});
