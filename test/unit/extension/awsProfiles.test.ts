import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_REGIONS, awsConfigPath, effectiveProfile, parseAwsConfig, readAwsProfiles, regionChoices } from '../../../src/extension/deploy/awsProfiles';
import { catalogueEntry } from '../../../src/targets/catalogue';

// The shapes of ~/.aws/config the AWS CLI documents (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html):
// [default], [profile NAME], [sso-session NAME], [services NAME], nested sub-settings.
const CONFIG = [
  '\uFEFF# my AWS config',
  '[profile dev]',
  'region = eu-west-1',
  'output = json',
  '',
  '[default]',
  'region=us-east-1 ; the main one',
  'aws_access_key_id = AKIAEXAMPLE',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '',
  '[profile  prod ]   # production',
  'sso_session = corp',
  's3 =',
  '  region = ap-south-1',
  '  max_concurrent_requests = 20',
  '',
  '[sso-session corp]',
  'sso_region = us-east-1',
  'region = eu-north-1',
  '',
  '[services local-endpoints]',
  'lambda =',
  '  endpoint_url = http://127.0.0.1:4566',
  '',
  '[profile dev]',
  'region = eu-central-1',
  '',
  '[profile no-region]',
  '; nothing here',
].join('\r\n');

describe('the AWS config file, read for the Deploy wizard', () => {
  it('lists [default] first, then the [profile NAME] sections in file order, each once', () => {
    expect(parseAwsConfig(CONFIG).map((p) => p.name)).toEqual(['default', 'dev', 'prod', 'no-region']);
  });

  it("keeps a profile's own top-level region (the last one of a repeated section), never a nested or another section's", () => {
    expect(parseAwsConfig(CONFIG)).toEqual([
      { name: 'default', region: 'us-east-1' },
      { name: 'dev', region: 'eu-central-1' },
      { name: 'prod' },
      { name: 'no-region' },
    ]);
  });

  it('keeps nothing but names and regions: no key, secret or other value of the file', () => {
    const kept = JSON.stringify(parseAwsConfig(CONFIG));
    for (const secret of ['AKIAEXAMPLE', 'wJalrXUtnFEMI', 'corp', '127.0.0.1', 'json']) expect(kept).not.toContain(secret);
  });

  it('reads [profile default] as the default profile, and an empty file as no profiles', () => {
    expect(parseAwsConfig('[profile default]\nregion = sa-east-1\n')).toEqual([{ name: 'default', region: 'sa-east-1' }]);
    expect(parseAwsConfig('')).toEqual([]);
    expect(parseAwsConfig('region = eu-west-1\n[orphan]\nregion = eu-west-2')).toEqual([]);
  });

  it('finds the file where the AWS CLI does: AWS_CONFIG_FILE (with ~), else ~/.aws/config', () => {
    expect(awsConfigPath({}, '/home/ada')).toBe(path.join('/home/ada', '.aws', 'config'));
    expect(awsConfigPath({ AWS_CONFIG_FILE: '/etc/aws/config' }, '/home/ada')).toBe('/etc/aws/config');
    expect(awsConfigPath({ AWS_CONFIG_FILE: '~/work/aws-config' }, '/home/ada')).toBe(path.join('/home/ada', 'work', 'aws-config'));
    expect(awsConfigPath({ AWS_CONFIG_FILE: '  ' }, '/home/ada')).toBe(path.join('/home/ada', '.aws', 'config'));
  });

  it('reads a real file; a missing one is no profiles and no problem, an unreadable one says why', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-aws-'));
    const file = path.join(dir, 'config');
    writeFileSync(file, CONFIG);
    expect((await readAwsProfiles(file)).profiles.map((p) => p.name)).toEqual(['default', 'dev', 'prod', 'no-region']);
    expect(await readAwsProfiles(path.join(dir, 'missing'))).toEqual({ file: path.join(dir, 'missing'), profiles: [] });
    mkdirSync(path.join(dir, 'a-folder'));
    const folder = await readAwsProfiles(path.join(dir, 'a-folder'));
    expect(folder.profiles).toEqual([]);
    expect(folder.problem).toMatch(/EISDIR/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the profile the SDK would: the chosen one, else AWS_PROFILE, else default', () => {
    expect(effectiveProfile('dev', { AWS_PROFILE: 'prod' })).toBe('dev');
    expect(effectiveProfile(undefined, { AWS_PROFILE: 'prod' })).toBe('prod');
    expect(effectiveProfile(undefined, {})).toBe('default');
  });

  it("offers the profile's region first, then the common regions, each once", () => {
    const withKnown = regionChoices('eu-west-1');
    expect(withKnown[0]).toEqual({ id: 'eu-west-1', name: 'Europe (Ireland)', fromProfile: true });
    expect(withKnown.filter((r) => r.id === 'eu-west-1')).toHaveLength(1);
    expect(withKnown).toHaveLength(AWS_REGIONS.length);
    const withOther = regionChoices('us-gov-west-1');
    expect(withOther[0]).toEqual({ id: 'us-gov-west-1', name: undefined, fromProfile: true });
    expect(withOther).toHaveLength(AWS_REGIONS.length + 1);
    expect(regionChoices(undefined).map((r) => r.id)).toEqual(AWS_REGIONS.map((r) => r.id));
    expect(regionChoices(undefined).every((r) => !r.fromProfile)).toBe(true);
  });

  it('offers only regions the region setting accepts, and no region twice', () => {
    const region = catalogueEntry('lambda').settings.shape.region!;
    for (const r of AWS_REGIONS) expect(region.safeParse(r.id).success, r.id).toBe(true);
    expect(new Set(AWS_REGIONS.map((r) => r.id)).size).toBe(AWS_REGIONS.length);
  });
});
