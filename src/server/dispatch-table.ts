import type { OperationName } from '../../model/ec2-types.js';
import type { ServiceModel } from '../protocol/service-model.js';
import type { Handler, HandlerTable } from '../service/call-context.js';

export type Dispatch = { kind: 'handled'; handler: Handler<OperationName> } | { kind: 'not-implemented' };

/**
 * Operation name → handler. Built once at start-up, and refuses to start when an operation of the
 * model is neither handled nor declared not implemented: a forgotten handler is a start-up failure,
 * never a surprise at request time.
 */
export function buildDispatchTable(
  model: ServiceModel,
  handlers: HandlerTable,
  notImplemented: readonly string[],
): ReadonlyMap<string, Dispatch> {
  const table = new Map<string, Dispatch>();
  const missing: string[] = [];
  for (const name of model.operationNames) {
    const handler = handlers[name as OperationName] as Handler<OperationName> | undefined;
    if (handler) table.set(name, { kind: 'handled', handler });
    else if (notImplemented.includes(name)) table.set(name, { kind: 'not-implemented' });
    else missing.push(name);
  }
  const unknown = [...Object.keys(handlers), ...notImplemented].filter((name) => !model.operation(name));
  if (missing.length || unknown.length) {
    throw new Error(
      [
        missing.length ? `operations without a handler: ${missing.join(', ')}` : '',
        unknown.length ? `handlers for operations the model lacks: ${unknown.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return table;
}
