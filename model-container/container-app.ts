/**
 * The container's HTTP app, speaking the SageMaker bring-your-own-container contract:
 * - `GET /ping`: 200 once the bundle is loaded, 503 while loading or draining;
 * - `POST /invocations`: one operation of the wire format (wire.ts), JSON in and out;
 * - `POST /endpoints/{name}/invocations`: the same, behind the SageMaker runtime front-end's error envelope, so the
 *   real `@aws-sdk/client-sagemaker-runtime` can be pointed at the container with its `endpoint` option;
 * - `GET /stats`: micro-batching counters.
 * @module
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../src/core/errors.js';
import { STATUS_BY_CODE } from '../functions/api/status-by-code.js';
import type { ContainerState } from './container-state.js';
import { runInvocation } from './run-invocation.js';
import { toModelErrorResponse } from './sagemaker-envelope.js';
import { MAX_INVOCATION_BYTES, invocationRequestSchema } from './wire.js';
import { toWireError } from './wire-error.js';

/** Reports one failed invocation (logging is the entry point's business). */
export type InvocationErrorListener = (error: unknown) => void;

/** Builds the container app over `state`. */
export function createContainerApp(state: ContainerState, onError: InvocationErrorListener = () => {}): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: MAX_INVOCATION_BYTES,
    onError: (c) =>
      errorResponse(c, new AppError('payload_too_large', `request body exceeds ${MAX_INVOCATION_BYTES} bytes`)),
  });

  app.get('/ping', (c) => (state.model ? c.json({ status: 'ready' }, 200) : c.json({ status: state.phase }, 503)));
  app.get('/stats', (c) =>
    c.json({ phase: state.phase, inFlight: state.inFlightCount, batches: state.loadedModel?.stats.snapshot() ?? {} }),
  );
  app.use('/endpoints/:name/invocations', async (c, next) => {
    await next();
    if (!c.res.ok) c.res = await toModelErrorResponse(c.res, c.req.param('name') ?? '');
  });
  // The whole handler counts as in flight, body reading included, so that draining waits for it.
  app.post('/invocations', limit, (c) => state.track(() => handleInvocation(c, state, onError)));
  app.post('/endpoints/:name/invocations', limit, (c) => state.track(() => handleInvocation(c, state, onError)));
  app.notFound((c) => errorResponse(c, new AppError('not_found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    onError(error);
    return errorResponse(c, error);
  });
  return app;
}

async function handleInvocation(
  c: Context,
  state: ContainerState,
  onError: InvocationErrorListener,
): Promise<Response> {
  const model = state.model;
  if (!model) return errorResponse(c, new AppError('model_unavailable', `model is ${state.phase}`));
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    return errorResponse(
      c,
      new AppError('invalid_input', `content type must be application/json, got "${contentType}"`),
    );
  }
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return errorResponse(c, new AppError('invalid_input', 'request body is not valid JSON'));
  }
  const parsed = invocationRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const message = `invalid invocation: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`;
    return c.json({ error: { code: 'invalid_input', message, issues } }, 400);
  }
  try {
    return c.json((await runInvocation(model.client, parsed.data)) as object, 200);
  } catch (error) {
    onError(error);
    return errorResponse(c, error);
  }
}

function errorResponse(c: Context, error: unknown): Response {
  const { code, body } = toWireError(error);
  return c.json(body, STATUS_BY_CODE[code]);
}
