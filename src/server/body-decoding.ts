import { gunzipSync, inflateSync } from 'node:zlib';
import { ApiError, requestTooLarge } from '../protocol/api-error.js';

/**
 * A request body as sent with `Content-Encoding` (SDKs compress large bodies of operations with the
 * requestCompression trait), decoded within the same size limit as the raw body.
 */
export function decodeBody(body: Buffer, encoding: string | undefined, limit: number): Buffer {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return body;
  try {
    if (coding === 'gzip') return gunzipSync(body, { maxOutputLength: limit });
    if (coding === 'deflate') return inflateSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw requestTooLarge(limit);
    throw new ApiError('InvalidRequest', `The request body is not valid ${coding} data.`);
  }
  throw new ApiError('InvalidRequest', `The content encoding ${coding} is not supported.`, 415);
}
