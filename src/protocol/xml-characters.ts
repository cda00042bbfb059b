/**
 * Characters that XML 1.0 cannot carry (controls other than tab, LF and CR; U+FFFE, U+FFFF; lone
 * surrogates). A response holding one is not XML, and every SDK fails to parse it, so the Query
 * reader refuses them in requests and the XML writer never emits one.
 */
export const NOT_XML_CHARACTER =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NOT_XML_CHARACTERS = new RegExp(NOT_XML_CHARACTER.source, 'g');
