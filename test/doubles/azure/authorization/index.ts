import type { ArmDouble } from '../ArmDouble';
import { registerRoleAssignments } from './roleAssignments';
import { registerRoleDefinitions } from './roleDefinitions';

/** The api-versions Microsoft.Authorization serves for role definitions and assignments. */
export const AUTHORIZATION_API_VERSIONS = [
  '2015-07-01',
  '2017-05-01',
  '2018-01-01-preview',
  '2018-09-01-preview',
  '2020-03-01-preview',
  '2020-04-01-preview',
  '2020-08-01-preview',
  '2020-10-01',
  '2020-10-01-preview',
  '2021-03-01-preview',
  '2022-01-01-preview',
  '2022-04-01',
  '2022-05-01-preview',
];

export function registerAuthorization(double: ArmDouble): void {
  double.registerApiVersions('Microsoft.Authorization', AUTHORIZATION_API_VERSIONS);
  registerRoleDefinitions(double);
  registerRoleAssignments(double);
}
