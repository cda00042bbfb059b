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
