import { createHash } from 'node:crypto';
import type { CallContext } from './call-context.js';
import { idempotentParameterMismatch } from './errors.js';

/**
 * ClientToken idempotency (EC2 "Ensuring idempotency"): a retry with the same token and the same
 * parameters gets the original answer and creates nothing; the same token with other parameters is
 * IdempotentParameterMismatch. Tokens are per operation, account and region, and persist with state.
 */
export function idempotent<O extends object>(
  context: CallContext,
  input: { ClientToken?: string },
  create: () => O,
): O & { ClientToken?: string } {
  const token = input.ClientToken;
  // Decided: an empty token is no token. Otherwise `ClientToken=` would be one token shared by every
  // caller of the account and region, and unrelated creates would come back as each other.
  if (!token) return create();
  const key = `${context.operation}:${token}`;
  const parameters = digestOfParameters(input);
  const previous = context.partition.clientTokens.get(key);
  if (previous) {
    if (previous.parameters !== parameters) throw idempotentParameterMismatch();
    return previous.output as O & { ClientToken?: string };
  }
  const output = { ...create(), ClientToken: token };
  context.partition.clientTokens.put({ key, parameters, output, seq: context.partition.nextSeq() });
  return output;
}

function digestOfParameters(input: object): string {
  const { ClientToken: _token, DryRun: _dryRun, ...rest } = input as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(rest)).digest('base64url');
}

/** JSON with object keys sorted, so two clients sending the same members in another order agree. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
