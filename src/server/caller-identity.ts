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

const HEADER_CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;
const QUERY_CREDENTIAL = /^([^/]+)\/\d{8}\/([^/]+)\/[^/]+\/aws4_request$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

export function identifyCaller(
  authorization: string | undefined,
  queryCredential: string | undefined,
  legacyAccessKey: string | undefined,
  defaults: { account: string; region: string },
): Caller {
  const match = (authorization && HEADER_CREDENTIAL.exec(authorization)) || (queryCredential && QUERY_CREDENTIAL.exec(queryCredential));
  const accessKeyId = match ? match[1] : legacyAccessKey;
  const region = match && REGION.test(match[2]!) ? match[2]! : defaults.region;
  const account = accessKeyId && ACCOUNT_ID.test(accessKeyId) ? accessKeyId : defaults.account;
  return accessKeyId ? { account, region, accessKeyId } : { account, region };
}

const HEADER_SERVICE = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/;
const QUERY_SERVICE = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/;

/**
 * The service a SigV4 request was signed for (`ec2`, `sts`: the credential scope's third part),
 * from the Authorization header or a presigned URL's X-Amz-Credential; undefined when unsigned or
 * signed the legacy way. It picks which of the services sharing mirrorlite's endpoint answers.
 */
export function signingService(authorization: string | undefined, queryCredential: string | undefined): string | undefined {
  return (authorization && HEADER_SERVICE.exec(authorization)?.[1]) || (queryCredential && QUERY_SERVICE.exec(queryCredential)?.[1]) || undefined;
}
