import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { readRecord } from '../../src/core/records/store';
import type { AciPlanDetails, AciRecordDetails } from '../../src/targets/aci/details';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { AcrDouble, ArmDouble } from '../doubles/azure';
import { signInToDouble } from '../support/azureEnv';
import { filesHolding } from '../support/awsEnv';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';

// Azure Container Registry without a password anywhere: the deploy pushes with the deployer's
// Entra token exchanged at the registry (/oauth2/exchange), and each run's container group pulls
// as the deployment's user-assigned identity, which holds AcrPull on the registry and nothing else.
// The ACR double checks both against the ARM double's role assignments.
const name = `acr-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const RG = 'rg-rdeploy-acr';
let arm: ArmDouble;
let acr: AcrDouble;
let tmp: string;
let project: RProject;
let deployments: Deployments;
let signOut: (() => void) | undefined;
const at = async () => ({ root: project.root, record: (await readRecord(project.root, name))! });

describe('the aci target with Azure Container Registry and managed identities', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    arm = await ArmDouble.start({ resourceGroups: [RG], label: `aci-acr-e2e-${process.pid}`, timeScale: 0.05 });
    acr = await AcrDouble.start({ arm, resourceGroup: RG });
    signOut = signInToDouble(arm);
    deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-acr-'));
    cpSync(path.join(__dirname, '../../examples/mtcars-glm'), path.join(tmp, 'mtcars-glm'), { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    project = await loadProject(path.join(tmp, 'mtcars-glm'), {});
  });
  afterAll(async () => {
    await acr?.stop();
    await arm?.stop();
    signOut?.();
    rmSync(tmp, { recursive: true, force: true });
  });

  // A loopback registry is not *.azurecr.io: the setting says how to reach it.
  const plan = () => deployments.plan(project, 'aci', { name, baseImage: BASE_IMAGE, settings: { cloud: arm.url, resourceGroup: RG, registry: acr.loginServer, registryAuth: 'identity', timeoutMinutes: 10 } });

  it('deploys with no registry login at all: the push exchanges the Entra token, the pull identity gets AcrPull', async () => {
    expect((plan().details as AciPlanDetails).workflow.properties.parameters).not.toHaveProperty('registryPassword');
    const record = await deployments.deploy(plan());
    expect(record.status).toBe('running');
    const d = record.details as AciRecordDetails;
    expect(d.registryId).toBe(acr.registryId);
    expect(acr.calls('Exchange').length).toBeGreaterThan(0);
    const identity = arm.userAssignedIdentities.list().find((i) => i.name === `rdeploy-${name}-pull`)!;
    expect(identity.principalId).toBe(d.pullPrincipalId);
    const grants = arm.roleAssignments().map((a) => `${a.roleName} → ${a.principalId === d.pullPrincipalId ? 'pull identity' : a.principalId === d.principalId ? 'workflow' : 'other'} @ ${a.scope.split('/').slice(-2).join('/')}`);
    expect(grants).toEqual(expect.arrayContaining([`AcrPull → pull identity @ registries/${acr.name}`, `Azure Container Instances Contributor Role → workflow @ resourceGroups/${RG}`, `Managed Identity Operator → workflow @ userAssignedIdentities/rdeploy-${name}-pull`]));
  });

  it('each run pulls as the identity and R answers', async () => {
    const answer = await deployments.invoke(await at(), readFileSync(path.join(project.root, 'samples', 'one-car.json'), 'utf8'));
    expect(answer).toMatchObject({ ok: true, body: { transmission: 'manual' } });
    const group = arm.calls((c) => c.method === 'PUT' && c.path.includes('/containerGroups/'))[0]!.body as { identity?: { type: string }; properties: { imageRegistryCredentials: unknown[] } };
    expect(group.identity?.type).toBe('UserAssigned');
    // ARM ids compare without regard to case (the identity's own id says "resourcegroups").
    const [credential] = group.properties.imageRegistryCredentials as Array<{ server: string; identity: string }>;
    expect(credential!.server).toBe(acr.loginServer);
    expect(credential!.identity.toLowerCase()).toBe(((await at()).record.details.pullIdentityId as string).toLowerCase());
    // The refresh tokens were never written down.
    for (const call of acr.calls('Exchange')) expect(JSON.stringify(call)).not.toContain('refresh_token');
    expect(filesHolding(path.join(project.root, '.rdeploy'), 'refresh')).toEqual([]);
  });

  it('destroy removes the identity, its grants, the workflow and the image', async () => {
    await deployments.destroy({ root: project.root, name });
    expect(arm.userAssignedIdentities.list().filter((i) => i.name === `rdeploy-${name}-pull`)).toEqual([]);
    expect(arm.roleAssignments().filter((a) => ['AcrPull', 'Managed Identity Operator', 'Azure Container Instances Contributor Role'].includes(a.roleName))).toEqual([]);
    expect(arm.logic.workflow(`rdeploy-${name}`)).toBeUndefined();
    expect(await deployments.destroy({ root: project.root, name })).toBe('nothing-left');
  });
});
