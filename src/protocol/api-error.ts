/**
 * An error answered to the client in the EC2 error envelope. Fault and status are data, so every
 * layer raises the same class and the envelope writer needs no knowledge of where it came from.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the error shape, serialised inside `<Error>` after Code and Message. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The protocol-level codes: what any EC2 Query request can fail with before an operation runs.
// Service codes live in src/service/errors.ts.

export const missingAction = () =>
  new ApiError('MissingAction', 'The request must contain the parameter Action');

export const invalidAction = (action: string) =>
  new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);

/**
 * EC2's common client error for a query it cannot read: an escape that is not `%` and two hex
 * digits, or bytes that are not UTF-8 (EC2 API Reference, "Error codes for the Amazon EC2 API").
 * The message is decided: the code's documented description.
 */
export const malformedQueryString = () => new ApiError('MalformedQueryString', 'The query string contains a syntax error.');

export const unknownParameter = (wireName: string) =>
  new ApiError('UnknownParameter', `The parameter ${wireName} is not recognized`);

export const missingParameter = (wireName: string) =>
  new ApiError('MissingParameter', `The request must contain the parameter ${wireName}`);

export const invalidParameterValue = (message: string) => new ApiError('InvalidParameterValue', message);

export const invalidValueFor = (wireName: string, value: unknown, expectation: string) =>
  invalidParameterValue(`Value (${String(value)}) for parameter ${wireName} is invalid. ${expectation}`);

/**
 * A Describe's page size out of range, in EC2's own words, spaces and lower-case name included:
 * `Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5.`
 * (aws/aws-sdk-ruby#2575). Decided: above the maximum, the same sentence turned round, `Expecting a
 * value less than 1000.`; as in EC2's "greater than 5", the bound itself is allowed.
 */
export const maxResultsOutOfRange = (value: number, min: number, max: number) =>
  invalidParameterValue(
    `Value ( ${value} ) for parameter maxResults is invalid. Expecting a value ${value < min ? `greater than ${min}` : `less than ${max}`}.`,
  );

export const requestTooLarge = (limit: number) =>
  new ApiError('RequestEntityTooLarge', `The request body exceeds the limit of ${limit} bytes.`, 413);

export const dryRunOperation = () =>
  new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

export const internalError = () =>
  new ApiError('InternalError', 'An internal error has occurred. Please retry your request.', 500);
