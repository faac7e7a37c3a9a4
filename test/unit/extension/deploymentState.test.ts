import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/core/records/record';
import {
  canInvoke,
  deploymentContextValue,
  deploymentIcon,
  deploymentId,
  deploymentState,
  endpointHost,
  projectId,
} from '../../../src/core/view/deploymentState';

const record = (over: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  version: 1,
  name: 'mtcars-glm',
  target: 'local',
  status: 'running',
  projectRoot: '/p',
  handler: 'score.score',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  endpoint: 'http://127.0.0.1:8123',
  resources: [],
  details: {},
  ...over,
});

describe('deploymentState', () => {
  it('uses the record state before anything live is known', () => {
    expect(deploymentState(record(), undefined)).toBe('running');
    expect(deploymentState(record({ status: 'stopped' }), undefined)).toBe('stopped');
  });

  it('lets the live state win for a settled record', () => {
    expect(deploymentState(record(), { status: { state: 'stopped' } })).toBe('stopped');
    expect(deploymentState(record(), { status: { state: 'missing' } })).toBe('missing');
    expect(deploymentState(record({ status: 'stopped' }), { status: { state: 'running' } })).toBe('running');
  });

  it('keeps work in progress and failures over what the engine says', () => {
    for (const status of ['deploying', 'destroying', 'failed'] as const) {
      expect(deploymentState(record({ status }), { status: { state: 'running' } })).toBe(status);
    }
  });

  it('says unknown when the status could not be read', () => {
    expect(deploymentState(record(), { error: 'Docker is not running' })).toBe('unknown');
  });

  it('builds the contextValue menus match: deployment.<target>.<state>', () => {
    const r = record();
    expect(deploymentContextValue(r, deploymentState(r, { status: { state: 'running' } }))).toBe('deployment.local.running');
    expect(deploymentContextValue(r, 'failed')).toMatch(/^deployment\.local\.failed$/);
  });

  it('gives every state an icon, coloured where it matters', () => {
    expect(deploymentIcon('running')).toEqual({ id: 'vm-running', color: 'testing.iconPassed' });
    expect(deploymentIcon('failed').color).toBe('testing.iconFailed');
    expect(deploymentIcon('deploying').id).toMatch(/~spin$/);
  });

  it('offers invoke only where the model may answer', () => {
    expect(canInvoke('running')).toBe(true);
    expect(canInvoke('stopped')).toBe(false);
    expect(canInvoke('missing')).toBe(false);
  });

  it('has stable ids and short endpoint hosts', () => {
    expect(projectId('/w/p')).toBe('project:/w/p');
    expect(deploymentId('/w/p', 'x')).toBe('deployment:/w/p:x');
    expect(endpointHost('http://127.0.0.1:8123')).toBe('127.0.0.1:8123');
    expect(endpointHost('not a url')).toBe('not a url');
    expect(endpointHost(undefined)).toBeUndefined();
  });
});
