import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/server/package-files.js';

/** Runs botocore's own EC2 protocol code (see botocore_bridge.py) on a batch of items. */
export function botocore<T>(request: { parse: unknown[] } | { serialize: unknown[] } | { subtrees: unknown[] }): T[] {
  const out = execFileSync('python3', [join(PACKAGE_ROOT, 'test', 'support', 'botocore_bridge.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as T[];
}
