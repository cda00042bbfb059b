import type { OperationName } from '../../model/ec2-types.js';
import type { ServiceModel } from '../protocol/service-model.js';
import type { Handler } from '../service/call-context.js';

export type Dispatch<H = Handler<OperationName>> = { kind: 'handled'; handler: H } | { kind: 'not-implemented' };

/**
 * Operation name → handler. Built once at start-up, and refuses to start when an operation of the
 * model is neither handled nor declared not implemented: a forgotten handler is a start-up failure,
 * never a surprise at request time.
 */
export function buildDispatchTable<H = Handler<OperationName>>(
  model: ServiceModel,
  /** Handlers keyed by operation name (EC2's HandlerTable, STS's StsHandlerTable); H is their type. */
  handlers: object,
  notImplemented: readonly string[],
): ReadonlyMap<string, Dispatch<H>> {
  const table = new Map<string, Dispatch<H>>();
  const missing: string[] = [];
  const byName = handlers as Readonly<Record<string, H | undefined>>;
  for (const name of model.operationNames) {
    const handler = Object.hasOwn(byName, name) ? byName[name] : undefined;
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

/** The service's other operations, which the cut script lists by name: mirrorlite knows them and does not serve them. */
export function otherOperationsOf(model: ServiceModel): ReadonlySet<string> {
  const metadata = model.document.metadata as { mirrorlite?: { otherOperations?: string[] } };
  return new Set(metadata.mirrorlite?.otherOperations ?? []);
}
