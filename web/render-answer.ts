/**
 * Renders an answer: the answer itself or a plain abstention notice, the timings, and one card per evidence item
 * (image thumbnail or text, retrieval score, and whether the model marked it relevant).
 * @module
 */
import type { AnswerResponse, Evidence } from './api-client.js';
import { formatTimings } from './format-timings.js';

/** Creates an element with a class and text. */
function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderEvidenceCard(evidence: Evidence, loadImage: (e: Evidence) => Promise<string>): HTMLElement {
  const card = element('li', `evidence ${evidence.relevant ? 'is-relevant' : 'is-irrelevant'}`);
  card.dataset['id'] = evidence.id;
  card.dataset['relevant'] = String(evidence.relevant);

  const header = element('div', 'evidence-header');
  const mark = element('span', 'relevance', evidence.relevant ? '✓ Relevant' : '✗ Not relevant');
  mark.setAttribute('aria-label', evidence.relevant ? 'marked relevant by the model' : 'not marked relevant');
  header.append(
    mark,
    element('span', 'modality', evidence.modality),
    element('span', 'score', `score ${evidence.score.toFixed(3)}`),
  );
  card.append(header);

  if (evidence.modality === 'image') {
    const img = element('img', 'thumbnail');
    img.alt = evidence.caption ?? evidence.title ?? 'knowledge image';
    img.width = 96;
    img.height = 96;
    loadImage(evidence).then(
      (url) => (img.src = url),
      () => img.replaceWith(element('p', 'thumbnail-missing', 'image unavailable')),
    );
    card.append(img);
  }
  if (evidence.title) card.append(element('p', 'evidence-title', evidence.title));
  card.append(element('p', 'evidence-text', evidence.caption ?? evidence.text ?? ''));
  card.append(element('p', 'evidence-id', evidence.id));
  return card;
}

/** Replaces the content of `target` with the rendering of `result`. */
export function renderAnswer(
  target: HTMLElement,
  result: AnswerResponse,
  loadImage: (e: Evidence) => Promise<string>,
): void {
  target.replaceChildren();
  const answer = element('section', result.abstained ? 'answer is-abstained' : 'answer');
  answer.setAttribute('aria-labelledby', 'answer-heading');
  const heading = element('h3', undefined, result.abstained ? 'No answer' : 'Answer');
  heading.id = 'answer-heading';
  answer.append(heading);
  answer.append(
    result.abstained
      ? element(
          'p',
          'abstention',
          'The model abstained: none of the retrieved knowledge was relevant to this question.',
        )
      : element('p', 'answer-text', result.answer),
  );
  if (result.abstained && result.questionImage?.linked === false) {
    answer.append(
      element(
        'p',
        'hint unlinked-image',
        'The picture matches no image in the knowledge base. If the question is not about the picture, ask again without it.',
      ),
    );
  }
  const timings = formatTimings(result.timings);
  if (timings) answer.append(element('p', 'timings', timings));
  target.append(answer);

  const evidenceHeading = element('h3', undefined, `Evidence (${result.evidence.length})`);
  const list = element('ol', 'evidence-list');
  list.setAttribute('aria-label', 'retrieved evidence');
  for (const evidence of result.evidence) list.append(renderEvidenceCard(evidence, loadImage));
  target.append(evidenceHeading, list);
}
