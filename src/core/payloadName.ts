/**
 * A saved payload's name: it becomes `.rdeploy/payloads/<name>.json`, so no separators and no
 * leading dot. Kept free of Node imports: the invoke panel's webview checks names with it too.
 */
export const PAYLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
