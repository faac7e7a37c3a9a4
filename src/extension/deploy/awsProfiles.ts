import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

// Choices for the Deploy wizard's `profile` and `region` settings of a target that needs cloud
// credentials: the profiles of the AWS config file and common regions. Only the config file is
// read, never `credentials`, and of it only section names and `region` keys are kept.

export interface AwsProfile {
  name: string;
  /** The profile's `region`, when the config file sets one. */
  region?: string;
}

/**
 * The profiles of an AWS config file, `default` first, then in file order: `[default]` and
 * `[profile NAME]` sections (`[sso-session …]`, `[services …]` and other sections are not profiles).
 * A profile's `region` is its top-level `region = …` line; nested (indented) lines are not read.
 */
export function parseAwsConfig(text: string): AwsProfile[] {
  const profiles = new Map<string, AwsProfile>();
  let current: AwsProfile | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const section = /^\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/.exec(trimmed);
    if (section) {
      const name = profileName(section[1]!);
      current = name === undefined ? undefined : (profiles.get(name) ?? { name });
      if (current && !profiles.has(current.name)) profiles.set(current.name, current);
      continue;
    }
    // An indented line continues the previous key (a nested s3 = … block): never a region of its own.
    if (!current || /^\s/.test(line)) continue;
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(trimmed);
    if (kv && kv[1]!.toLowerCase() === 'region') {
      const value = kv[2]!.replace(/\s+[#;].*$/, '').trim();
      if (value) current.region = value;
      else delete current.region;
    }
  }
  const all = [...profiles.values()];
  return [...all.filter((p) => p.name === 'default'), ...all.filter((p) => p.name !== 'default')];
}

function profileName(section: string): string | undefined {
  if (section === 'default') return 'default';
  const m = /^profile\s+(.+)$/.exec(section);
  return m ? m[1]!.trim() : undefined;
}

/** Where the AWS CLI and SDKs read the config file: `AWS_CONFIG_FILE`, else `~/.aws/config`. */
export function awsConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const given = env.AWS_CONFIG_FILE?.trim();
  if (!given) return path.join(home, '.aws', 'config');
  return given === '~' || given.startsWith('~/') || given.startsWith(`~${path.sep}`) ? path.join(home, given.slice(1)) : given;
}

/** The profiles of the config file; none when there is no file or it cannot be read (the user can still type one). */
export async function readAwsProfiles(file: string = awsConfigPath()): Promise<{ file: string; profiles: AwsProfile[]; problem?: string }> {
  try {
    return { file, profiles: parseAwsConfig(await readFile(file, 'utf8')) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { file, profiles: [], ...(code === 'ENOENT' ? {} : { problem: (e as Error).message }) };
  }
}

/** The profile whose region applies when the setting names none: `AWS_PROFILE`, else `default`, as the SDKs choose. */
export function effectiveProfile(chosen: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return chosen || env.AWS_PROFILE?.trim() || 'default';
}

/** Commercial AWS regions where Lambda runs, most used first (a region not listed can still be typed). */
export const AWS_REGIONS: readonly { id: string; name: string }[] = [
  { id: 'us-east-1', name: 'US East (N. Virginia)' },
  { id: 'us-east-2', name: 'US East (Ohio)' },
  { id: 'us-west-2', name: 'US West (Oregon)' },
  { id: 'us-west-1', name: 'US West (N. California)' },
  { id: 'eu-west-1', name: 'Europe (Ireland)' },
  { id: 'eu-central-1', name: 'Europe (Frankfurt)' },
  { id: 'eu-west-2', name: 'Europe (London)' },
  { id: 'eu-west-3', name: 'Europe (Paris)' },
  { id: 'eu-north-1', name: 'Europe (Stockholm)' },
  { id: 'eu-south-1', name: 'Europe (Milan)' },
  { id: 'eu-central-2', name: 'Europe (Zurich)' },
  { id: 'eu-south-2', name: 'Europe (Spain)' },
  { id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
  { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
  { id: 'ap-south-1', name: 'Asia Pacific (Mumbai)' },
  { id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
  { id: 'ap-northeast-3', name: 'Asia Pacific (Osaka)' },
  { id: 'ap-east-1', name: 'Asia Pacific (Hong Kong)' },
  { id: 'ca-central-1', name: 'Canada (Central)' },
  { id: 'sa-east-1', name: 'South America (São Paulo)' },
  { id: 'af-south-1', name: 'Africa (Cape Town)' },
  { id: 'me-south-1', name: 'Middle East (Bahrain)' },
  { id: 'me-central-1', name: 'Middle East (UAE)' },
  { id: 'il-central-1', name: 'Israel (Tel Aviv)' },
];

/**
 * The regions to offer: the profile's own region first (it is what applies when none is set),
 * then the common ones, each once. `profileRegion` may be one this list does not know.
 */
export function regionChoices(profileRegion: string | undefined): { id: string; name?: string; fromProfile: boolean }[] {
  const first = profileRegion ? [{ id: profileRegion, name: AWS_REGIONS.find((r) => r.id === profileRegion)?.name, fromProfile: true }] : [];
  return [...first, ...AWS_REGIONS.filter((r) => r.id !== profileRegion).map((r) => ({ ...r, fromProfile: false }))];
}
