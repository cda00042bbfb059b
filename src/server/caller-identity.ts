import { ApiError } from '../protocol/api-error.js';
import { ACCOUNT_ID, REGION_NAME } from '../state/partition.js';

/**
 * Who is calling and where, as decisions.md says: the account is the SigV4 access key when that is a
 * 12-digit account ID, else the default account; the region is the SigV4 credential scope's. The
 * signature itself is not checked: mirrorlite accepts any credentials, as a local emulator should.
 */
export interface Caller {
  account: string;
  region: string;
  accessKeyId?: string;
}

/** Access key, region and service of an Authorization header's credential scope. */
const HEADER_CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;
const QUERY_CREDENTIAL = /^([^/]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request$/;

export function identifyCaller(
  authorization: string | undefined,
  queryCredential: string | undefined,
  legacyAccessKey: string | undefined,
  defaults: { account: string; region: string },
): Caller {
  const match = (authorization && headerCredential(authorization)) || (queryCredential && QUERY_CREDENTIAL.exec(queryCredential));
  if (match) return scopedCaller(match[1]!, match[2]!, defaults);
  return legacyAccessKey ? { account: accountOf(legacyAccessKey, defaults), region: defaults.region, accessKeyId: legacyAccessKey } : { ...defaults };
}

/**
 * The caller named by a SigV4 Authorization header alone, or undefined when the header names none
 * (or an unusable region): then only the full pipeline, which also reads the parameters' credentials
 * and answers the error, may decide. The read cache keys on this, so that it never answers a request
 * as a caller other than the one the pipeline would find.
 */
export function callerOfAuthorization(authorization: string, defaults: { account: string; region: string }): Caller | undefined {
  const match = headerCredential(authorization);
  if (!match || !REGION_NAME.test(match[2]!)) return undefined;
  return scopedCaller(match[1]!, match[2]!, defaults);
}

/**
 * A SigV4 credential's caller. A scope whose region is not a region name is refused, as AWS
 * refuses it (AuthFailure "Credential should be scoped to a valid region, not '…'.", quoted in
 * aws/aws-sdk-ruby#508 and aws/aws-sdk-java-v2#988) rather than quietly served from the default
 * region. Any well-formed region name is accepted: mirrorlite serves every region.
 */
function scopedCaller(accessKeyId: string, region: string, defaults: { account: string; region: string }): Caller {
  if (!REGION_NAME.test(region)) throw new ApiError('AuthFailure', `Credential should be scoped to a valid region, not '${region}'.`, 401);
  return { account: accountOf(accessKeyId, defaults), region, accessKeyId };
}

function accountOf(accessKeyId: string, defaults: { account: string }): string {
  return ACCOUNT_ID.test(accessKeyId) ? accessKeyId : defaults.account;
}

const QUERY_SERVICE = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/;

/**
 * The service a SigV4 request was signed for (`ec2`, `sts`: the credential scope's third part),
 * from the Authorization header or a presigned URL's X-Amz-Credential; undefined when unsigned or
 * signed the legacy way. It picks which of the services sharing mirrorlite's endpoint answers.
 */
export function signingService(authorization: string | undefined, queryCredential: string | undefined): string | undefined {
  return (authorization && headerCredential(authorization)?.[3]) || (queryCredential && QUERY_SERVICE.exec(queryCredential)?.[1]) || undefined;
}

let lastAuthorization: string | undefined;
let lastCredential: RegExpExecArray | null = null;

/**
 * HEADER_CREDENTIAL's match. Every request's header is read twice, by the router (which service?)
 * and by the endpoint (which caller?): the last match is kept so the second read costs nothing.
 */
function headerCredential(authorization: string): RegExpExecArray | null {
  if (authorization !== lastAuthorization) {
    lastCredential = HEADER_CREDENTIAL.exec(authorization);
    lastAuthorization = authorization;
  }
  return lastCredential;
}
