import { describe, expect, it } from 'vitest';
import { redactSecretText } from '../../../src/core/secrets';

describe('redactSecretText', () => {
  it('masks signatures, tokens, URL credentials, account keys and private keys, and keeps the rest readable', () => {
    expect(redactSecretText("cannot open URL 'https://a.blob.core.windows.net/c/m.rds?sv=2024-01&sig=AbC%2F12&se=x'")).toBe(
      "cannot open URL 'https://a.blob.core.windows.net/c/m.rds?sv=2024-01&sig=***&se=x'",
    );
    expect(redactSecretText('https://user:hunter2@registry.example/v2/')).toBe('https://user:***@registry.example/v2/');
    expect(redactSecretText('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=x')).toBe('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=x');
    expect(redactSecretText('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).not.toContain('MIIE');
    expect(redactSecretText('the handler failed: x must not be negative')).toBe('the handler failed: x must not be negative');
  });
});
