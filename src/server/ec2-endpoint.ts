import { randomUUID } from 'node:crypto';
import type { OperationName } from '../../model/ec2-types.js';
import {
  ApiError,
  dryRunOperation,
  internalError,
  invalidAction,
  missingAction,
} from '../protocol/api-error.js';
import { InputValidator, type ExtraRules } from '../protocol/input-validator.js';
import type { ServiceModel } from '../protocol/service-model.js';
import { XmlWriter } from '../protocol/xml-writer.js';
import type { CallContext, HandlerTable } from '../service/call-context.js';
import type { ServiceConfig } from '../service/service-config.js';
import type { Store } from '../state/store.js';
import { callerOfAuthorization, type Caller } from './caller-identity.js';
import { buildDispatchTable, otherOperationsOf, type Dispatch } from './dispatch-table.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import { callerOf, operationInput, readParameters, type Parameters } from './query-parameters.js';
import { MAX_KEY_BYTES, ReadCache } from './read-cache.js';

export interface Ec2EndpointOptions {
  model: ServiceModel;
  handlers: HandlerTable;
  notImplemented: readonly string[];
  validationRules: ExtraRules;
  store: Store;
  config: ServiceConfig;
  tokenSecret: Buffer;
  /**
   * Operations whose answer depends only on the state and the request (Describe*): their answers
   * are cached until the next write to the caller's account and region. None when absent.
   */
  readOnlyOperations?: ReadonlySet<string>;
  /** Put the request's parameters on its log line (debug logging: what did my client send?). */
  logParameters?: boolean;
  /** Called with an error no handler meant to raise (a bug), before it is answered as InternalError. */
  onUnexpectedError?: (error: unknown, log: RequestLogFields) => void;
}

/**
 * The EC2 Query endpoint as one function from request to response. Its steps, in order: read the
 * parameters, identify the caller, resolve the operation, parse and validate the input from the
 * model, run the handler in a transaction (or rehearse it for DryRun), serialise the output.
 */
export class Ec2Endpoint {
  private readonly dispatch: ReadonlyMap<string, Dispatch>;
  private readonly validator: InputValidator;
  private readonly writer: XmlWriter;
  private readonly otherOperations: ReadonlySet<string>;
  private readonly readCache = new ReadCache();

  constructor(private readonly options: Ec2EndpointOptions) {
    this.dispatch = buildDispatchTable(options.model, options.handlers, options.notImplemented);
    this.validator = new InputValidator(options.model, options.validationRules);
    this.writer = new XmlWriter(options.model);
    this.otherOperations = otherOperationsOf(options.model);
  }

  handle(request: HttpRequest): RoutedResponse {
    const requestId = randomUUID();
    const log: RequestLogFields = { requestId };
    const cacheKey = this.readCacheKey(request);
    if (cacheKey) {
      const answered = this.answerFromReadCache(cacheKey, requestId, log);
      if (answered) return answered;
    }
    try {
      const parameters = readParameters(request);
      if (this.options.logParameters) log.parameters = Object.fromEntries(parameters.pairs);
      const caller = this.identify(request, parameters);
      log.account = caller.account;
      log.region = caller.region;
      const action = parameters.get('Action');
      if (!action) throw missingAction();
      log.action = action;
      const operation = this.resolve(action);
      const input = operationInput(this.options.model, this.validator, action, parameters);
      const output = this.invoke(action as OperationName, operation, input, caller, requestId);
      const members = this.writer.outputMembers(action, output as Record<string, unknown>);
      const sameCaller = cacheKey && cacheKey.caller.account === caller.account && cacheKey.caller.region === caller.region;
      if (sameCaller && this.options.readOnlyOperations?.has(action)) {
        this.readCache.set(this.options.store.partition(caller.account, caller.region), cacheKey.key, { action, body: members });
      }
      return this.respond(200, this.writer.envelopeChunks(action, requestId, members), log);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError();
      if (!(error instanceof ApiError)) this.options.onUnexpectedError?.(error, log);
      log.errorCode = apiError.code;
      return this.respond(apiError.status, this.writer.error(apiError, requestId), log);
    }
  }

  /**
   * The key of a request in the read cache, and the caller it identifies. Only requests signed
   * with an Authorization header qualify: their caller is known without parsing the parameters.
   */
  private readCacheKey(request: HttpRequest): { key: string; caller: Caller } | undefined {
    const authorization = request.headers.authorization;
    if (!this.options.readOnlyOperations || this.options.logParameters || typeof authorization !== 'string') return undefined;
    if (request.body.length + request.url.length > MAX_KEY_BYTES) return undefined;
    const { config } = this.options;
    const caller = callerOfAuthorization(authorization, { account: config.defaultAccount, region: config.defaultRegion });
    return caller && { key: `${request.url}\n${request.body.toString('latin1')}`, caller };
  }

  private answerFromReadCache(cacheKey: { key: string; caller: Caller }, requestId: string, log: RequestLogFields): RoutedResponse | undefined {
    const { caller } = cacheKey;
    const read = this.readCache.get(this.options.store.partition(caller.account, caller.region), cacheKey.key);
    if (!read) return undefined;
    log.account = caller.account;
    log.region = caller.region;
    log.action = read.action;
    return this.respond(200, this.writer.envelopeChunks(read.action, requestId, read.body), log);
  }

  /** The error envelope for a request refused before it reaches the pipeline (verb, size). */
  refuse(error: ApiError): RoutedResponse {
    const requestId = randomUUID();
    return this.respond(error.status, this.writer.error(error, requestId), { requestId, errorCode: error.code });
  }

  private identify(request: HttpRequest, parameters: Parameters): Caller {
    const { config } = this.options;
    return callerOf(request, parameters, { account: config.defaultAccount, region: config.defaultRegion });
  }

  private resolve(action: string): Dispatch & { kind: 'handled' } {
    const dispatch = this.dispatch.get(action);
    if (dispatch?.kind === 'handled') return dispatch;
    if (dispatch || this.otherOperations.has(action)) {
      throw new ApiError('InvalidAction', `The action ${action} is not supported by mirrorlite.`);
    }
    throw invalidAction(action);
  }

  private invoke(
    operation: OperationName,
    dispatch: Dispatch & { kind: 'handled' },
    input: Record<string, unknown>,
    caller: Caller,
    requestId: string,
  ): unknown {
    const { store, config, tokenSecret } = this.options;
    const context: CallContext = {
      operation,
      account: caller.account,
      region: caller.region,
      requestId,
      partition: store.partition(caller.account, caller.region),
      store,
      config,
      tokenSecret,
    };
    if (input.DryRun === true) {
      store.rehearse(() => dispatch.handler(input as never, context));
      throw dryRunOperation();
    }
    return store.transaction(() => dispatch.handler(input as never, context));
  }

  private respond(status: number, body: Buffer | Buffer[], log: RequestLogFields): RoutedResponse {
    return {
      status,
      headers: {
        'content-type': 'text/xml;charset=UTF-8',
        'x-amzn-requestid': log.requestId!,
        server: 'mirrorlite',
      },
      body,
      log,
    };
  }
}
