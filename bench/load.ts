import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  latencyP50Ms: number;
}

/** Drives `connections` keep-alive connections at a server for `seconds`, POSTing one form body. */
export async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
  return {
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
  };
}

/**
 * `connections` workers, each sending requests one after another on a new connection every time,
 * for `seconds`. For servers that do not keep connections alive (moto's development server), where
 * a keep-alive load generator measures only its own time-outs.
 */
export async function loadWithoutKeepAlive(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const { request } = await import('node:http');
  const target = new URL(url);
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const once = () =>
    new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          agent: false,
          headers: {
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) done++;
            else failed++;
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) await once();
    }),
  );
  latencies.sort((a, b) => a - b);
  return { requestsPerSecond: done / seconds, non2xx: failed, errors: 0, latencyP50Ms: latencies[latencies.length >> 1] ?? 0 };
}
