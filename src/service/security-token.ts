import type { OperationName, Operations } from '../../model/sts-types.js';
import { arnPartition } from './regions.js';

/**
 * STS, of which mirrorlite serves what clients ask to learn the caller's account:
 * GetCallerIdentity (Terraform's AWS provider calls it at start-up unless told to skip it, and
 * without it builds ARNs with no account and reads back peer security groups as `<account>/sg-…`).
 *
 * The caller is identified as for EC2 (src/server/caller-identity.ts): a 12-digit access key is the
 * account, any other key the default account. mirrorlite has no IAM users or roles, so every caller
 * is the account's root user, answered the way AWS answers root credentials: UserId the account ID,
 * Arn `arn:<partition>:iam::<account>:root`, the partition the signing region's.
 */

export interface StsCallContext {
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
}

export type StsHandler<Op extends OperationName> = (input: Operations[Op]['input'], context: StsCallContext) => Operations[Op]['output'];

/** Every STS operation of the cut model has its handler: the table is complete by type. */
export type StsHandlerTable = { [Op in OperationName]: StsHandler<Op> };

const getCallerIdentity: StsHandler<'GetCallerIdentity'> = (_input, { account, region }) => ({
  UserId: account,
  Account: account,
  Arn: `arn:${arnPartition(region)}:iam::${account}:root`,
});

export const stsHandlers: StsHandlerTable = {
  GetCallerIdentity: getCallerIdentity,
};
