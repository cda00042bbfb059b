// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
// big-endian words. Sums are kept unfolded (plain numbers stay exact far beyond any packet size)
// so that partial sums, such as a pseudo-header and a payload, can be added before folding.

/** Adds the bytes [offset, offset + length) as big-endian 16-bit words to `sum`; an odd tail is padded with zero. */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, sum = 0): number {
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the value to store in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function internetChecksum(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
  return finishChecksum(onesComplementSum(bytes, offset, length));
}
