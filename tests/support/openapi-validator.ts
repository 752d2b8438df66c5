/**
 * Request and response validation against an OpenAPI 3.0 document, with ajv. Used by the Pinecone emulator so that
 * every call the real SDK makes, and every answer the emulator gives, is checked against Pinecone's published spec.
 * @module
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type JsonObject = Record<string, unknown>;

/** One parameter of an operation, as the spec declares it. */
interface ParameterSpec {
  readonly name: string;
  readonly in: 'query' | 'header' | 'path' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonObject;
}

/** Validation result: `errors` is empty when the value conforms. */
export interface ValidationOutcome {
  readonly errors: readonly string[];
}

/** The checks of one operation (path template + method), compiled once. */
export interface CompiledOperation {
  readonly operationId: string;
  /** Header parameters the spec marks required, lower-cased. */
  readonly requiredHeaders: readonly string[];
  validateBody(body: unknown): ValidationOutcome;
  /** Query string, converted by the schema of each parameter (arrays collect repeated keys). */
  validateQuery(query: URLSearchParams): ValidationOutcome & { readonly values: JsonObject };
  validateResponse(status: number, body: unknown): ValidationOutcome;
}

/** An OpenAPI document with its operations compiled. `version` is `info.version` (Pinecone's API version). */
export interface OpenApiValidator {
  readonly version: string;
  /** The operation serving `method path`, with its path parameters, or undefined when the spec has none. */
  match(method: string, path: string): { operation: CompiledOperation; pathParams: Record<string, string> } | undefined;
}

/** Loads and compiles an OpenAPI 3.0 YAML file. `$ref`s to `#/components/...` resolve inside the same document. */
export function loadOpenApiValidator(specFile: string): OpenApiValidator {
  const document = parse(readFileSync(specFile, 'utf8')) as JsonObject;
  const documentId = `https://openapi.test/${basename(specFile)}`;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: documentId, components: toJsonSchema(document.components) });
  const compile = (schema: unknown): ValidateFunction =>
    ajv.compile(rebaseRefs(toJsonSchema(schema), documentId) as JsonObject);

  // Operations compile on first use: compiling all of a spec's operations up front takes over a second.
  const routes: { method: string; pattern: RegExp; names: string[]; spec: JsonObject; compiled?: CompiledOperation }[] =
    [];
  for (const [template, pathItem] of Object.entries(document.paths as JsonObject)) {
    for (const [method, spec] of Object.entries(pathItem as JsonObject)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
      routes.push({ method: method.toUpperCase(), pattern, names, spec: spec as JsonObject });
    }
  }
  return {
    version: String((document.info as JsonObject).version),
    match(method, path) {
      for (const route of routes) {
        const found = route.method === method.toUpperCase() ? route.pattern.exec(path) : null;
        if (!found) continue;
        const pathParams = Object.fromEntries(
          route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
        );
        route.compiled ??= compileOperation(route.spec, compile);
        return { operation: route.compiled, pathParams };
      }
      return undefined;
    },
  };
}

function compileOperation(operation: JsonObject, compile: (schema: unknown) => ValidateFunction): CompiledOperation {
  const parameters = (operation.parameters ?? []) as ParameterSpec[];
  const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
  const bodySchema = jsonContent(operation.requestBody)?.schema;
  const validateBody = bodySchema ? compile(bodySchema) : undefined;
  const bodyRequired = (operation.requestBody as JsonObject | undefined)?.required === true;
  const validateQuery = compile({
    type: 'object',
    properties: Object.fromEntries(queryParameters.map((parameter) => [parameter.name, parameter.schema ?? {}])),
    required: queryParameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  });
  const responses = new Map<string, ValidateFunction | undefined>();
  for (const [status, response] of Object.entries((operation.responses ?? {}) as JsonObject)) {
    const schema = jsonContent(response)?.schema;
    responses.set(status.toUpperCase(), schema ? compile(schema) : undefined);
  }
  return {
    operationId: String(operation.operationId),
    requiredHeaders: parameters.filter((p) => p.in === 'header' && p.required).map((p) => p.name.toLowerCase()),
    validateBody(body) {
      if (!validateBody) return { errors: body === undefined ? [] : ['this operation takes no request body'] };
      if (body === undefined) return { errors: bodyRequired ? ['request body is required'] : [] };
      return { errors: run(validateBody, body, 'body') };
    },
    validateQuery(query) {
      const values: JsonObject = {};
      for (const parameter of queryParameters) {
        const all = query.getAll(parameter.name);
        if (all.length === 0) continue;
        const type = parameter.schema?.type;
        values[parameter.name] =
          type === 'array' ? all : type === 'integer' || type === 'number' ? Number(all[0]) : all[0];
      }
      return { errors: run(validateQuery, values, 'query'), values };
    },
    validateResponse(status, body) {
      const key = [String(status), `${String(status)[0]}XX`, 'DEFAULT'].find((candidate) => responses.has(candidate));
      if (key === undefined) return { errors: [`status ${status} is not a documented response`] };
      const validate = responses.get(key);
      return { errors: validate ? run(validate, body, `response ${status}`) : [] };
    },
  };
}

function jsonContent(holder: unknown): { schema?: unknown } | undefined {
  const content = (holder as JsonObject | undefined)?.content as JsonObject | undefined;
  return content?.['application/json'] as { schema?: unknown } | undefined;
}

function run(validate: ValidateFunction, value: unknown, where: string): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) =>
    `${where}${error.instancePath} ${error.message ?? ''}`.trim(),
  );
}

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a `null` type alternative. The OpenAPI-only annotations
 * (`example`, `x-enum`, `discriminator`) stay: ajv ignores unknown keywords in non-strict mode, and `oneOf` does the
 * discriminating.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const converted = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, toJsonSchema(value)]));
  if (converted.nullable === true && typeof converted.type === 'string') converted.type = [converted.type, 'null'];
  return converted;
}

/** Points local `#/components/...` refs of an operation schema at the document registered under `documentId`. */
function rebaseRefs(node: unknown, documentId: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rebaseRefs(item, documentId));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${documentId}${value}`
        : rebaseRefs(value, documentId),
    ]),
  );
}
