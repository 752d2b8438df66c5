/**
 * The deploy context: defaults, mode-dependent floors, and rejection of values SageMaker or API Gateway would refuse.
 */
import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../cdk/lib/deploy-config.js';

describe('parseDeployConfig', () => {
  it('defaults to Serverless Inference with the demo bundle', () => {
    expect(parseDeployConfig({})).toEqual({
      stackName: 'RaBlip',
      endpointMode: 'serverless',
      instanceType: 'ml.g5.xlarge',
      minInstanceCount: 0,
      maxInstanceCount: 2,
      targetInvocationsPerMinute: 120,
      serverlessMemoryMb: 3072,
      serverlessMaxConcurrency: 5,
      bundleDir: 'models/ra-blip-mini',
      placeholderBundleDir: 'cdk/placeholder-bundle',
      apiRateLimit: 50,
      apiBurstLimit: 100,
    });
  });

  it('keeps one instance by default in realtime mode and none in scale-to-zero mode', () => {
    expect(parseDeployConfig({ endpointMode: 'realtime' }).minInstanceCount).toBe(1);
    expect(parseDeployConfig({ endpointMode: 'scale-to-zero' }).minInstanceCount).toBe(0);
  });

  it('coerces the strings that `cdk -c key=value` passes', () => {
    const config = parseDeployConfig({
      endpointMode: 'realtime',
      minInstanceCount: '2',
      maxInstanceCount: '4',
      serverlessMemoryMb: '6144',
    });
    expect(config).toMatchObject({ minInstanceCount: 2, maxInstanceCount: 4, serverlessMemoryMb: 6144 });
  });

  it.each([
    [{ endpointMode: 'gpu' }, 'endpointMode'],
    [{ endpointMode: 'realtime', minInstanceCount: 0 }, 'minInstanceCount'],
    [{ minInstanceCount: 3, maxInstanceCount: 2 }, 'maxInstanceCount'],
    [{ serverlessMemoryMb: 1500 }, 'serverlessMemoryMb'],
    [{ serverlessMaxConcurrency: 201 }, 'serverlessMaxConcurrency'],
    [{ instanceType: 'g5.xlarge' }, 'instanceType'],
    [{ stackName: 'ra blip' }, 'stackName'],
    [{ alarmEmail: 'not-an-email' }, 'alarmEmail'],
  ])('rejects %j, naming %s', (context, key) => {
    expect(() => parseDeployConfig(context)).toThrow(key);
  });
});
