/**
 * Finds knowledge images that look (nearly) the same as another image of the same kind: Norway's flag is also
 * Svalbard's and Bouvet Island's, Chad's differs from Romania's by a shade. A question that shows such an image and
 * asks which entity it is has no single right answer, so the question builder skips it.
 * @module
 */
import { join } from 'node:path';
import sharp from 'sharp';

/** An image to compare, with the group it is compared within (all flags; all shapes; emoji of one subgroup). */
export interface TwinCandidate {
  readonly id: string;
  readonly group: string;
  readonly image: string;
}

/** Side of the thumbnails compared: coarse enough to ignore anti-aliasing, fine enough to keep stripes. */
const thumbSide = 12;

async function loadThumbnail(kbDir: string, image: string): Promise<Uint8Array> {
  return sharp(join(kbDir, image)).resize(thumbSide, thumbSide, { fit: 'fill' }).removeAlpha().raw().toBuffer();
}

function meanAbsoluteDifference(x: Uint8Array, y: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < x.length; i += 1) total += Math.abs((x[i] ?? 0) - (y[i] ?? 0));
  return total / x.length;
}

/**
 * Ids of images within `maxDifference` (mean absolute difference of 12×12 thumbnails, 0–255) of another image in
 * their group. The default 3 catches identical flags, Egypt/Yemen and the blue ensigns that differ only by a badge.
 */
export async function findImageTwins(
  kbDir: string,
  candidates: readonly TwinCandidate[],
  maxDifference = 3,
): Promise<Set<string>> {
  const thumbs = new Map<string, Uint8Array>();
  for (const c of candidates) thumbs.set(c.id, await loadThumbnail(kbDir, c.image));
  const groups = new Map<string, TwinCandidate[]>();
  for (const c of candidates) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const twins = new Set<string>();
  for (const members of groups.values()) {
    for (let i = 0; i < members.length; i += 1) {
      for (let j = i + 1; j < members.length; j += 1) {
        const x = members[i] as TwinCandidate;
        const y = members[j] as TwinCandidate;
        if (meanAbsoluteDifference(thumbs.get(x.id) as Uint8Array, thumbs.get(y.id) as Uint8Array) <= maxDifference) {
          twins.add(x.id);
          twins.add(y.id);
        }
      }
    }
  }
  return twins;
}
