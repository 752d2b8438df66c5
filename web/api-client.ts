/**
 * The client of the RA-BLIP API (functions/api) for the page and the CLI: bearer key, JSON in and out, and API
 * errors turned into one `ApiError` with the server's code and message. The types mirror `functions/api/api-schemas.ts`
 * as far as the clients read them (the page cannot bundle zod-openapi, so they are restated here).
 * @module
 */

/** One retrieved reference of an answer, as the API reports it. */
export interface Evidence {
  readonly id: string;
  readonly modality: 'image' | 'text';
  /** Image items. */
  readonly caption?: string;
  /** Text items. */
  readonly text?: string;
  readonly title?: string;
  readonly source?: string;
  readonly imageUrl?: string;
  /** Retrieval score (cosine similarity). */
  readonly score: number;
  /** Whether the generator named this reference as relevant (ASKG). */
  readonly relevant: boolean;
}

export interface AnswerResponse {
  readonly answer: string;
  readonly abstained: boolean;
  /** With a question image: whether it matched a stored image (visual entity linking). */
  readonly questionImage?: { readonly linked: boolean };
  readonly evidence: readonly Evidence[];
  readonly usage: { readonly promptTokens: number; readonly generatedTokens: number; readonly modelMs: number };
  /** Milliseconds per stage: `{ embedMs, retrieveMs, assembleMs, generateMs, totalMs }`. */
  readonly timings: Readonly<Record<string, number>>;
}

/** One knowledge record of `POST /v1/knowledge` (the JSONL record shape; images as base64). */
export interface KnowledgeRecord {
  readonly id?: string;
  readonly title?: string;
  readonly text?: string;
  readonly image?: string;
  readonly caption?: string;
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

export interface IngestJob {
  readonly id: string;
  readonly source?: string;
  readonly state: 'queued' | 'done' | 'failed';
  readonly counts?: { readonly ingested: number; readonly skipped: number; readonly rejected: number };
  readonly errors?: readonly string[];
}

/** An API error: HTTP status, the server's stable code, and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: () => string,
  ) {}

  ask(question: string, image?: string, topK?: number): Promise<AnswerResponse> {
    return this.json<AnswerResponse>('POST', '/v1/answer', {
      question,
      ...(image ? { image } : {}),
      ...(topK ? { topK } : {}),
    });
  }

  /** Sends records for ingestion (all or nothing); returns the job, to poll while it is queued. */
  addKnowledge(items: readonly KnowledgeRecord[]): Promise<IngestJob> {
    return this.json<IngestJob>('POST', '/v1/knowledge', { items });
  }

  job(id: string): Promise<IngestJob> {
    return this.json<IngestJob>('GET', `/v1/ingest/jobs/${encodeURIComponent(id)}`);
  }

  /** The image of a knowledge item, as an object URL (the image route needs the bearer key, so no plain `<img src>`). */
  async imageUrl(evidence: Evidence): Promise<string> {
    const path = evidence.imageUrl ?? `/v1/knowledge/${encodeURIComponent(evidence.id)}/image`;
    const response = await fetch(new URL(path, this.baseUrl), { headers: this.headers() });
    if (!response.ok) throw await toApiError(response);
    return URL.createObjectURL(await response.blob());
  }

  private headers(): Record<string, string> {
    const key = this.apiKey().trim();
    return key ? { authorization: `Bearer ${key}` } : {};
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { ...this.headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await toApiError(response);
    return (await response.json()) as T;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } | string; message?: string };
    const error = typeof body.error === 'object' ? body.error : { code: body.error, message: body.message };
    return new ApiError(response.status, error.code ?? 'error', error.message ?? text);
  } catch {
    return new ApiError(response.status, 'error', text || response.statusText);
  }
}
