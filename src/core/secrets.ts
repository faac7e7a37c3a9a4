/**
 * The shapes secrets have in this product: SAS and callback signatures, AWS presigned-URL
 * signatures and other credentials in query strings, AWS access key ids and secret keys, credentials in URLs, storage account keys, private keys; and field names that
 * say "secret". Records refuse them (records/store.ts); every message a user reads has them
 * masked (`redactSecretText`), because text from R, a build or a container may quote a URL that
 * carries one (`cannot open URL '…?sv=…&sig=…'`).
 */
// A value already masked (`***`) is no secret: the lookaheads let masked text be written.
export const SECRET_VALUE = [
  /[?&](sig|secret|token|code|password|api[-_]?key)=(?!\*\*\*)/i,
  // AWS presigned URLs: SigV4 (X-Amz-*) and SigV2 (AWSAccessKeyId + Signature).
  /[?&](x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|signature)=(?!\*\*\*)/i,
  // An AWS credentials file or environment line.
  /aws_(secret_access_key|session_token)["']?\s*[=:]\s*["']?(?!\*\*\*)[^\s"']/i,
  // An AWS access key id (long-term AKIA, temporary ASIA).
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/,
  /:\/\/[^/\s:@]+:(?!\*\*\*@)[^/\s@]+@/,
  /AccountKey=(?!\*\*\*)/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];
export const SECRET_KEY = /(password|secret|token|accesskey|account_?key|private_?key|credential)/i;

export function looksSecret(text: string): boolean {
  return SECRET_VALUE.some((re) => re.test(text));
}

/** The text with every secret-shaped part replaced by `***`; the rest stays readable. */
export function redactSecretText(text: string): string {
  return text
    .replace(/([?&](?:sig|secret|token|code|password|api[-_]?key)=)[^&\s'"#]*/gi, '$1***')
    .replace(/([?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|signature)=)[^&\s'"#]*/gi, '$1***')
    .replace(/(aws_(?:secret_access_key|session_token)["']?\s*[=:]\s*["']?)[^\s"']+/gi, '$1***')
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '$1***')
    .replace(/(:\/\/[^/\s:@]+:)[^/\s@]+@/g, '$1***@')
    .replace(/(AccountKey=)[^;\s'"]*/gi, '$1***')
    .replace(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, '[a private key, not shown]');
}
