/**
 * Request body limit: over it, `payload_too_large` (413) before the body is parsed.
 *
 * Under `@hono/node-server` the body is also read straight from Node's `IncomingMessage` into `c.req.bodyCache`,
 * where `c.req.json()` and `c.req.text()` (and the route validators through them) look first.
 * Without that, reading the body builds a WHATWG `Request` over two nested web streams of the socket, which cost
 * more per answer than the JSON parse and the schema check together. Elsewhere (the Lambda handler, `app.request`
 * in tests) Hono's `bodyLimit` does the job.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../../src/core/errors.js';
import { nodeIncoming } from '../node-bindings.js';

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `request body is over the limit of ${maxBytes} bytes`);
}

/**
 * The whole body of `incoming`, or a rejection as soon as it passes `maxBytes`. The rest of an over-long body is left
 * unread: `@hono/node-server` drains it once the response is out.
 */
function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (incoming.readableEnded) {
      reject(new AppError('invalid_input', 'the request body was read already'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void): void => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.pause();
        settle(() => reject(tooLarge(maxBytes)));
      } else chunks.push(chunk);
    };
    const onEnd = (): void => settle(() => resolve(Buffer.concat(chunks, size)));
    const onError = (error: Error): void =>
      settle(() => reject(new AppError('invalid_input', 'the request body could not be read', { cause: error })));
    const onClose = (): void => settle(() => reject(new AppError('invalid_input', 'the request body ended early')));
    incoming.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

/** Serves `text` and `arrayBuffer` of the body cache from one read of the body, made by `read` on first use. */
function serveBody(bodyCache: object, read: () => Promise<Buffer>): void {
  let body: Promise<Buffer> | undefined;
  const bytes = (): Promise<Buffer> => (body ??= read());
  Object.defineProperties(bodyCache, {
    // `TextDecoder` decodes as `Request.text()` does: UTF-8, a leading BOM dropped, bad bytes replaced.
    text: { enumerable: true, configurable: true, get: () => bytes().then((b) => new TextDecoder().decode(b)) },
    arrayBuffer: {
      enumerable: true,
      configurable: true,
      get: () => bytes().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
    },
  });
}

export function limitBody(maxBytes: number) {
  const viaHono = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return createMiddleware(async function limitBody(c, next) {
    const incoming = nodeIncoming(c.env);
    if (incoming === undefined || c.req.method === 'GET' || c.req.method === 'HEAD') return viaHono(c, next);
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) {
      // A body of unknown length is read (and limited) here, as `bodyLimit` does, so that going over is a 413.
      const body = await readBody(incoming, maxBytes);
      serveBody(c.req.bodyCache, async () => body);
    } else {
      // The HTTP parser stops the body at the declared length, so a declared length within the limit keeps to it;
      // the read waits for the first reader (the validators, after authentication).
      if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
      serveBody(c.req.bodyCache, () => readBody(incoming, maxBytes));
    }
    await next();
  });
}
