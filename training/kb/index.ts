/**
 * Public surface of the knowledge-base and benchmark builder, for the evaluation, the local stack and tests.
 * @module
 */
export { scoreAnswer, normaliseAnswer, type AnswerScore, type Prediction } from './answer-accuracy.js';
export { buildKnowledgeBase, type KbBuildSummary } from './build-kb.js';
export { buildQuestions, type BuildQuestionsOptions, type QuestionStats } from './build-questions.js';
export { computeContentId, type ContentIdInput } from './content-id.js';
export { demoCountryCodes, demoEmojiCount } from './demo-subset.js';
export { readJsonl, writeJsonl } from './jsonl-file.js';
export {
  attributeRecordSchema,
  entityRecordSchema,
  knowledgeRecordSchema,
  pretrainRecordSchema,
  type AttributeRecord,
  type EntityRecord,
  type KnowledgeRecord,
  type PretrainRecord,
} from './kb-records.js';
export { parseKbOptions, type KbOptions } from './kb-options.js';
export {
  questionRecordSchema,
  type MatchRule,
  type QuestionRecord,
  type QuestionType,
  type Split,
} from './question-record.js';
export { templateFamilies, type TemplateFamily } from './question-templates.js';
