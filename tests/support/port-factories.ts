/**
 * Factories for the inputs of storage ports: vectors, knowledge metadata, ingest jobs, usage records, key hashes.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IngestJob, KnowledgeMetadata, UsageRecord, VectorRecord } from '../../src/core/ports.js';

/** A fresh namespace (tenant) name, so tests sharing one index never see each other's vectors. */
export function freshNamespace(label = 'tenant'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** A deterministic L2-normalised vector `[dimensions]` from a seed (xorshift; not for anything but tests). */
export function unitVector(dimensions: number, seed: number): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const values = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = ((state >>> 0) / 4294967296) * 2 - 1;
  }
  return normalise(values);
}

/** A unit vector mostly along `axis`, with `spill` on the next axis: lets a test fix the ranking. */
export function axisVector(dimensions: number, axis: number, spill = 0): Float32Array {
  const values = new Float32Array(dimensions);
  values[axis % dimensions] = 1;
  values[(axis + 1) % dimensions] = spill;
  return normalise(values);
}

/** Inner product of two vectors, in float64. */
export function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] as number), 0);
}

export function knowledgeMetadata(overrides: Partial<KnowledgeMetadata> = {}): KnowledgeMetadata {
  return {
    modality: 'text',
    content: 'The capital of Peru is Lima.',
    source: 'countries.jsonl',
    modelVersion: 'ra-blip-demo@1.0.0',
    ...overrides,
  };
}

/** An image item's metadata, with every optional field set. */
export function imageMetadata(overrides: Partial<KnowledgeMetadata> = {}): KnowledgeMetadata {
  return knowledgeMetadata({
    modality: 'image',
    content: 'The flag of Peru: red, white, red vertical bands.',
    title: 'Flag of Peru',
    imageKey: 'tenant/images/peru.png',
    featuresKey: 'tenant/features/peru.f32',
    ...overrides,
  });
}

export function vectorRecord(id: string, values: Float32Array, metadata = knowledgeMetadata()): VectorRecord {
  return { id, values, metadata };
}

export function ingestJob(overrides: Partial<IngestJob> = {}): IngestJob {
  return {
    id: `job-${randomUUID().slice(0, 8)}`,
    tenant: 'tenant-a',
    source: 'knowledge/countries.jsonl',
    state: 'queued',
    attempts: 0,
    updatedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}

export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return { tenant: 'tenant-a', requests: 1, modelMs: 12.5, promptTokens: 40, generatedTokens: 7, ...overrides };
}

/** The SHA-256 hex digest of a raw API key, as the stores hold it. */
export function keyHashOf(rawKey: string): string {
  return createHash('sha256').update(rawKey).digest('hex');
}

function normalise(values: Float32Array): Float32Array {
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}
