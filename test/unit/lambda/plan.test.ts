import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RProject } from '../../../src/core/project/model';
import { planLambda } from '../../../src/targets/lambda/plan';

const root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lplan-'));
const project: RProject = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the Lambda plan', () => {
  it('holds every request as data, with the defaults applied and the owner tags, and no zip inlined', () => {
    const plan = planLambda(project, { name: 'churn', settings: { region: 'eu-central-1' } });
    expect(plan.requests.map((r) => r.operation)).toEqual(['CreateRole', 'AttachRolePolicy', 'PublishLayerVersion', 'PublishLayerVersion', 'CreateFunction']);
    const create = plan.requests.at(-1)!.body as Record<string, unknown>;
    expect(create).toMatchObject({ FunctionName: 'rdeploy-churn', Runtime: 'provided.al2023', Handler: 'score.score', MemorySize: 1024, Timeout: 60, Architectures: ['x86_64'], Tags: { 'rdeploy-project': root, 'rdeploy-deployment': 'churn' } });
    expect(JSON.stringify(plan.requests)).not.toMatch(/UEsDB/); // a zip's base64 never goes into a plan
    expect(plan.facts?.find((f) => f.label === 'layers')?.value).toMatch(/built by the deploy/);
    expect(plan.warnings).toBeUndefined();
  });

  it('uses a given role instead of creating one', () => {
    const role = 'arn:aws:iam::123456789012:role/team-lambda';
    const plan = planLambda(project, { name: 'churn', settings: { role } });
    expect(plan.requests.map((r) => r.operation)).not.toContain('CreateRole');
    expect(plan.resources.map((r) => r.kind)).toEqual(['layers', 'function']);
    expect((plan.requests.at(-1)!.body as { Role: string }).Role).toBe(role);
  });

  it('warns about a public function URL, and plans the permission that opens it', () => {
    const plan = planLambda(project, { name: 'churn', settings: { url: 'NONE' } });
    expect(plan.warnings?.[0]).toMatch(/anyone who finds the function URL can call the model/);
    expect(plan.requests.map((r) => r.operation).slice(-2)).toEqual(['CreateFunctionUrlConfig', 'AddPermission']);
  });
});
