import type { ArmDouble } from '../ArmDouble';
import { ContainerGroups } from './ContainerGroups';
import { Engine } from './engine';
import { registerRoutes } from './routes';
import type { ContainerInstanceService } from './types';

export type { ContainerGroupView, ContainerInstanceService } from './types';
export { GROUP_LABEL, LABEL } from './engine';

/** The api-versions Microsoft.ContainerInstance serves (2023-05-01 is @azure/arm-containerinstance 9.1.0's). */
export const CONTAINER_INSTANCE_API_VERSIONS = ['2018-10-01', '2019-12-01', '2020-11-01', '2021-03-01', '2021-07-01', '2021-09-01', '2021-10-01', '2022-09-01', '2022-10-01-preview', '2023-02-01-preview', '2023-05-01'];

export function registerContainerInstance(double: ArmDouble): ContainerInstanceService {
  double.registerApiVersions('Microsoft.ContainerInstance', CONTAINER_INSTANCE_API_VERSIONS);
  const groups = new ContainerGroups(double, new Engine(double.options.docker, double.label, double.options.allowLocalImages ?? false));
  registerRoutes(double, groups);
  return groups;
}
