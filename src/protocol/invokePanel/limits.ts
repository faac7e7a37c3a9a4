/** The same rule as saved payload names in core (`.rdeploy/payloads/<name>.json`). */
export const PAYLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Lambda's synchronous request limit; nothing larger is worth sending from an editor. */
export const MAX_PAYLOAD_CHARS = 6 * 1024 * 1024;
