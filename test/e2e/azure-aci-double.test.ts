// The Container Instances part of the ARM double against the real Docker engine, driven only
// through the real @azure/arm-containerinstance client (signed in with the real
// ClientSecretCredential against the double's Entra ID): a group's image is pulled from a real
// registry with htpasswd auth using the group's imageRegistryCredentials, and runs as a real
// container whose exit, exit code and output the API reports.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerGroup, ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type Docker from 'dockerode';
import { ArmDouble } from '../doubles/azure';
import { ensureGlibcOnlyImage } from '../support/docker';
import { startRegistry, type TestRegistry } from '../support/registry';

const USER = 'aci-puller';
const PASSWORD = 'registry-pass-1';
const LABEL = `aci-e2e-${process.pid}`;
const RG = 'rg-aci';

let double: ArmDouble;
let registry: TestRegistry;
let client: ContainerInstanceManagementClient;
let image: string;

beforeAll(async () => {
  const base = ensureGlibcOnlyImage();
  registry = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  image = `${registry.host}/aci-test/glibc:1`;
  const { default: DockerCtor } = await import('dockerode');
  const docker = new DockerCtor();
  await docker.getImage(base).tag({ repo: `${registry.host}/aci-test/glibc`, tag: '1' });
  await push(docker, image, { username: USER, password: PASSWORD, serveraddress: registry.host });
  // The engine must not already hold it: the double has to pull it with the group's credentials.
  await docker.getImage(image).remove();

  double = await ArmDouble.start({ resourceGroups: [RG], timeScale: 0.01, label: LABEL });
  const { ClientSecretCredential } = await import('@azure/identity');
  const { ContainerInstanceManagementClient: Client } = await import('@azure/arm-containerinstance');
  const credential = new ClientSecretCredential(double.tenantId, double.deployer.clientId, double.deployer.clientSecret, {
    authorityHost: double.url,
    disableInstanceDiscovery: true,
  });
  client = new Client(credential, double.subscriptionId, { endpoint: double.url, credentialScopes: [`${double.url}.default`] });
}, 120_000);

afterAll(async () => {
  await double?.stop();
  await registry?.stop();
  for (const id of labelled()) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  try {
    execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
  } catch {
    // never pulled
  }
});

function labelled(): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=rdeploy-azure-double=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

async function push(docker: Docker, ref: string, authconfig: { username: string; password: string; serveraddress: string }): Promise<void> {
  const stream = (await docker.getImage(ref).push({ authconfig })) as NodeJS.ReadableStream;
  const out = await new Promise<Array<{ error?: string }>>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, o: Array<{ error?: string }>) => (e ? reject(e) : resolve(o))));
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`push ${ref}: ${failed.error}`);
}

function group(script: string, password = PASSWORD): ContainerGroup {
  return {
    location: 'westeurope',
    osType: 'Linux',
    restartPolicy: 'Never',
    tags: { 'rdeploy-test': LABEL },
    imageRegistryCredentials: [{ server: registry.host, username: USER, password }],
    containers: [
      {
        name: 'main',
        image,
        command: ['/bin/sh', '-c', script],
        resources: { requests: { cpu: 1, memoryInGB: 0.5 } },
        environmentVariables: [
          { name: 'GREETING', value: 'hello' },
          { name: 'SECRET', secureValue: 's3cret' },
        ],
      },
    ],
  };
}

/** Polls the group until its instance view reaches a terminal state (bounded). */
async function terminal(name: string): Promise<ContainerGroup> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const g = await client.containerGroups.get(RG, name);
    if (g.instanceView?.state === 'Succeeded' || g.instanceView?.state === 'Failed') return g;
    if (Date.now() > deadline) throw new Error(`group ${name} still ${g.instanceView?.state} after 30 s: ${JSON.stringify(g)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const FAST = { updateIntervalInMs: 50 };

describe('Container Instances double on the real engine', () => {
  it('pulls with the registry credentials, runs the command with the environment, and reports exit 0 and the logs', async () => {
    const created = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-ok', group('echo "$GREETING $SECRET"; echo to-stderr >&2'), FAST);
    expect(created.provisioningState).toBe('Succeeded');
    const done = await terminal('job-ok');
    expect(done.instanceView?.state).toBe('Succeeded');
    const state = done.containers[0]!.instanceView?.currentState;
    expect(state).toMatchObject({ state: 'Terminated', exitCode: 0, detailStatus: 'Completed' });
    expect(state?.startTime).toBeInstanceOf(Date);
    expect(state?.finishTime).toBeInstanceOf(Date);
    expect(done.containers[0]!.instanceView?.events?.map((e) => e.name)).toEqual(['Pulling', 'Pulled', 'Started']);
    // As the service does, GET leaves out secure values and registry passwords.
    expect(done.containers[0]!.environmentVariables).toEqual([{ name: 'GREETING', value: 'hello' }, { name: 'SECRET' }]);
    expect(done.imageRegistryCredentials).toEqual([{ server: registry.host, username: USER }]);

    const logs = await client.containers.listLogs(RG, 'job-ok', 'main');
    expect(logs.content).toContain('hello s3cret\n');
    expect(logs.content).toContain('to-stderr\n');
    const stamped = await client.containers.listLogs(RG, 'job-ok', 'main', { tail: 1, timestamps: true });
    expect(stamped.content?.trim().split('\n')).toHaveLength(1);
    expect(stamped.content).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // The container is real, labelled with the double's label and the group's id.
    const [view] = double.containerGroups().filter((g) => g.name === 'job-ok');
    expect(view).toMatchObject({ provisioningState: 'Succeeded', state: 'Succeeded', containers: [{ state: 'Terminated', exitCode: 0 }] });
    const labels = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Config.Labels}}', view!.containers[0]!.dockerId!], { encoding: 'utf8' })) as Record<string, string>;
    expect(labels).toMatchObject({ 'rdeploy-azure-double': LABEL, 'rdeploy-azure-group': view!.id.toLowerCase() });
  });

  it('a command that exits non-zero ends the group Failed with its exit code', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-fail', group('echo about to fail; exit 3'), FAST);
    const done = await terminal('job-fail');
    expect(done.instanceView?.state).toBe('Failed');
    expect(done.containers[0]!.instanceView?.currentState).toMatchObject({ state: 'Terminated', exitCode: 3, detailStatus: 'Error' });
    expect((await client.containers.listLogs(RG, 'job-fail', 'main')).content).toBe('about to fail\n');
  });

  it('a wrong registry password fails the creation with InaccessibleImage and runs nothing', async () => {
    const error = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-badpass', group('echo never', 'wrong-password'), FAST).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.message).toContain(`The image '${image}' in container group 'job-badpass' is not accessible. Please check the image and registry credential.`);
    const g = await client.containerGroups.get(RG, 'job-badpass');
    expect(g.provisioningState).toBe('Failed');
    const events = g.containers[0]!.instanceView?.events ?? [];
    expect(events.at(-1)).toMatchObject({ name: 'Failed', type: 'Warning' });
    expect(events.at(-1)?.message).toMatch(/unauthorized|authentication required/i);
    expect(double.containerGroups().find((v) => v.name === 'job-badpass')?.containers[0]?.dockerId).toBeUndefined();
  });

  it('stop terminates a running group, start runs it again', async () => {
    // A busy loop: the test image has a shell and nothing else (no sleep).
    const spec = group('echo started; while :; do :; done');
    spec.containers[0]!.resources = { requests: { cpu: 0.5, memoryInGB: 0.5 } };
    await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-loop', spec, FAST);
    expect((await client.containerGroups.get(RG, 'job-loop')).instanceView?.state).toBe('Running');
    await client.containerGroups.stop(RG, 'job-loop');
    const stopped = await client.containerGroups.get(RG, 'job-loop');
    expect(stopped.instanceView?.state).toBe('Stopped');
    expect(stopped.containers[0]!.instanceView?.currentState?.state).toBe('Terminated');
    await client.containerGroups.beginStartAndWait(RG, 'job-loop', FAST);
    const again = await client.containerGroups.get(RG, 'job-loop');
    expect(again.instanceView?.state).toBe('Running');
    expect(again.containers[0]!.instanceView?.events?.filter((e) => e.name === 'Started')).toHaveLength(2);
    await client.containerGroups.beginDeleteAndWait(RG, 'job-loop', FAST);
    expect(double.containerGroups().find((v) => v.name === 'job-loop')).toBeUndefined();
  });

  it('delete removes the container, then the group is gone', async () => {
    await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-del', group('echo bye'), FAST);
    const dockerId = double.containerGroups().find((v) => v.name === 'job-del')!.containers[0]!.dockerId!;
    expect(labelled()).toContain(dockerId.slice(0, 12));
    await client.containerGroups.beginDeleteAndWait(RG, 'job-del', FAST);
    expect(labelled()).not.toContain(dockerId.slice(0, 12));
    const gone = await client.containerGroups.get(RG, 'job-del').then(
      () => undefined,
      (e: unknown) => e as { statusCode?: number; code?: string },
    );
    expect(gone).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    // Deleting what does not exist is not an error (204).
    await client.containerGroups.beginDeleteAndWait(RG, 'job-del', FAST);
  });
});
