import type { CommandHandler } from '../registry';
import { checkSetup } from './checkSetup';
import { copyText } from './copyText';
import { deployModel } from './deployModel';
import { destroyDeployment } from './destroyDeployment';
import { invokeHandlerLocally } from './invokeHandlerLocally';
import { invokeLocalTwin } from './invokeLocalTwin';
import { invokeWithPayload } from './invokeWithPayload';
import { mapOverFile } from './mapOverFile';
import { openInvokePanel } from './openInvokePanel';
import { previewDockerfile } from './previewDockerfile';
import { redeploy } from './redeploy';
import { refresh } from './refresh';
import { savePayloadCommand } from './savePayloadCommand';
import { showDetails } from './showDetails';
import { stopTailing } from './stopTailing';
import { tailLogs } from './tailLogs';

/** Every command of the extension, by id (package.json contributes.commands lists the same ids). */
export const COMMANDS: Record<string, CommandHandler> = {
  'rdeploy.deploy': deployModel,
  'rdeploy.invoke': invokeWithPayload,
  'rdeploy.openInvokePanel': openInvokePanel,
  'rdeploy.invokeLocally': invokeHandlerLocally,
  'rdeploy.invokeLocalTwin': invokeLocalTwin,
  'rdeploy.map': mapOverFile,
  'rdeploy.tailLogs': tailLogs,
  'rdeploy.stopTailing': stopTailing,
  'rdeploy.redeploy': redeploy,
  'rdeploy.showDetails': showDetails,
  'rdeploy.previewDockerfile': previewDockerfile,
  'rdeploy.destroy': destroyDeployment,
  'rdeploy.refresh': refresh,
  'rdeploy.savePayload': savePayloadCommand,
  'rdeploy.copyText': copyText,
  'rdeploy.checkSetup': checkSetup,
};
