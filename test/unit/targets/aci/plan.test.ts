import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../../../src/core/project/loadProject';
import type { RProject } from '../../../../src/core/project/model';
import { resolveSettings } from '../../../../src/targets/config';
import type { AciPlanDetails } from '../../../../src/targets/aci/details';
import { planAci } from '../../../../src/targets/aci/plan';
import { aciDefaults, registryAuthOf } from '../../../../src/targets/aci/settings';

// `rdeploy plan --target aci --json`: pure (no credentials, no network), and its details keys
// (workflow, containerGroup, roleAssignments) are a contract other tools read.
let project: RProject;
beforeAll(async () => {
  project = await loadProject(path.join(__dirname, '../../../../examples/mtcars-glm'));
});
const plan = (settings: Record<string, unknown>) => planAci(project, { name: 'mtcars', settings });

describe('plan --target aci', () => {
  it('with a registry login: the workflow takes the password as a SecureString parameter whose value the plan never holds', () => {
    const p = plan({ resourceGroup: 'rg', registry: 'ghcr.io', subscription: '11111111-1111-1111-1111-111111111111' });
    const d = p.details as AciPlanDetails;
    expect(d.registryAuth).toBe('password');
    expect(d.workflow.properties.definition).toMatchObject({ parameters: { registryPassword: { type: 'SecureString' } } });
    expect(d.workflow.properties.parameters.registryPassword).toEqual({ value: '<registry password: set at deploy, never shown>' });
    expect(d.containerGroup.properties.imageRegistryCredentials).toEqual([{ server: 'ghcr.io', username: '<registry user: RDEPLOY_REGISTRY_USERNAME>', password: "@parameters('registryPassword')" }]);
    expect(d.containerGroup.identity).toBeUndefined();
    expect(d.roleAssignments.map((r) => [r.roleName, r.principal])).toEqual([['Azure Container Instances Contributor Role', 'workflow']]);
    expect(d.roleAssignments[0]!.scope).toBe('/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg');
    expect(p.resources.map((r) => r.kind)).toEqual(['image', 'workflow', 'role-assignment']);
  });

  it('with Azure Container Registry: a pull identity with AcrPull, and no password anywhere', () => {
    const p = plan({ resourceGroup: 'rg', registry: 'models.azurecr.io' });
    const d = p.details as AciPlanDetails;
    expect(d.registryAuth).toBe('identity');
    const identity = '/subscriptions/<subscription>/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-mtcars-pull';
    expect(d.containerGroup.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { [identity]: {} } });
    expect(d.containerGroup.properties.imageRegistryCredentials).toEqual([{ server: 'models.azurecr.io', identity }]);
    expect(JSON.stringify(d.workflow)).not.toMatch(/registryPassword|password/i);
    expect(d.roleAssignments.map((r) => `${r.roleName} → ${r.principal} @ ${r.scope}`)).toEqual([
      'AcrPull → pull-identity @ <ARM id of the registry models.azurecr.io>',
      'Azure Container Instances Contributor Role → workflow @ /subscriptions/<subscription>/resourceGroups/rg',
      `Managed Identity Operator → workflow @ ${identity}`,
    ]);
    expect(p.resources.map((r) => r.kind)).toEqual(['image', 'pull-identity', 'workflow', 'role-assignment', 'role-assignment', 'role-assignment']);
  });

  it('registryAuth: identity for the clouds\' ACR suffixes and a custom cloud\'s, password otherwise, and as set', () => {
    const s = (registry: string, registryAuth?: 'identity' | 'password') => aciDefaults({ registry, ...(registryAuth ? { registryAuth } : {}) });
    expect(registryAuthOf(s('a.azurecr.io'), { acrSuffix: 'azurecr.io' })).toBe('identity');
    expect(registryAuthOf(s('a.azurecr.cn'), { acrSuffix: 'azurecr.io' })).toBe('identity');
    expect(registryAuthOf(s('a.azurecr.local:5000'), { acrSuffix: 'azurecr.local' })).toBe('identity');
    expect(registryAuthOf(s('ghcr.io'), { acrSuffix: 'azurecr.io' })).toBe('password');
    expect(registryAuthOf(s('a.azurecr.io', 'password'), { acrSuffix: 'azurecr.io' })).toBe('password');
    expect(registryAuthOf(s('127.0.0.1:5000', 'identity'), { acrSuffix: 'azurecr.io' })).toBe('identity');
  });

  it('a schedule is a second workflow; placeholders stand where only the deploy knows', () => {
    const p = plan({ resourceGroup: 'rg', registry: 'ghcr.io', schedule: 'every monday at 08:30', scheduleInput: 'fleet' });
    const d = p.details as AciPlanDetails;
    expect(d.scheduleWorkflow!.properties.definition).toMatchObject({ triggers: { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Week', schedule: { weekDays: ['Monday'] } } } } });
    expect(d.scheduleWorkflow!.properties.parameters.schedulePayload).toEqual({ value: '<the payload fleet, as JSON text>' });
    expect(d.workflow.location).toBe("<the resource group's location>");
    expect(p.resources.at(-1)).toMatchObject({ kind: 'schedule', id: 'rdeploy-mtcars-schedule' });
    expect(p.requests.map((r) => `${r.service}:${r.operation}`)).toEqual(['docker:ImageBuild', 'docker:ImagePush', 'arm:PUT Microsoft.Logic/workflows', 'arm:PUT Microsoft.Authorization/roleAssignments', 'arm:PUT Microsoft.Logic/workflows']);
  });

  it('a setting that cannot be right is one sentence that names it', () => {
    expect(() => resolveSettings('aci', {}, ['schedule=every fortnight'])).toThrow(/schedule/);
    expect(() => resolveSettings('aci', {}, ['cpu=8'])).toThrow(/cpu/);
    expect(() => resolveSettings('aci', {}, ['cloud=http://management.example'])).toThrow(/cloud/);
    expect(() => resolveSettings('aci', {}, ['subscription=my-sub'])).toThrow(/subscription/);
    expect(resolveSettings('aci', {}, ['cloud=AzureChinaCloud', 'registryAuth=password'])).toMatchObject({ cloud: 'AzureChinaCloud', registryAuth: 'password' });
  });
});
