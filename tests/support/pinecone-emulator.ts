/**
 * An in-process emulator of a Pinecone serverless index, for the official SDK (`controllerHostUrl` and
 * `index({ host })` point at it). It serves the data-plane routes the SDK uses (upsert, query, fetch, delete,
 * describe_index_stats) and the control-plane `GET /indexes/{name}` that resolves an index name to its host.
 *
 * Every request (headers, query string, body) is checked against Pinecone's OpenAPI spec for API version 2026-04
 * (`../shared/specs/pinecone/*.oas.yaml` beside the repository, or `PINECONE_SPECS_DIR`) and answered 400 with the ajv errors when it does not
 * conform. Every response is checked too: a non-conforming one is recorded in `violations` and answered 500, and
 * `assertClean()` throws on it. On top of the schema it enforces the documented limits the schema cannot express
 * (1,000 records and 2 MB per upsert, 40 KB of metadata, no null metadata, the index dimension).
 * @module
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOpenApiValidator, type OpenApiValidator } from './openapi-validator.js';
import { PineconeNamespaces, type PineconeMetric } from './pinecone-namespaces.js';

/**
 * The specs live in `shared/` beside the repository root (CI clones the repository next to it); a clone elsewhere
 * points `PINECONE_SPECS_DIR` at the folder that holds them.
 */
function findSpec(file: string): string {
  const dir =
    process.env.PINECONE_SPECS_DIR ?? fileURLToPath(new URL('../../../shared/specs/pinecone/', import.meta.url));
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new Error(`Pinecone OpenAPI spec ${path} not found: clone beside shared/, or set PINECONE_SPECS_DIR`);
  }
  return path;
}

/** Pinecone's data-plane spec, API version 2026-04. */
export const PINECONE_DATA_SPEC = findSpec('db_data_2026-04.oas.yaml');
const CONTROL_SPEC = findSpec('db_control_2026-04.oas.yaml');

/** Body limit of one request (Pinecone: 2 MB per upsert). */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

export interface PineconeEmulatorOptions {
  /** The only key accepted in the `Api-Key` header. */
  readonly apiKey: string;
  readonly dimension: number;
  /** @default 'dotproduct' */
  readonly metric?: PineconeMetric;
  /** Name served by `GET /indexes/{name}`. @default 'rablip-test' */
  readonly indexName?: string;
}

/** One request as the emulator saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bodyBytes: number;
  readonly body: unknown;
}

export interface PineconeEmulator {
  /** `http://127.0.0.1:PORT`: both the index host and the control-plane URL. */
  readonly url: string;
  readonly indexName: string;
  readonly requests: RecordedRequest[];
  /** Responses that did not conform to the spec; `assertClean` throws if any. */
  readonly violations: string[];
  /** Answers the next `times` requests with `status` (a 5xx or 429), before any other check. */
  failNext(status: number, times: number): void;
  assertClean(): void;
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** Starts the emulator on 127.0.0.1 with an OS-chosen port. */
export async function startPineconeEmulator(options: PineconeEmulatorOptions): Promise<PineconeEmulator> {
  // Parsing a spec takes ~0.5 s; the control plane is only needed when a test resolves an index by name.
  const specs = new Map<string, OpenApiValidator>();
  const specFor = (file: string): OpenApiValidator => {
    const loaded = specs.get(file) ?? loadOpenApiValidator(file);
    specs.set(file, loaded);
    return loaded;
  };
  specFor(PINECONE_DATA_SPEC);
  const indexName = options.indexName ?? 'rablip-test';
  const store = new PineconeNamespaces(options.dimension, options.metric ?? 'dotproduct');
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const failures = { status: 0, remaining: 0 };
  let url = '';

  const server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const body = parseJson(raw);
      let reply: Reply;
      try {
        reply = answer(request, raw.length, body);
      } catch (error) {
        violations.push(`emulator crashed on ${request.method} ${request.url}: ${String(error)}`);
        reply = { status: 500, body: { code: 13, message: String(error) } };
      }
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        status: reply.status,
        bodyBytes: raw.length,
        body,
      });
      send(response, reply);
    });
  });

  /** Answers one request, then checks the answer, error answers included, against the operation's responses. */
  function answer(request: IncomingMessage, bodyBytes: number, body: unknown): Reply {
    const target = new URL(request.url ?? '/', 'http://emulator');
    const isControl = target.pathname.startsWith('/indexes');
    const spec = specFor(isControl ? CONTROL_SPEC : PINECONE_DATA_SPEC);
    const error = (status: number, code: number, grpc: string, message: string): Reply =>
      isControl ? { status, body: { status, error: { code: grpc, message } } } : { status, body: { code, message } };
    const matched = spec.match(request.method ?? 'GET', target.pathname);
    if (!matched) return error(404, 5, 'NOT_FOUND', `no route ${request.method} ${target.pathname}`);

    const reply = ((): Reply => {
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        return error(failures.status, 14, 'UNAVAILABLE', 'injected failure');
      }
      if (request.headers['api-key'] !== options.apiKey) return error(401, 16, 'UNAUTHENTICATED', 'Invalid API key.');
      const problems = checkHeaders(request, spec, matched.operation.requiredHeaders);
      if (bodyBytes > MAX_REQUEST_BYTES) problems.push(`request body is ${bodyBytes} bytes; the limit is 2 MB`);
      if (body === INVALID_JSON) problems.push('request body is not JSON');
      const query = matched.operation.validateQuery(target.searchParams);
      problems.push(...query.errors);
      if (body !== INVALID_JSON) problems.push(...matched.operation.validateBody(body).errors);
      if (problems.length > 0) return error(400, 3, 'INVALID_ARGUMENT', problems.join('; '));
      return route(matched.operation.operationId, body as Record<string, unknown>, query.values, matched.pathParams);
    })();

    const checked = matched.operation.validateResponse(reply.status, reply.body);
    if (checked.errors.length === 0) return reply;
    violations.push(`${matched.operation.operationId} ${reply.status}: ${checked.errors.join('; ')}`);
    return error(500, 13, 'INTERNAL', `emulator response violates the spec: ${checked.errors.join('; ')}`);
  }

  function route(
    operationId: string,
    body: Record<string, unknown>,
    query: Record<string, unknown>,
    pathParams: Record<string, string>,
  ): Reply {
    switch (operationId) {
      case 'upsertVectors':
        return store.upsert(body);
      case 'queryVectors':
        return store.query(body);
      case 'fetchVectors':
        return store.fetch(query);
      case 'deleteVectors':
        return store.delete(body);
      case 'describeIndexStats':
        return store.describeStats();
      case 'describe_index':
        return pathParams.index_name === indexName
          ? { status: 200, body: describeIndex(indexName, options.dimension, options.metric ?? 'dotproduct', url) }
          : {
              status: 404,
              body: { status: 404, error: { code: 'NOT_FOUND', message: `Index ${pathParams.index_name} not found` } },
            };
      default:
        return { status: 501, body: { code: 12, message: `${operationId} is not emulated` } };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    indexName,
    requests,
    violations,
    failNext(status, times) {
      failures.status = status;
      failures.remaining = times;
    },
    assertClean() {
      if (violations.length > 0)
        throw new Error(`Pinecone emulator responses violated the spec:\n${violations.join('\n')}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return INVALID_JSON;
  }
}

/** Required headers present, and the API version the one this spec describes. */
function checkHeaders(request: IncomingMessage, spec: OpenApiValidator, required: readonly string[]): string[] {
  const problems = required
    .filter((name) => request.headers[name] === undefined)
    .map((name) => `missing header ${name}`);
  const version = request.headers['x-pinecone-api-version'];
  if (version !== undefined && version !== spec.version) {
    problems.push(`X-Pinecone-Api-Version ${String(version)} is not ${spec.version}`);
  }
  return problems;
}

function describeIndex(name: string, dimension: number, metric: PineconeMetric, host: string): unknown {
  return {
    name,
    dimension,
    metric,
    host,
    deletion_protection: 'disabled',
    spec: {
      serverless: {
        cloud: 'aws',
        region: 'us-east-1',
        read_capacity: { mode: 'OnDemand', status: { state: 'Ready' } },
      },
    },
    status: { ready: true, state: 'Ready' },
    vector_type: 'dense',
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
