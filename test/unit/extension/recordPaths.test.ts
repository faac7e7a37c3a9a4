import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRootOfRecordPath } from '../../../src/core/view/recordPaths';

describe('projectRootOfRecordPath', () => {
  it('maps the records directory, its parent and a record file to the project root', () => {
    expect(projectRootOfRecordPath('/ws/proj/.rdeploy')).toBe('/ws/proj');
    expect(projectRootOfRecordPath('/ws/proj/.rdeploy/deployments')).toBe('/ws/proj');
    expect(projectRootOfRecordPath('/ws/proj/.rdeploy/deployments/api.json')).toBe('/ws/proj');
    expect(projectRootOfRecordPath('/ws/a/b/c/.rdeploy/deployments/api.json')).toBe('/ws/a/b/c');
  });

  it('ignores what is not a record path', () => {
    expect(projectRootOfRecordPath('/ws/proj/.rdeploy/payloads/p.json')).toBeUndefined();
    expect(projectRootOfRecordPath('/ws/proj/.rdeploy/payloads')).toBeUndefined();
    expect(projectRootOfRecordPath('/ws/proj/samples/one.json')).toBeUndefined();
    expect(projectRootOfRecordPath('/ws/proj/score.R')).toBeUndefined();
    expect(projectRootOfRecordPath('/.rdeploy')).toBe('/');
  });

  it('works with Windows paths', () => {
    expect(projectRootOfRecordPath('C:\\ws\\proj\\.rdeploy\\deployments\\api.json', path.win32)).toBe('C:\\ws\\proj');
  });
});
