import sharp from 'sharp';
import { ModelRuntime, generateSequences, packImageQueries, packTokenBatch, resolveGenerationConfig } from './src/core/model/index.js';
const t0 = performance.now();
const rt = await ModelRuntime.load('build/bench-bundle', { intraOpNumThreads: 2 });
console.log('load', performance.now() - t0);
const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
async function median(n: number, f: () => Promise<unknown>) { const xs: number[] = []; for (let i = 0; i < n; i++) { const t = performance.now(); await f(); xs.push(performance.now() - t); } xs.sort((a, b) => a - b); return xs[Math.floor(n / 2)]!; }
console.log('embedText', await median(15, () => rt.embedText(['what is the capital of kyrgyzstan and what colour is its flag?'])));
console.log('embedKnowledge', await median(15, () => rt.embedKnowledge([{ kind: 'image', image: png, caption: 'a red flag with a yellow sun with forty rays' }])));
const [k1, k2] = await rt.embedKnowledge([{ kind: 'image', image: png, caption: 'a red flag' }, { kind: 'image', image: png, caption: 'tokyo tower at night' }]);
const refs = [
  { id: 'a', kind: 'image' as const, features: k1!.features!, caption: 'a red flag with a yellow sun with forty rays in the middle of it' },
  { id: 'b', kind: 'text' as const, text: "Kyrgyzstan's capital is Bishkek; population about 1.1 million in 2021, located in the north." },
  { id: 'c', kind: 'image' as const, features: k2!.features!, caption: 'tokyo tower at night, lit in orange and white' },
  { id: 'd', kind: 'text' as const, text: 'The flag of Kyrgyzstan is red with a yellow sun, adopted in 1992.' },
  { id: 'e', kind: 'text' as const, text: 'Bishkek was called Frunze during the Soviet era.' },
];
const req = { question: 'what is the capital of kyrgyzstan and what colour is its flag?', references: refs, options: { maxNewTokens: 16, minNewTokens: 16 } };
console.log('prompt len', rt.buildPrompt(req).inputIds.length);
console.log('generate', await median(9, () => rt.generate([req])));
const [q] = await rt.queryImageSlots([req]);
const p = rt.buildPrompt(req);
const enc = await rt.graphs.runGenEncoder(packTokenBatch([p.inputIds], 0), packImageQueries([q!], rt.manifest.dims.dQformer));
for (const n of [8, 64]) {
  const cfg = resolveGenerationConfig({ maxNewTokens: n, minNewTokens: n }, { eosTokenId: 102, decoderStartTokenId: 101 });
  const ms = await median(5, () => generateSequences(rt.graphs.decoderStep, rt.graphs.cacheDims, enc.state, [cfg]));
  console.log('decode', n, ms, ms / n);
}
const t = performance.now(); await rt.queryImageSlots([req]); console.log('qformer slots', performance.now() - t);
const t2 = performance.now(); await rt.graphs.runGenEncoder(packTokenBatch([p.inputIds], 0), packImageQueries([q!], rt.manifest.dims.dQformer)); console.log('gen enc', performance.now() - t2);
