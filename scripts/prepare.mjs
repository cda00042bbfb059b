#!/usr/bin/env node
// npm's `prepare`: builds dist/ (npm run build) unless it was already built from these very sources.
//
// npm runs `prepare` after `npm ci` and `npm install`, which is how a fresh checkout gets built. It
// also runs it when it links a checkout as a directory dependency, and `npx mirrorlite` does that
// the first time it is run in a checkout: it then rebuilt everything (tsc and the bundle, about
// 8 s) right after `npm ci` had built the same sources. So the build records a digest of what it
// was built from (`npm run build` ends with `node scripts/prepare.mjs --record`), and a `prepare`
// that finds the same digest leaves dist/ as it is.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
/** Everything the build reads: what tsc compiles (tsconfig's include), the bundler, the model. */
const INPUT_DIRS = ['src', 'model', 'test', 'bench', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
const DIGEST_FILE = join(root, 'dist', '.sources-sha256');

/** Files under `dir`, leaving out what test runs leave behind (Python's caches). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__pycache__' || entry.name === '.pytest_cache' ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

function sourcesDigest() {
  const files = [...INPUT_FILES.map((file) => join(root, file)).filter((file) => existsSync(file)), ...INPUT_DIRS.flatMap((dir) => filesUnder(join(root, dir)))].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const digest = sourcesDigest();
if (process.argv[2] === '--record') {
  writeFileSync(DIGEST_FILE, digest);
  process.exit(0);
}
const built = existsSync(join(root, 'dist', 'mirrorlite.mjs')) && existsSync(DIGEST_FILE) ? readFileSync(DIGEST_FILE, 'utf8') : '';
if (built === digest) process.exit(0);
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
