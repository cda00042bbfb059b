import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder, found from this file whether it runs from src/ or dist/src/. */
export const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the mirrorlite package root');
    dir = parent;
  }
  return dir;
})();

export const MODEL_PATH = join(PACKAGE_ROOT, 'model', 'ec2-model.json');
/** The STS operations mirrorlite serves (GetCallerIdentity), cut by the same script. */
export const STS_MODEL_PATH = join(PACKAGE_ROOT, 'model', 'sts-model.json');

export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
