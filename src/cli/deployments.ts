import { standardConnections } from '../targets/connections';
import { Deployments } from '../targets/lifecycle/Deployments';

let instance: Deployments | undefined;

/** The CLI's deployments: the Docker engine found as the docker CLI finds it; locks say "the rdeploy CLI". */
export function deployments(): Deployments {
  instance ??= new Deployments({ connections: standardConnections(), tool: 'the rdeploy CLI' });
  return instance;
}
