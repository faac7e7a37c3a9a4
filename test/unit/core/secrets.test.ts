import { describe, expect, it } from 'vitest';
import { looksSecret, redactSecretText } from '../../../src/core/secrets';

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

  it('masks AWS presigned URLs (SigV4 and SigV2), secret keys and access key ids', () => {
    const v4 = "cannot open URL 'https://b.s3.amazonaws.com/m.rds?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2Vj&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcd'";
    expect(redactSecretText(v4)).toBe(
      "cannot open URL 'https://b.s3.amazonaws.com/m.rds?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=***&X-Amz-SignedHeaders=host&X-Amz-Signature=***'",
    );
    expect(redactSecretText('https://b.s3.amazonaws.com/m.rds?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1700000000&Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D')).toBe(
      'https://b.s3.amazonaws.com/m.rds?AWSAccessKeyId=***&Expires=1700000000&Signature=***',
    );
    expect(redactSecretText('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_session_token=FwoGZXIvYXdz')).toBe('aws_secret_access_key = ***\naws_session_token=***');
    expect(redactSecretText('"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG"')).toBe('"aws_secret_access_key": "***"');
    expect(redactSecretText('the key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A were refused')).toBe('the key AKIA*** and ASIA*** were refused');
  });

  it('flags AWS secrets in records but lets masked text and ordinary values through', () => {
    for (const secret of [
      'https://b.s3.amazonaws.com/m?X-Amz-Signature=abc',
      'https://b.s3.amazonaws.com/m?X-Amz-Credential=AKID%2F2024',
      'https://b.s3.amazonaws.com/m?X-Amz-Security-Token=tok',
      'https://b.s3.amazonaws.com/m?AWSAccessKeyId=AK&Signature=sig',
      'aws_secret_access_key=wJalrXUtnFEMI',
      'AKIAIOSFODNN7EXAMPLE',
    ]) expect(looksSecret(secret), secret).toBe(true);
    for (const plain of [
      redactSecretText('https://b.s3.amazonaws.com/m?X-Amz-Credential=AK&X-Amz-Security-Token=t&X-Amz-Signature=abc'),
      redactSecretText('https://b/m?AWSAccessKeyId=AK&Signature=sig'),
      redactSecretText('aws_secret_access_key = wJalrXUtnFEMI'),
      redactSecretText('AKIAIOSFODNN7EXAMPLE'),
      'http://127.0.0.1:8080',
      'http://localhost:9000/2015-03-31/functions/function/invocations',
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      '123456789012.dkr.ecr.eu-central-1.amazonaws.com/churn@sha256:9f86d081884c7d659a2feaa0c55ad015',
      'arn:aws:lambda:eu-central-1:123456789012:function:churn',
      'score.predict.glm',
      'AKIA-not-a-key',
      'the request Signature is computed by the SDK',
    ]) expect(looksSecret(plain), plain).toBe(false);
  });
});
