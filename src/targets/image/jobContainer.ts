import { PATHS } from '../../core/docker/restoreScript';

/*
 * How a cloud runs the model's image in the runtime's job mode (runtime/modes/job.R): one
 * payload in, the handler's answer as JSON on stdout, exit 0 (1 handler error, 2 bad payload,
 * 3 handler not loadable). Shared by every target that runs the image as a job (aci, batch).
 */

/** The image's own command, named explicitly so the cloud and the local twin run exactly the same. */
export const JOB_COMMAND = ['Rscript', `${PATHS.runtimeDir}/main.R`, 'job'];

/** The payload as JSON text (exactly one payload source may be set). */
export const PAYLOAD_ENV = 'RDEPLOY_PAYLOAD';

/** The payload as a file path inside the container (instead of PAYLOAD_ENV, for payloads too large for an environment variable). */
export const PAYLOAD_FILE_ENV = 'RDEPLOY_PAYLOAD_FILE';

/** The runtime's job mode prints its result once more, framed in base64, so a cloud can find it among the log lines. */
export const RESULT_FRAME_ENV = { name: 'RDEPLOY_RESULT_FRAME', value: 'base64' } as const;

/** What the framed result line starts with; it ends at the first "]" (base64 has none). */
export const RESULT_MARK = '[rdeploy-result:';

/** The handler's answer in a run's logs: the last framed result line, decoded; undefined when there is none. */
export function resultFromLogs(logs: string): string | undefined {
  const at = logs.lastIndexOf(RESULT_MARK);
  if (at < 0) return undefined;
  const end = logs.indexOf(']', at);
  if (end < 0) return undefined;
  return Buffer.from(logs.slice(at + RESULT_MARK.length, end), 'base64').toString('utf8');
}
