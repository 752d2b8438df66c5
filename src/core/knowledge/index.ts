/**
 * Knowledge items, their ids, image checks and document parsers.
 * @module
 */
export { contentId, isKnowledgeId, KNOWLEDGE_ID_PATTERN, normaliseText, type IdentifiedContent } from './content-id.js';
export type { DocumentContext, SiblingReader } from './document-context.js';
export { readImageHeader, type ImageHeader } from './image-header.js';
export { imageContentType, inspectImage, type ImageLimits } from './inspect-image.js';
export type {
  ImageFormat,
  ImageKnowledgeItem,
  ItemAttributes,
  KnowledgeItem,
  ParsedDocument,
  RejectedEntry,
  TextKnowledgeItem,
} from './knowledge-item.js';
export {
  buildKnowledgeItem,
  describeZodError,
  KnowledgeLineSchema,
  MAX_CAPTION_CHARS,
  MAX_TEXT_CHARS,
  MAX_TITLE_CHARS,
  type KnowledgeLine,
} from './knowledge-line.js';
export { parseDocument, type DocumentInput } from './parse-document.js';
export { parseKnowledgeJsonl } from './parse-knowledge-jsonl.js';
export { parseWebqa } from './parse-webqa.js';
export { decodeBase64, ImageReferenceError, resolveImageReference } from './resolve-image-reference.js';
export { splitPassages, type Passage, type SplitOptions } from './split-passages.js';
