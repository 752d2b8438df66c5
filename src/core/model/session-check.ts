/**
 * Holds each ONNX session to its manifest entry: names, dtypes and shapes from `inputMetadata`/`outputMetadata`,
 * then one probe run with the smallest inputs, whose output shapes must be what the manifest promises. The probe
 * settles the dims an exporter left symbolic under an auto-generated name (torch writes names such as
 * `LayerNormalizationimage_embeds_dim_1` where shape inference lost a static dim); it also warms the session up.
 * @module
 */
import * as ort from 'onnxruntime-node';
import { BundleMismatchError } from '../errors.js';
import { DYNAMIC_DIMS } from './manifest.js';
import type { GraphName, GraphSpec, TensorSpec } from './manifest.js';
import { formatShape } from './graph-contract.js';

const VOCABULARY = new Set<string>(DYNAMIC_DIMS);

/** Sizes the probe gives each dynamic dim; outputs are checked against the same table. */
const PROBE_SIZES: Record<(typeof DYNAMIC_DIMS)[number], number> = {
  batch: 1,
  seq: 2,
  enc_seq: 2,
  past: 1,
  past_plus_1: 2,
  n_image_tok: 1,
  n_ref: 1,
};

function mismatch(graph: GraphName, tensor: string, expected: string, actual: string): BundleMismatchError {
  return new BundleMismatchError(
    `graph ${graph} tensor ${tensor}: manifest expects ${expected}, the ONNX file has ${actual}`,
    {
      graph,
      tensor,
    },
  );
}

/** True when a graph dim can stand for the manifest dim. An auto-named symbolic dim is left to the probe. */
function isDimCompatible(expected: number | string, actual: number | string): boolean {
  if (expected === actual) return true;
  if (typeof actual === 'string' && !VOCABULARY.has(actual)) return true;
  return false;
}

function checkValues(
  graph: GraphName,
  role: 'input' | 'output',
  specs: readonly TensorSpec[],
  metadata: readonly ort.InferenceSession.ValueMetadata[],
): void {
  for (const meta of metadata) {
    if (!specs.some((s) => s.name === meta.name)) {
      throw mismatch(graph, meta.name, `no ${role} named ${meta.name}`, `an ${role} ${meta.name}`);
    }
  }
  for (const spec of specs) {
    const meta = metadata.find((m) => m.name === spec.name);
    const expected = `${role} ${spec.dtype} ${formatShape(spec.shape)}`;
    if (meta === undefined) {
      const names = metadata.map((m) => m.name).join(', ');
      throw mismatch(graph, spec.name, expected, `no such ${role} (it has ${names})`);
    }
    if (!meta.isTensor) throw mismatch(graph, spec.name, expected, 'a non-tensor value');
    const actual = `${role} ${meta.type} ${formatShape(meta.shape)}`;
    if (meta.type !== spec.dtype || meta.shape.length !== spec.shape.length) {
      throw mismatch(graph, spec.name, expected, actual);
    }
    if (!spec.shape.every((d, i) => isDimCompatible(d, meta.shape[i]!)))
      throw mismatch(graph, spec.name, expected, actual);
  }
}

function probeShape(shape: TensorSpec['shape']): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : PROBE_SIZES[d]));
}

function probeTensor(spec: TensorSpec): ort.Tensor {
  const dims = probeShape(spec.shape);
  const size = dims.reduce((a, b) => a * b, 1);
  // Masks of ones and id 0 everywhere: a valid, fully attended input for every graph of the contract.
  if (spec.dtype === 'int64') {
    const fill = /mask/.test(spec.name) ? 1n : 0n;
    return new ort.Tensor('int64', new BigInt64Array(size).fill(fill), dims);
  }
  return new ort.Tensor('float32', new Float32Array(size), dims);
}

/**
 * Throws `BundleMismatchError` naming graph, tensor, expected and actual when the session's declared I/O or the
 * shapes of one probe run disagree with the manifest.
 */
export async function checkSession(graph: GraphName, session: ort.InferenceSession, spec: GraphSpec): Promise<void> {
  checkValues(graph, 'input', spec.inputs, session.inputMetadata);
  checkValues(graph, 'output', spec.outputs, session.outputMetadata);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of spec.inputs) feeds[input.name] = probeTensor(input);
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await session.run(feeds);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new BundleMismatchError(
      `graph ${graph} fails on inputs shaped as the manifest says: ${message}`,
      { graph },
      {
        cause: err,
      },
    );
  }
  for (const output of spec.outputs) {
    const dims = results[output.name]?.dims ?? [];
    const want = probeShape(output.shape);
    if (dims.length !== want.length || !want.every((d, i) => d === dims[i])) {
      throw mismatch(
        graph,
        output.name,
        `output ${formatShape(output.shape)} = ${formatShape(want)} on the probe`,
        `${formatShape(dims)} on the probe`,
      );
    }
  }
}
