import { randomUUID } from 'node:crypto';
import type { OperationName } from '../../model/ec2-types.js';
import { ApiError, dryRunOperation, invalidAction } from '../protocol/api-error.js';
import { InputValidator, type ExtraRules } from '../protocol/input-validator.js';
import type { ServiceModel } from '../protocol/service-model.js';
import { XmlWriter } from '../protocol/xml-writer.js';
import type { CallContext, HandlerTable } from '../service/call-context.js';
import type { ServiceConfig } from '../service/service-config.js';
import type { Store } from '../state/store.js';
import { callerOfAuthorization, type Caller } from './caller-identity.js';
import { buildDispatchTable, otherOperationsOf, type Dispatch } from './dispatch-table.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import { QueryPipeline, type Invocation } from './query-pipeline.js';
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
 * The EC2 Query endpoint: the shared Query pipeline, with EC2's operations run in a transaction of
 * the store (or rehearsed for DryRun), and a read cache in front of it for Describe calls.
 */
export class Ec2Endpoint {
  private readonly dispatch: ReadonlyMap<string, Dispatch>;
  private readonly otherOperations: ReadonlySet<string>;
  private readonly pipeline: QueryPipeline;
  private readonly readCache = new ReadCache();

  constructor(private readonly options: Ec2EndpointOptions) {
    this.dispatch = buildDispatchTable(options.model, options.handlers, options.notImplemented);
    this.otherOperations = otherOperationsOf(options.model);
    this.pipeline = new QueryPipeline({
      model: options.model,
      validator: new InputValidator(options.model, options.validationRules),
      writer: new XmlWriter(options.model),
      contentType: 'text/xml;charset=UTF-8',
      defaults: { account: options.config.defaultAccount, region: options.config.defaultRegion },
      resolve: (action) => this.resolve(action),
      ...(options.logParameters ? { logParameters: true } : {}),
      ...(options.onUnexpectedError ? { onUnexpectedError: options.onUnexpectedError } : {}),
    });
  }

  handle(request: HttpRequest): RoutedResponse {
    const log: RequestLogFields = { requestId: randomUUID() };
    const cacheKey = this.readCacheKey(request);
    if (!cacheKey) return this.pipeline.handle(request, log);
    const { caller, key } = cacheKey;
    const partition = this.options.store.partition(caller.account, caller.region);
    const read = this.readCache.get(partition, key);
    if (read) {
      log.account = caller.account;
      log.region = caller.region;
      log.action = read.action;
      return this.pipeline.answer(read.action, read.body, log);
    }
    return this.pipeline.handle(request, log, (answer) => {
      const sameCaller = answer.caller.account === caller.account && answer.caller.region === caller.region;
      if (sameCaller && this.options.readOnlyOperations?.has(answer.action)) {
        this.readCache.set(partition, key, { action: answer.action, body: answer.members });
      }
    });
  }

  /** The error envelope for a request refused before it reaches the pipeline (verb, size). */
  refuse(error: ApiError): RoutedResponse {
    return this.pipeline.refuse(error);
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

  private resolve(action: string): Invocation {
    const dispatch = this.dispatch.get(action);
    if (dispatch?.kind !== 'handled') {
      if (dispatch || this.otherOperations.has(action)) {
        throw new ApiError('InvalidAction', `The action ${action} is not supported by mirrorlite.`);
      }
      throw invalidAction(action);
    }
    return (input, caller, requestId) => this.invoke(action as OperationName, dispatch, input, caller, requestId);
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
}
