import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { characters, compileWildcard, hasWildcard, matchesWildcard } from './wildcard.js';

const matches = (pattern: string, text: string) => matchesWildcard(compileWildcard(pattern), characters(text));

describe('Describe filter wildcards', () => {
  it('match `*` as any run, none included, and `?` as exactly one character', () => {
    const cases: [string, string, boolean][] = [
      ['*', '', true],
      ['*', 'anything', true],
      ['**', '', true],
      ['?', '', false],
      ['?', 'a', true],
      ['?', 'ab', false],
      ['a?c', 'abc', true],
      ['a?c', 'ac', false],
      ['a*c', 'ac', true],
      ['a*c', 'abbbc', true],
      ['a*c', 'abbbd', false],
      ['*c', 'abc', true],
      ['ab*', 'abc', true],
      ['*b*', 'abc', true],
      ['*b*', 'ac', false],
      ['*a*b', 'aXaYb', true],
      ['*ab', 'aab', true],
      ['a*b*c', 'abcbc', true],
      ['a*b?d', 'abxbcd', true],
      ['*?', '', false],
      ['?*?', 'ab', true],
      ['web-*', 'web-', true],
      ['', '', true],
      ['', 'a', false],
    ];
    for (const [pattern, text, expected] of cases) assert.equal(matches(pattern, text), expected, `${pattern} ~ ${text}`);
  });

  it('are case-sensitive', () => {
    assert.equal(matches('A*', 'abc'), false);
    assert.equal(matches('a?C', 'abc'), false);
  });

  it('take a backslash to make the next character literal', () => {
    assert.equal(matches('a\\*c', 'a*c'), true);
    assert.equal(matches('a\\*c', 'abc'), false);
    assert.equal(matches('a\\?c', 'a?c'), true);
    assert.equal(matches('a\\?c', 'abc'), false);
    assert.equal(matches('a\\\\c', 'a\\c'), true);
    assert.equal(matches('a\\\\*', 'a\\bc'), true);
    assert.equal(matches('a\\\\*', 'abc'), false);
    // Any other escaped character is itself, as before; a trailing backslash is literal.
    assert.equal(matches('a\\bc', 'abc'), true);
    assert.equal(matches('ab\\', 'ab\\'), true);
    assert.equal(matches('*\\', 'xyz\\'), true);
  });

  it('count a character outside the BMP as one', () => {
    assert.equal(matches('?', '😀'), true);
    assert.equal(matches('a?b', 'a😀b'), true);
    assert.equal(matches('??', '😀'), false);
  });

  it('tell which values need compiling', () => {
    assert.equal(hasWildcard('plain-value'), false);
    assert.equal(hasWildcard(''), false);
    for (const value of ['*', 'a?', 'a\\b']) assert.equal(hasWildcard(value), true);
  });

  it('answer patterns that make a backtracking regular expression run for minutes at once', () => {
    const text = characters('a'.repeat(10_000));
    // Bounded by pattern × text: these are a few hundred thousand steps each, not 10_000^k.
    assert.equal(matchesWildcard(compileWildcard('*a*a*a*a*b'), text), false);
    assert.equal(matchesWildcard(compileWildcard(`${'*a'.repeat(20)}*b`), text), false);
    assert.equal(matchesWildcard(compileWildcard(`${'*a'.repeat(20)}*`), text), true);
    assert.equal(matchesWildcard(compileWildcard(`${'?'.repeat(9_999)}*?`), text), true);
  });
});
