/**
 * The API path of a knowledge item's image, as evidence cards link it.
 * @module
 */

/** `/v1/knowledge/{id}/image`, with the id escaped. */
export function knowledgeImageUrl(id: string): string {
  return `/v1/knowledge/${encodeURIComponent(id)}/image`;
}
