import type { OperationName, Operations } from '../../model/ec2-types.js';
import type { Partition } from '../state/partition.js';
import type { Store } from '../state/store.js';
import type { ServiceConfig } from './service-config.js';

/** What a handler knows about the call: who, where, and the state of that account and region. */
export interface CallContext {
  readonly operation: OperationName;
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
  /** The caller's account and region: every resource a handler can see or change. */
  readonly partition: Partition;
  readonly store: Store;
  readonly config: ServiceConfig;
  /** Signs and checks pagination tokens. */
  readonly tokenSecret: Buffer;
}

/** A handler reads like the AWS docs: typed input in, the output members out. Synchronous, always. */
export type Handler<Op extends OperationName> = (input: Operations[Op]['input'], context: CallContext) => Operations[Op]['output'];

export type HandlerTable = { [Op in OperationName]?: Handler<Op> };
