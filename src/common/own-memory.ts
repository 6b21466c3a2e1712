import { types } from 'node:util';

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

/**
 * `bytes` in shared memory of its own: a SharedArrayBuffer is shared, not copied, when posted to
 * another thread, so a document crosses from the upstream thread to the blob thread without a
 * copy on the main thread, where copies stall hits. Nothing writes to a document once made.
 */
export function sharedMemory(bytes: Buffer): Buffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (whole && types.isSharedArrayBuffer(bytes.buffer)) {
    return bytes;
  }
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(shared);
  return shared;
}

/** `bytes` outside shared memory: Fastify sends only bytes on an ArrayBuffer as bytes. */
export function ordinaryMemory(bytes: Buffer): Buffer {
  if (!types.isSharedArrayBuffer(bytes.buffer)) {
    return bytes;
  }
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}
