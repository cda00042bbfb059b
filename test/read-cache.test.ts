// Describe answers are cached per account and region until the next write: the same bytes sent
// again must still see every change, and never another account's or region's resources.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(() => server.stop());

/** The exact same request bytes every time, differing only in the signing account and region. */
async function send(body: string, account: string, region = 'us-east-1') {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  return (await response.text()).replace(/<requestId>[^<]*<\/requestId>/, '');
}

const DESCRIBE = 'Action=DescribeTrafficMirrorFilters&Version=2016-11-15';

test('a repeated Describe sees every write, in its own account and region only', async () => {
  const empty = await send(DESCRIBE, '555500000001');
  assert.match(empty, /<trafficMirrorFilterSet\/>/);
  assert.equal(await send(DESCRIBE, '555500000001'), empty, 'unchanged state, identical answer');

  await send('Action=CreateTrafficMirrorFilter&Version=2016-11-15&Description=first', '555500000001');
  const one = await send(DESCRIBE, '555500000001');
  assert.equal((one.match(/<item>/g) ?? []).length, 1, 'the write is seen by the same request bytes');

  assert.match(await send(DESCRIBE, '555500000002'), /<trafficMirrorFilterSet\/>/, 'another account');
  assert.match(await send(DESCRIBE, '555500000001', 'eu-west-1'), /<trafficMirrorFilterSet\/>/, 'another region');

  const id = /<trafficMirrorFilterId>([^<]+)</.exec(one)![1]!;
  await send(`Action=CreateTags&Version=2016-11-15&ResourceId.1=${id}&Tag.1.Key=k&Tag.1.Value=v`, '555500000001');
  assert.match(await send(DESCRIBE, '555500000001'), /<key>k<\/key><value>v<\/value>/, 'a tag change is seen');

  // A failed write changes nothing, and the cached answer stays right.
  await send(`Action=DeleteTrafficMirrorFilter&Version=2016-11-15&TrafficMirrorFilterId=${id}&DryRun=true`, '555500000001');
  assert.match(await send(DESCRIBE, '555500000001'), new RegExp(id));

  assert.equal((await fetch(`${server.url}/_mirrorlite/reset`, { method: 'POST' })).status, 200);
  assert.match(await send(DESCRIBE, '555500000001'), /<trafficMirrorFilterSet\/>/, 'a reset is seen');
});
