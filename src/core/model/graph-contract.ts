/**
 * The graph table of docs/bundle-format.md as data: which tensors each graph takes and returns, with fixed dims named
 * after their `dims` entry. `checkManifestContract` holds a manifest to it, so a manifest whose own numbers disagree
 * (a tensor shape against `dims`, a missing `cross_{l}_k`) is refused before any session is created.
 * @module
 */
import { BundleMismatchError } from '../errors.js';
import { DYNAMIC_DIMS } from './manifest.js';
import type { BundleManifest, DynamicDim, GraphName, ModelDims, TensorSpec } from './manifest.js';

/** A dim of the contract: a literal, a named dynamic dim, a `dims` key, or the image `size`. */
type ContractDim = number | DynamicDim | keyof ModelDims | 'size';

interface ContractTensor {
  readonly name: string;
  readonly dtype: TensorSpec['dtype'];
  readonly shape: readonly ContractDim[];
  /** May be absent: `prompt_ids` exists only in a copy-head (pointer-generator) decoder, `reference_scores` only in
   * an encoder that reads retrieval scores. */
  readonly optional?: boolean;
}

interface GraphContract {
  readonly inputs: readonly ContractTensor[];
  readonly outputs: readonly ContractTensor[];
}

const f32 = (name: string, shape: ContractDim[]): ContractTensor => ({ name, dtype: 'float32', shape });
const i64 = (name: string, shape: ContractDim[]): ContractTensor => ({ name, dtype: 'int64', shape });

function perLayer(prefix: string, nLayers: number, shape: ContractDim[]): ContractTensor[] {
  const out: ContractTensor[] = [];
  for (let l = 0; l < nLayers; l++) out.push(f32(`${prefix}_${l}_k`, shape), f32(`${prefix}_${l}_v`, shape));
  return out;
}

/** The expected inputs and outputs of one graph, for a decoder of `nLayers` layers. */
function graphContract(graph: GraphName, nLayers: number): GraphContract {
  const ids = i64('input_ids', ['batch', 'seq']);
  const mask = i64('attention_mask', ['batch', 'seq']);
  const queryOutput = f32('query_output', ['batch', 'nQuery', 'dQformer']);
  const imageEmbeds = f32('image_embeds', ['batch', 'nPatch', 'dVit']);
  const cross = perLayer('cross', nLayers, ['batch', 'nHeads', 'enc_seq', 'dHead']);
  switch (graph) {
    case 'vision':
      return { inputs: [f32('pixel_values', ['batch', 3, 'size', 'size'])], outputs: [imageEmbeds] };
    case 'qformer':
      return { inputs: [imageEmbeds, ids, mask], outputs: [queryOutput] };
    case 'embed_text':
      return { inputs: [ids, mask], outputs: [f32('embedding', ['batch', 'dEmbed'])] };
    case 'embed_knowledge':
      return { inputs: [queryOutput, ids, mask], outputs: [f32('embedding', ['batch', 'dEmbed'])] };
    case 'gen_encoder':
      return {
        inputs: [
          i64('input_ids', ['batch', 'enc_seq']),
          i64('attention_mask', ['batch', 'enc_seq']),
          f32('image_queries', ['batch', 'n_image_tok', 'dQformer']),
          { ...f32('reference_scores', ['batch', 'n_ref']), optional: true },
        ],
        outputs: [f32('encoder_hidden', ['batch', 'enc_seq', 'dModel']), ...cross],
      };
    case 'gen_decoder':
      return {
        inputs: [
          i64('input_ids', ['batch', 1]),
          i64('encoder_attention_mask', ['batch', 'enc_seq']),
          { ...i64('prompt_ids', ['batch', 'enc_seq']), optional: true },
          ...cross,
          ...perLayer('past', nLayers, ['batch', 'nHeads', 'past', 'dHead']),
        ],
        outputs: [
          f32('logits', ['batch', 'vocab']),
          ...perLayer('present', nLayers, ['batch', 'nHeads', 'past_plus_1', 'dHead']),
        ],
      };
  }
}

const DYNAMIC = new Set<string>(DYNAMIC_DIMS);

/** What a contract dim must read in the manifest: a dynamic name, or the number it stands for. */
function resolveDim(dim: ContractDim, manifest: BundleManifest): number | string {
  if (typeof dim === 'number' || DYNAMIC.has(dim)) return dim;
  if (dim === 'size') return manifest.image.size;
  return manifest.dims[dim as keyof ModelDims] ?? `dims.${dim} (absent)`;
}

/** `[batch, 65, 192]`, the way shapes are written in errors. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

function checkTensors(
  graph: GraphName,
  role: 'input' | 'output',
  expected: readonly ContractTensor[],
  actual: readonly TensorSpec[],
  manifest: BundleManifest,
): void {
  const names = actual.map((t) => t.name);
  for (const spec of actual) {
    if (!expected.some((e) => e.name === spec.name)) {
      throw new BundleMismatchError(
        `manifest graph ${graph}: unexpected ${role} ${spec.name} (the contract lists ${expected.map((e) => e.name).join(', ')})`,
        { graph, tensor: spec.name },
      );
    }
  }
  for (const want of expected) {
    const spec = actual.find((t) => t.name === want.name);
    if (spec === undefined && want.optional === true) continue;
    if (spec === undefined) {
      throw new BundleMismatchError(
        `manifest graph ${graph}: missing ${role} ${want.name} (manifest lists ${names.join(', ') || 'none'})`,
        { graph, tensor: want.name },
      );
    }
    const wantShape = want.shape.map((d) => resolveDim(d, manifest));
    const sameShape = wantShape.length === spec.shape.length && wantShape.every((d, i) => d === spec.shape[i]);
    if (spec.dtype !== want.dtype || !sameShape) {
      const named = formatShape(want.shape);
      throw new BundleMismatchError(
        `manifest graph ${graph} ${role} ${want.name}: expected ${want.dtype} ${formatShape(wantShape)} ` +
          `(${named} from dims), manifest says ${spec.dtype} ${formatShape(spec.shape)}`,
        { graph, tensor: want.name },
      );
    }
  }
}

/** Throws `BundleMismatchError` when any graph in the manifest disagrees with the contract table or with `dims`. */
export function checkManifestContract(manifest: BundleManifest): void {
  for (const [graph, spec] of Object.entries(manifest.graphs) as [GraphName, BundleManifest['graphs'][GraphName]][]) {
    if (spec === undefined) continue;
    const contract = graphContract(graph, manifest.dims.nDecoderLayers);
    checkTensors(graph, 'input', contract.inputs, spec.inputs, manifest);
    checkTensors(graph, 'output', contract.outputs, spec.outputs, manifest);
  }
}
