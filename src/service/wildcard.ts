/**
 * Describe filter values with wildcards: `*` is any run of characters (none included), `?` exactly
 * one, and a backslash makes the character after it literal (`\*`, `\?`, `\\`; a backslash at the
 * very end is itself literal). Matching is case-sensitive, as EC2's is.
 *
 * A value is compiled once per request and matched by the classic two-pointer algorithm, which on
 * a mismatch goes back only to the last `*` seen: time is bounded by pattern length × text length,
 * never exponential, whatever a caller sends. (A regular expression built from the value is not:
 * `*a*a*a*a*b` against a long run of `a` backtracks for minutes.)
 *
 * Decided: a "character" is a Unicode code point, so `?` matches one emoji as it does one letter;
 * EC2 does not say.
 */

const ANY_ONE = Symbol('?');
const ANY_RUN = Symbol('*');

type Token = string | typeof ANY_ONE | typeof ANY_RUN;

/** A compiled wildcard value; match it against a text split into code points (see `characters`). */
export type Wildcard = readonly Token[];

/** True when a filter value needs `compileWildcard`; any other value is compared as it is. */
export function hasWildcard(value: string): boolean {
  return /[*?\\]/.test(value);
}

export function compileWildcard(value: string): Wildcard {
  const chars = characters(value);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '\\' && i + 1 < chars.length) tokens.push(chars[++i]!);
    else if (char === '?') tokens.push(ANY_ONE);
    // `**` matches what `*` does; one token keeps the backtracking short.
    else if (char === '*') {
      if (tokens.at(-1) !== ANY_RUN) tokens.push(ANY_RUN);
    } else tokens.push(char);
  }
  return tokens;
}

/** A text as the matcher reads it: one entry per code point. */
export function characters(text: string): readonly string[] {
  return Array.from(text);
}

export function matchesWildcard(pattern: Wildcard, text: readonly string[]): boolean {
  let p = 0;
  let t = 0;
  // Where the last `*` was, and the text position it is currently taken to end at.
  let star = -1;
  let starEnd = 0;
  while (t < text.length) {
    const token = pattern[p];
    if (token === ANY_RUN) {
      star = p++;
      starEnd = t;
    } else if (p < pattern.length && (token === ANY_ONE || token === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      // Let the last `*` take one more character and retry what follows it.
      p = star + 1;
      t = ++starEnd;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY_RUN) p++;
  return p === pattern.length;
}
