import assert from 'node:assert/strict';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileErrorReason, fileErrorWords } from './file-errors.js';

/** The error a real file-system call throws. */
function failureOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  assert.fail('the call did not fail');
}

describe('file errors in words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-file-errors-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');

  it('words a path through a file, with the system message beside them', () => {
    const error = failureOf(() => openSync(join(file, 'below'), 'r'));
    assert.equal(fileErrorWords(error), 'a part of the path is a file, not a directory');
    assert.match(fileErrorReason(error), /^a part of the path is a file, not a directory \(ENOTDIR: not a directory, open '.*a-file\/below'\)$/);
  });

  it('words a directory opened for writing', () => {
    const error = failureOf(() => openSync(dir, 'w'));
    assert.equal(fileErrorWords(error), 'it is a directory');
  });

  it('leaves a missing path to the caller, and says the system message for codes it has no words for', () => {
    const missing = failureOf(() => openSync(join(dir, 'nothing-here'), 'r'));
    assert.equal(fileErrorWords(missing), undefined);
    assert.match(fileErrorReason(missing), /^ENOENT: no such file or directory, open /);
    assert.equal(fileErrorReason(new Error('something else')), 'something else');
    assert.equal(fileErrorWords(null), undefined);
  });

  it('has the same words for the codes a full or read-only disk gives', () => {
    const fake = (code: string) => Object.assign(new Error(`${code}: fake`), { code });
    assert.equal(fileErrorReason(fake('ENOSPC')), 'no space left on the device (ENOSPC: fake)');
    assert.equal(fileErrorWords(fake('EROFS')), 'the file system is read-only');
    assert.equal(fileErrorWords(fake('EPERM')), fileErrorWords(fake('EACCES')));
  });

  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
});
