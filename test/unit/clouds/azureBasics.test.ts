import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownCloud, plannedCloud } from '../../../src/clouds/azure/clouds';
import { azureFailure, redactAzure } from '../../../src/clouds/azure/failure';
import { defaultSubscription } from '../../../src/clouds/azure/subscription';

describe('Azure clouds', () => {
  it('knows the public and sovereign clouds by the Azure CLI\'s names', () => {
    expect(knownCloud(undefined)?.resourceManager).toBe('https://management.azure.com/');
    expect(knownCloud('AzureChinaCloud')).toMatchObject({ authorityHost: 'https://login.chinacloudapi.cn/', acrSuffix: 'azurecr.cn' });
    expect(knownCloud('AzureUSGovernment')).toMatchObject({ resourceManager: 'https://management.usgovcloudapi.net/', authorityHost: 'https://login.microsoftonline.us/' });
    expect(knownCloud('https://management.local.azurestack.external')).toBeUndefined();
  });
  it('plans a custom cloud without asking it anything', () => {
    expect(plannedCloud('https://management.local.azurestack.external')).toMatchObject({ resourceManager: 'https://management.local.azurestack.external/', custom: true });
  });
});

describe('azureFailure', () => {
  const fail = (e: unknown) => azureFailure('Deploying', e).message;
  it('says how to sign in when there is no sign-in, and never quotes a signature', () => {
    expect(fail(Object.assign(new Error('ChainedTokenCredential authentication failed.'), { name: 'CredentialUnavailableError' }))).toMatch(/no Azure sign-in was found\. Run `az login`/);
    expect(fail(Object.assign(new Error('AADSTS7000215: Invalid client secret provided. Trace ID: 1\nCorrelation ID: 2'), { name: 'AuthenticationError' }))).toBe(
      'Deploying: Azure refused the sign-in (AADSTS7000215: Invalid client secret provided.). Sign in again with `az login`, or check the service principal\'s secret.',
    );
    expect(redactAzure('POST https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2F&sv=1.0&sig=AbC123')).toBe(
      'POST https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2F&sv=1.0&sig=<redacted>',
    );
    expect(fail(new Error('GET https://a.blob.core.windows.net/c?se=2026&sig=SeCrEt failed'))).not.toContain('SeCrEt');
  });
  it('names what to ask for or create', () => {
    expect(fail(Object.assign(new Error("The client 'a' with object id 'a' does not have authorization to perform action 'x' over scope 'y'."), { statusCode: 403, code: 'AuthorizationFailed' }))).toMatch(/lacks a permission .*Ask for Contributor/);
    expect(fail(Object.assign(new Error("Resource group 'rg' could not be found."), { statusCode: 404, code: 'ResourceGroupNotFound' }))).toBe("Deploying: Resource group 'rg' could not be found. Create it (`az group create`) or set resourceGroup to an existing one.");
    expect(fail(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toMatch(/Azure could not be reached/);
  });
});

describe('defaultSubscription', () => {
  it('is AZURE_SUBSCRIPTION_ID, else the Azure CLI\'s default (its profile has a byte-order mark), else none', async () => {
    expect(await defaultSubscription({ AZURE_SUBSCRIPTION_ID: 'abc' })).toBe('abc');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-az-'));
    writeFileSync(path.join(dir, 'azureProfile.json'), `\uFEFF${JSON.stringify({ subscriptions: [{ id: 'one', isDefault: false }, { id: 'two', isDefault: true }] })}`);
    expect(await defaultSubscription({ AZURE_CONFIG_DIR: dir })).toBe('two');
    expect(await defaultSubscription({ AZURE_CONFIG_DIR: path.join(dir, 'none') })).toBeUndefined();
  });
});
