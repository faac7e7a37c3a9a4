/** The same rule as saved payload names in core (`.rdeploy/payloads/<name>.json`). */
export { PAYLOAD_NAME } from '../../core/payloadName';

/** Lambda's synchronous request limit; nothing larger is worth sending from an editor. */
export const MAX_PAYLOAD_CHARS = 6 * 1024 * 1024;
