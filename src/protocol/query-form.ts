import { invalidParameterValue, malformedQueryString } from './api-error.js';
import { NOT_XML_CHARACTER } from './xml-characters.js';

/**
 * The name/value pairs of a Query request's query string or form body
 * (application/x-www-form-urlencoded), decoded strictly. URLSearchParams is lenient where EC2 is
 * not: it keeps a malformed escape (`%zz`, a lone `%`) as text and turns bytes that are not UTF-8
 * into U+FFFD, so a description would be stored other than it was sent. Here either is
 * MalformedQueryString, and a name or value holding a character XML cannot carry is refused before
 * it can be stored or echoed into an error message.
 */
export function decodeQueryForm(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (!text) return pairs;
  for (const part of text.split('&')) {
    if (!part) continue;
    const equals = part.indexOf('=');
    const name = decodeComponent(equals < 0 ? part : part.slice(0, equals));
    const value = equals < 0 ? '' : decodeComponent(part.slice(equals + 1));
    if (NOT_XML_CHARACTER.test(name)) throw invalidParameterValue('A parameter name contains characters that are not allowed.');
    if (NOT_XML_CHARACTER.test(value)) throw invalidParameterValue(`The parameter ${name} contains characters that are not allowed.`);
    pairs.push([name, value]);
  }
  return pairs;
}

function decodeComponent(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    // Strict: throws on an escape that is not two hex digits and on bytes that are not UTF-8.
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw malformedQueryString();
  }
}

