/**
 * The life cycle of one container process: loading -> ready -> draining. `/ping` reads it, invocations register
 * themselves in it, and SIGTERM waits on it until the last in-flight invocation has answered.
 * @module
 */
import type { ModelClient } from '../src/core/ports.js';
import type { BatchStats } from '../src/core/model/index.js';

/** The model as the container serves it: the port (already micro-batched) and its batching counters. */
export interface ServedModel {
  readonly client: ModelClient;
  readonly stats: BatchStats;
  release(): Promise<void>;
}

export type ContainerPhase = 'loading' | 'ready' | 'draining';

export class ContainerState {
  private served: ServedModel | undefined;
  private isDraining = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  get phase(): ContainerPhase {
    if (this.isDraining) return 'draining';
    return this.served ? 'ready' : 'loading';
  }

  /** The model, once loaded and while not draining. */
  get model(): ServedModel | undefined {
    return this.isDraining ? undefined : this.served;
  }

  /** The model, loaded or not, draining or not (for `/stats`). */
  get loadedModel(): ServedModel | undefined {
    return this.served;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  setModel(model: ServedModel): void {
    this.served = model;
  }

  /** Stops taking new invocations; those in flight finish. */
  startDraining(): void {
    this.isDraining = true;
  }

  /** Runs `work` as one in-flight invocation. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves when no invocation is in flight, or after `timeoutMs`; says which. */
  async waitIdle(timeoutMs: number): Promise<{ isIdle: boolean }> {
    if (this.inFlight === 0) return { isIdle: true };
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<{ isIdle: boolean }>((resolve) => this.idleWaiters.push(() => resolve({ isIdle: true })));
    const timeout = new Promise<{ isIdle: boolean }>((resolve) => {
      timer = setTimeout(() => resolve({ isIdle: false }), timeoutMs);
    });
    const result = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return result;
  }
}
