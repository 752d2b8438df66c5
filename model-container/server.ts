/**
 * Entry point of the model container (`serve`): parse the environment, start listening, load the bundle, and drain
 * on SIGTERM/SIGINT before exiting. Logs are one JSON object per line on stdout (CloudWatch in SageMaker).
 * @module
 */
import { parseContainerConfig } from './container-config.js';
import { loadServedModel } from './load-served-model.js';
import { startContainer, type ContainerLog } from './start-container.js';

const log: ContainerLog = (event, fields = {}) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);

const config = parseContainerConfig(process.env);
const container = await startContainer(config, (c) => loadServedModel(c, log), log);

container.ready.catch((error: unknown) => {
  log('load_failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

let isStopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (isStopping) return;
    isStopping = true;
    log('signal', { signal });
    void container.close().then(({ isDrained }) => process.exit(isDrained ? 0 : 1));
  });
}
