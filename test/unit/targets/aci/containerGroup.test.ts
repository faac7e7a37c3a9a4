import { describe, expect, it } from 'vitest';
import { containerGroupBody, JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV, RESULT_MARK, resultFromLogs } from '../../../../src/targets/aci/containerGroup';

// The container group body and the result the runtime frames in its logs (base64 between
// "[rdeploy-result:" and "]"), which the workflow and the local twin both read.
const frame = (result: string) => `${RESULT_MARK}${Buffer.from(result, 'utf8').toString('base64')}]`;

describe('resultFromLogs', () => {
  it('finds the framed result among the log lines', () => {
    const logs = ['Loading model…', 'scoring 3 rows', frame('{"score":[0.12,0.88]}'), 'done in 1.2 s', ''].join('\n');
    expect(resultFromLogs(logs)).toBe('{"score":[0.12,0.88]}');
  });

  it('takes the last framed result when there are several', () => {
    expect(resultFromLogs(`${frame('{"try":1}')}\nretrying\n${frame('{"try":2}')}\n`)).toBe('{"try":2}');
  });

  it('keeps UTF-8 and brackets: the frame is base64, which has no "]"', () => {
    expect(resultFromLogs(`x ${frame('{"name":"Zoë ✓","xs":[1,[2]]}')} y`)).toBe('{"name":"Zoë ✓","xs":[1,[2]]}');
  });

  it('is undefined without a framed result, or with an unterminated one', () => {
    expect(resultFromLogs('')).toBeUndefined();
    expect(resultFromLogs('Error in score(payload): object not found\nExecution halted\n')).toBeUndefined();
    expect(resultFromLogs(`${RESULT_MARK}eyJhIjoxfQ`)).toBeUndefined();
  });
});

describe('containerGroupBody', () => {
  const input = { location: 'westeurope', tags: { a: 'b' }, image: 'reg.azurecr.io/rdeploy/demo:1', cpu: 0.5, memoryGb: 1, payload: '{"x":1}' };

  it('runs the job command once (restart Never), the payload as a secure value', () => {
    const body = containerGroupBody(input);
    expect(body.properties).toMatchObject({ osType: 'Linux', sku: 'Standard', restartPolicy: 'Never' });
    expect(body.properties.containers).toEqual([
      {
        name: 'model',
        properties: {
          image: 'reg.azurecr.io/rdeploy/demo:1',
          command: JOB_COMMAND,
          resources: { requests: { cpu: 0.5, memoryInGB: 1 } },
          environmentVariables: [{ ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, secureValue: '{"x":1}' }],
        },
      },
    ]);
  });

  it('has registry credentials only when a registry is given', () => {
    expect(containerGroupBody(input).properties).not.toHaveProperty('imageRegistryCredentials');
    const registry = { server: 'reg.azurecr.io', username: 'reg', password: "@parameters('registryPassword')" };
    expect(containerGroupBody({ ...input, registry }).properties.imageRegistryCredentials).toEqual([registry]);
  });
});
