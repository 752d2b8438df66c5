/**
 * The Node request and response under `@hono/node-server`, which passes `{ incoming, outgoing }` as the app's env.
 * Middleware that can do better with them use them, and behave as before without them (Lambda, `app.request`).
 * @module
 */
import { IncomingMessage, ServerResponse } from 'node:http';

function binding(env: unknown, name: 'incoming' | 'outgoing'): unknown {
  return typeof env === 'object' && env !== null && name in env
    ? (env as Record<typeof name, unknown>)[name]
    : undefined;
}

/** The `IncomingMessage` of the request, when the app runs under `@hono/node-server`. */
export function nodeIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = binding(env, 'incoming');
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** The `ServerResponse` of the request, when the app runs under `@hono/node-server`. */
export function nodeOutgoing(env: unknown): ServerResponse | undefined {
  const outgoing = binding(env, 'outgoing');
  return outgoing instanceof ServerResponse ? outgoing : undefined;
}
