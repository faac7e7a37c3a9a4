/** Every command id (package.json contributes.commands lists the same), registered at activation. */
export const COMMAND_IDS = [
  'rdeploy.deploy',
  'rdeploy.invoke',
  'rdeploy.openInvokePanel',
  'rdeploy.invokeLocally',
  'rdeploy.invokeLocalTwin',
  'rdeploy.map',
  'rdeploy.tailLogs',
  'rdeploy.stopTailing',
  'rdeploy.redeploy',
  'rdeploy.showDetails',
  'rdeploy.previewDockerfile',
  'rdeploy.destroy',
  'rdeploy.refresh',
  'rdeploy.savePayload',
  'rdeploy.copyText',
  'rdeploy.checkSetup',
] as const;
