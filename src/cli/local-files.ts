import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileErrorWords } from '../os/file-errors.js';

/**
 * The local files the client commands read and write (captures, state files), with one way to say
 * why one cannot be used, so that a missing file reads the same in every command.
 */

/**
 * Opens a file the client reads (a capture, a state file); the error names the file and says why in
 * words. `size` only for a regular file: a pipe (`<(tcpdump …)`) or a device says 0 whatever it holds.
 */
export function openToRead(file: string): { fd: number; size?: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileFailure(file, 'read', error);
  }
  // Opening a directory succeeds on Linux; reading it would fail later with EISDIR.
  const stats = fstatSync(fd);
  if (stats.isDirectory()) {
    closeSync(fd);
    throw new Error(`${file} is a directory`);
  }
  return stats.isFile() ? { fd, size: stats.size } : { fd };
}

/** A whole text file the client sends (a state file), or stdin for `-`. */
export function readInput(file: string): string {
  if (file === '-') return readFileSync(0, 'utf8');
  const { fd } = openToRead(file);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw fileFailure(file, 'write', error);
  }
}

function fileFailure(file: string, verb: 'read' | 'write', error: unknown): Error {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EISDIR') return new Error(`${file} is a directory`);
  // A read names the file; a write creates it, so what is missing is its folder.
  if (code === 'ENOENT') return new Error(`cannot ${verb} ${file}: ${verb === 'read' ? 'no such file' : 'no such directory'}`);
  return new Error(`cannot ${verb} ${file}: ${fileErrorWords(error) ?? message}`);
}
