/**
 * What a parser may use besides the document's own bytes.
 * @module
 */
import type { ImageLimits } from './inspect-image.js';

/** Reads a file relative to the document's folder (`x.txt`, `images/1.png`); undefined when there is none. */
export type SiblingReader = (relativePath: string) => Promise<Uint8Array | undefined>;

/** The surroundings of one document being parsed. */
export interface DocumentContext {
  /** Absent for direct uploads, which can only carry base64 images. */
  readonly readSibling?: SiblingReader;
  readonly imageLimits: ImageLimits;
  /** Longest passage cut from a `.txt`/`.md` file. */
  readonly passageMaxChars: number;
}
