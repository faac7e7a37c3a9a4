// The local twin runs a Batch task's container as Batch does: the command line split on spaces
// (Batch runs a container task's command without a shell) and the task's environment.
import { describe, expect, it } from 'vitest';
import { taskBody } from '../../../../src/targets/batch/bodies';
import { taskFrom } from '../../../../src/targets/batch/jobs';
import { taskContainer } from '../../../../src/targets/batch/twin';
import { JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV } from '../../../../src/targets/image/jobContainer';

const template = taskBody({ id: 'invoke', payload: '{}', image: 'myreg.azurecr.io/rdeploy/churn@sha256:00', registry: 'myreg.azurecr.io', identityId: '/subscriptions/s/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-churn-pull', retries: 0 });

describe('taskContainer', () => {
  it("the task's command line as the image's job command, and its environment with the payload", () => {
    const c = taskContainer(taskFrom(template, 'invoke', '{"mpg": 21, "cyl": 6}', 0));
    expect(c.command).toEqual(JOB_COMMAND);
    expect(c.env).toEqual([{ ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, value: '{"mpg": 21, "cyl": 6}' }]);
  });

  it('splits on any run of whitespace, with nothing empty; a variable without a value is empty', () => {
    const c = taskContainer({ ...template, commandLine: '  Rscript   /opt/rdeploy/main.R\tjob ', environmentSettings: [{ name: 'EMPTY' }, { name: 'TZ', value: 'UTC' }] });
    expect(c.command).toEqual(['Rscript', '/opt/rdeploy/main.R', 'job']);
    expect(c.env).toEqual([{ name: 'EMPTY', value: '' }, { name: 'TZ', value: 'UTC' }]);
  });
});
