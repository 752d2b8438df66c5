/**
 * The page's entry: wires the API key field, the ask form and the knowledge forms to the API client and renderers.
 * Bundled by `npm run build:web` into `web/dist/app.js` (no framework, no CDN).
 * @module
 */
import { ApiClient, ApiError, type KnowledgeRecord } from './api-client.js';
import {
  MAX_RECORDS_PER_UPLOAD,
  MAX_UPLOAD_BYTES,
  batchRecords,
  describeJob,
  imageRecord,
  parseJsonlRecords,
  pollJob,
  readBase64,
} from './knowledge-upload.js';
import { renderAnswer } from './render-answer.js';

const KEY_STORAGE = 'rablip.apiKey';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page is missing #${id}`);
  return node as T;
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  return error instanceof Error ? error.message : String(error);
}

const keyInput = byId<HTMLInputElement>('api-key');
keyInput.value = localStorage.getItem(KEY_STORAGE) ?? '';
byId<HTMLFormElement>('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem(KEY_STORAGE, keyInput.value.trim());
  byId('key-status').textContent = 'Saved in this browser.';
});

const api = new ApiClient(window.location.origin, () => keyInput.value);

const askForm = byId<HTMLFormElement>('ask-form');
const askButton = byId<HTMLButtonElement>('ask-submit');
const result = byId<HTMLElement>('result');
const askStatus = byId<HTMLElement>('ask-status');
askForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    const question = byId<HTMLTextAreaElement>('question').value.trim();
    const imageFile = byId<HTMLInputElement>('question-image').files?.[0];
    const topK = Number(byId<HTMLInputElement>('top-k').value) || undefined;
    if (!question) {
      askStatus.textContent = 'Type a question first.';
      return;
    }
    askButton.disabled = true;
    askStatus.textContent = 'Thinking…';
    try {
      const answer = await api.ask(question, imageFile ? await readBase64(imageFile) : undefined, topK);
      renderAnswer(result, answer, (e) => api.imageUrl(e));
      askStatus.textContent = answer.abstained ? 'The model abstained.' : 'Answered.';
    } catch (error) {
      result.replaceChildren();
      askStatus.textContent = `Error: ${describeError(error)}`;
    } finally {
      askButton.disabled = false;
    }
  })();
});

const uploadStatus = byId<HTMLElement>('upload-status');

/** Uploads records in batches the API accepts, following each job; reports local and server-side rejections. */
async function upload(records: readonly KnowledgeRecord[], localErrors: readonly string[]): Promise<void> {
  if (records.length === 0) {
    uploadStatus.textContent = `Nothing to upload. ${localErrors.join('; ')}`;
    return;
  }
  const batches = batchRecords(records, { maxItems: MAX_RECORDS_PER_UPLOAD, maxBytes: MAX_UPLOAD_BYTES });
  const done: string[] = [];
  try {
    for (const [index, batch] of batches.entries()) {
      const prefix = batches.length > 1 ? `Batch ${index + 1}/${batches.length}: ` : '';
      uploadStatus.textContent = `${prefix}uploading ${batch.length} item(s)…`;
      const job = await api.addKnowledge(batch);
      const last = await pollJob(api, job, (j) => (uploadStatus.textContent = `${prefix}${describeJob(j)}`));
      done.push(`${prefix}${describeJob(last)}`);
    }
    const skipped = localErrors.length ? `; skipped here: ${localErrors.join('; ')}` : '';
    uploadStatus.textContent = `${done.join(' ')}${skipped}`;
  } catch (error) {
    uploadStatus.textContent = `Upload failed: ${describeError(error)}`;
  }
}

byId<HTMLFormElement>('jsonl-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    const file = byId<HTMLInputElement>('jsonl-file').files?.[0];
    if (!file) return void (uploadStatus.textContent = 'Choose a .jsonl file first.');
    const { records, errors } = parseJsonlRecords(await file.text());
    await upload(records, errors);
  })();
});

byId<HTMLFormElement>('image-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    const file = byId<HTMLInputElement>('knowledge-image').files?.[0];
    const caption = byId<HTMLInputElement>('knowledge-caption').value.trim();
    if (!file || !caption) return void (uploadStatus.textContent = 'Choose an image and write its caption.');
    await upload([await imageRecord(file, caption, byId<HTMLInputElement>('knowledge-title').value.trim())], []);
  })();
});
