import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmDouble } from '../ArmDouble';
import type { LroState } from '../types';
import { ACR_NULL_USER, acrRefreshToken } from './acrLogin';
import { registryOf, type Engine } from './engine';
import { inaccessibleImage, transitioning } from './errors';
import { addEvent, type AciEvent, type GroupIdentityView, type GroupRecord } from './group';
import { sameId } from './identity';
import type { GroupSpec, RegistryCredential } from './spec';
import type { ContainerGroupView, ContainerInstanceService } from './types';
import { groupState } from './view';

/**
 * Container groups and their lifecycle. A created group runs for real: after Pending (3 s of
 * the real service × timeScale) and Creating (2 s × timeScale) each container's image is
 * pulled through the engine with the group's registry credentials (a credential naming a
 * user-assigned identity logs in as that identity, see acrLogin.ts) and run; provisioningState
 * becomes Succeeded once every container has started, or Failed (InaccessibleImage) when a pull
 * fails. Container exits are watched (docker wait), so views are current without polling.
 */
interface Exit {
  code: number;
  at: string;
}

export class ContainerGroups implements ContainerInstanceService {
  readonly groups = new Map<string, GroupRecord>();
  private readonly exits = new Map<string, Exit>();

  constructor(
    private readonly double: ArmDouble,
    readonly engine: Engine,
  ) {}

  get(id: string): GroupRecord | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** PUT: a new group, or a settled one replaced (its containers removed first). */
  async put(id: string, name: string, resourceGroup: string, spec: GroupSpec): Promise<{ rec: GroupRecord; created: boolean }> {
    const existing = this.get(id);
    if (existing && ['Pending', 'Creating', 'Deleting'].includes(existing.provisioning)) throw transitioning(name);
    if (existing) {
      cancel(existing);
      await this.removeContainers(existing);
    }
    const identity = this.resolveIdentity(spec, existing);
    const rec: GroupRecord = {
      id,
      name,
      resourceGroup,
      spec,
      ...(identity ? { identity } : {}),
      provisioning: 'Pending',
      stopped: false,
      dockerIds: new Map(),
      events: new Map(spec.containers.map((c) => [c.name, [] as AciEvent[]])),
      groupEvents: [],
      cancelled: false,
      abort: new AbortController(),
      settled: Promise.resolve(),
    };
    this.groups.set(id.toLowerCase(), rec);
    rec.settled = this.provision(rec).catch((e: unknown) => {
      rec.failure = { code: 'InternalServerError', message: `test double could not run the group: ${e instanceof Error ? e.message : String(e)}` };
      rec.provisioning = 'Failed';
    });
    return { rec, created: !existing };
  }

  /** The creation's operation status. */
  creation(rec: GroupRecord): LroState {
    if (rec.failure) return { status: 'Failed', error: rec.failure };
    if (rec.provisioning === 'Succeeded') return { status: 'Succeeded' };
    if (rec.cancelled) return { status: 'Canceled', error: { code: 'Canceled', message: `The operation on container group '${rec.name}' was canceled.` } };
    return { status: 'InProgress' };
  }

  /** DELETE: returns the deletion's status, polled by the operation. */
  delete(rec: GroupRecord): () => LroState {
    cancel(rec);
    rec.provisioning = 'Deleting';
    let state: LroState = { status: 'InProgress' };
    void (async () => {
      await rec.settled;
      await this.removeContainers(rec);
      this.groups.delete(rec.id.toLowerCase());
      state = { status: 'Succeeded' };
    })().catch((e: unknown) => {
      state = { status: 'Failed', error: { code: 'InternalServerError', message: String(e) } };
    });
    return () => state;
  }

  async stopGroup(rec: GroupRecord): Promise<void> {
    if (['Pending', 'Creating', 'Deleting'].includes(rec.provisioning)) throw transitioning(rec.name);
    rec.stopped = true;
    for (const id of rec.dockerIds.values()) await this.engine.stop(id);
  }

  async startGroup(rec: GroupRecord): Promise<void> {
    if (['Pending', 'Creating', 'Deleting'].includes(rec.provisioning)) throw transitioning(rec.name);
    rec.stopped = false;
    for (const [name, id] of rec.dockerIds) {
      this.exits.delete(id);
      await this.engine.start(id);
      addEvent(rec.events.get(name)!, 'Started', 'Started container');
      this.watch(id);
    }
  }

  views(): ContainerGroupView[] {
    return [...this.groups.values()].map((rec) => {
      const states = rec.spec.containers.map((c) => {
        const id = rec.dockerIds.get(c.name);
        if (!id) return undefined;
        const exit = this.exits.get(id);
        return { status: exit ? 'exited' : 'running', running: !exit, exitCode: exit?.code ?? 0, startedAt: '', finishedAt: exit?.at ?? '', restartCount: 0 };
      });
      return {
        id: rec.id,
        name: rec.name,
        resourceGroup: rec.resourceGroup,
        location: rec.spec.location,
        tags: { ...rec.spec.tags },
        provisioningState: rec.provisioning,
        state: groupState(rec, states),
        containers: rec.spec.containers.map((c, i) => {
          const dockerId = rec.dockerIds.get(c.name);
          const s = states[i];
          return {
            name: c.name,
            image: c.image,
            ...(dockerId ? { dockerId } : {}),
            state: !s ? 'Waiting' : s.running ? 'Running' : 'Terminated',
            ...(s && !s.running ? { exitCode: s.exitCode } : {}),
          };
        }),
      };
    });
  }

  async stop(): Promise<void> {
    for (const rec of this.groups.values()) cancel(rec);
    await Promise.all([...this.groups.values()].map(async (rec) => {
      await rec.settled;
      await this.removeContainers(rec);
    }));
    this.groups.clear();
    for (const id of await this.engine.labelled()) await this.engine.remove(id);
  }

  private async provision(rec: GroupRecord): Promise<void> {
    const scale = this.double.timeScale;
    const wait = (ms: number) => sleep(ms, undefined, { signal: rec.abort.signal }).catch(() => undefined);
    await wait(3000 * scale);
    if (rec.cancelled) return;
    rec.provisioning = 'Creating';
    await wait(2000 * scale);
    for (const c of rec.spec.containers) {
      if (rec.cancelled) return;
      const events = rec.events.get(c.name)!;
      addEvent(events, 'Pulling', `pulling image "${c.image}"`);
      try {
        await this.engine.pull(c.image, await this.pullCredentials(rec, c.image));
      } catch (e) {
        addEvent(events, 'Failed', `Failed to pull image "${c.image}": ${e instanceof Error ? e.message : String(e)}`, 'Warning');
        rec.failure = inaccessibleImage(c.image, rec.name);
        rec.provisioning = 'Failed';
        return;
      }
      addEvent(events, 'Pulled', `Successfully pulled image "${c.image}"`);
    }
    for (const c of rec.spec.containers) {
      if (rec.cancelled) return;
      const dockerName = `aci-${safe(this.engine.label)}-${rec.name}-${c.name}-${randomBytes(3).toString('hex')}`;
      const id = await this.engine.run(c, rec.spec.restartPolicy, rec.id, dockerName);
      rec.dockerIds.set(c.name, id);
      addEvent(rec.events.get(c.name)!, 'Started', 'Started container');
      this.watch(id);
    }
    if (!rec.cancelled) rec.provisioning = 'Succeeded';
  }

  /**
   * The identity block GET shows: a system-assigned principal (kept across updates, registered
   * in the directory), and each user-assigned identity's principal and client ids.
   */
  private resolveIdentity(spec: GroupSpec, existing: GroupRecord | undefined): GroupIdentityView | undefined {
    if (!spec.identity) return undefined;
    const { systemAssigned, userAssigned } = spec.identity;
    const view: GroupIdentityView = { type: systemAssigned && userAssigned.length > 0 ? 'SystemAssigned, UserAssigned' : systemAssigned ? 'SystemAssigned' : 'UserAssigned' };
    if (systemAssigned) {
      const principalId = existing?.identity?.principalId ?? randomUUID();
      if (!existing?.identity?.principalId) this.double.registerPrincipal(principalId, { principalType: 'ServicePrincipal', replicationDelayMs: this.double.userAssignedIdentities.replicationDelayMs });
      view.principalId = principalId;
      view.tenantId = this.double.tenantId;
    }
    if (userAssigned.length > 0) {
      view.userAssignedIdentities = {};
      for (const id of userAssigned) {
        const record = this.double.userAssignedIdentities.get(id);
        if (record) view.userAssignedIdentities[id] = { principalId: record.principalId, clientId: record.clientId };
      }
    }
    return view;
  }

  /** The credentials for the image's registry, an identity's turned into the null-GUID user and an ACR refresh token. */
  private async pullCredentials(rec: GroupRecord, image: string): Promise<RegistryCredential[]> {
    const host = registryOf(image);
    const out: RegistryCredential[] = [];
    for (const c of rec.spec.imageRegistryCredentials) {
      if (c.identity === undefined || c.server.toLowerCase() !== host.toLowerCase()) {
        out.push(c);
        continue;
      }
      const listed = rec.spec.identity?.userAssigned.find((id) => sameId(id, c.identity!));
      const record = listed ? this.double.userAssignedIdentities.get(listed) : undefined;
      if (!record) throw new Error(`the managed identity '${c.identity}' of the registry credential for '${c.server}' does not exist`);
      const refresh = await acrRefreshToken(c.server, this.double.tokenFor(record.principalId), this.double.tenantId);
      out.push({ server: c.server, username: ACR_NULL_USER, password: refresh });
    }
    return out;
  }

  /** Notes the container's exit when it comes (for views()). */
  private watch(id: string): void {
    void this.engine.wait(id).then(
      (code) => {
        if (code !== undefined) this.exits.set(id, { code, at: new Date().toISOString() });
      },
      () => undefined,
    );
  }

  private async removeContainers(rec: GroupRecord): Promise<void> {
    for (const id of rec.dockerIds.values()) await this.engine.remove(id);
  }
}

function cancel(rec: GroupRecord): void {
  rec.cancelled = true;
  rec.abort.abort();
}

function safe(label: string): string {
  return label.replace(/[^a-zA-Z0-9_.-]/g, '-');
}
