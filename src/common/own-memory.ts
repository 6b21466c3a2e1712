/**
 * `bytes` in memory of its own: a Buffer that is a slice of a larger one (Node's pool, a zlib
 * output chunk) keeps the whole of it alive for as long as it is kept.
 */
export function ownMemory(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes;
  }
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}
