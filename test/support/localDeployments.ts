import type { RProject } from '../../src/core/project/model';
import type { DeploymentRecord } from '../../src/core/records/record';
import { standardConnections } from '../../src/targets/connections';
import { Deployments, type Work } from '../../src/targets/lifecycle/Deployments';
import { createLocalTarget, type LocalTargetOptions } from '../../src/targets/local';
import type { LogOptions, Plan } from '../../src/targets/Target';

/**
 * The local target driven the way the CLI and the extension drive it: through the lifecycle
 * (record first, lock, rollback, ownership checks), against the real engine. Tests may inject
 * small build inputs or readiness timeouts.
 */
export function localDeployments(options: LocalTargetOptions = {}) {
  const target = createLocalTarget(options);
  const deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests', targets: () => target });
  const at = (record: DeploymentRecord) => ({ root: record.projectRoot, record });
  return {
    deployments,
    plan: (project: RProject, o: { name: string; baseImage?: string; port?: number }): Plan =>
      deployments.plan(project, 'local', { name: o.name, baseImage: o.baseImage, settings: o.port !== undefined ? { port: o.port } : {} }),
    deploy: (plan: Plan, work: Work = {}) => deployments.deploy(plan, work),
    invoke: (record: DeploymentRecord, payload: string, work: Work = {}) => deployments.invoke(at(record), payload, work),
    logs: (record: DeploymentRecord, opts: LogOptions) => deployments.logs(at(record), opts),
    status: (record: DeploymentRecord) => deployments.status(at(record)),
    destroy: (record: DeploymentRecord, work: Work = {}) => deployments.destroy({ root: record.projectRoot, name: record.name }, work),
  };
}
