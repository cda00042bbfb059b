// Why a file-system call failed, in the words every mirrorlite message uses: the client's files,
// the state's data dir and the mirror directory say the same thing for the same errno. A missing
// path (ENOENT) is left to the caller: whether the file or a folder above it is missing depends on
// the call.

const WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
};

/** The words for a failure's errno, or undefined for a code without its own words (ENOENT among them). */
export function fileErrorWords(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === undefined ? undefined : WORDS[code];
}

/** "words (system message)" for a known errno, the system message alone otherwise. */
export function fileErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const words = fileErrorWords(error);
  return words === undefined ? message : `${words} (${message})`;
}
