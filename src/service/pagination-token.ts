import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidNextToken } from './errors.js';

/**
 * NextToken: the offset of the next page, bound to the query that produced it (a digest of its
 * operation, account, region, IDs and filters: see the Describe engine) and signed, so a token the
 * server did not issue, or one replayed with other filters, by another Describe, or in another
 * account or region, is refused with InvalidNextToken. It stays valid while the data does not change.
 */

export function queryDigest(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

const SIGNATURE_BYTES = 12;
const DOT = 0x2e;

function signature(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);
}

export function issueToken(secret: Buffer, offset: number, digest: string): string {
  const payload = `${offset}.${digest}`;
  return Buffer.concat([Buffer.from(payload), Buffer.from('.'), signature(secret, payload)]).toString('base64url');
}

/** The offset a token points at; throws InvalidNextToken unless this server issued it for this query. */
export function readToken(secret: Buffer, token: string, digest: string): number {
  const raw = /^[A-Za-z0-9_-]{1,200}$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  const separator = raw.length - SIGNATURE_BYTES - 1;
  if (separator < 1 || raw[separator] !== DOT) throw invalidNextToken();
  const payload = raw.subarray(0, separator).toString();
  const given = raw.subarray(separator + 1);
  const expected = signature(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidNextToken();
  const [offsetText, tokenDigest] = payload.split('.');
  const offset = Number(offsetText);
  if (tokenDigest !== digest || !Number.isSafeInteger(offset) || offset < 0) throw invalidNextToken();
  return offset;
}
