import { afterEach, describe, expect, it } from 'vitest';
import { IamDouble, LogsDouble, SchedulerDouble, StsDouble } from '../../doubles/aws';

// Every double here is driven only through the real SDK v3 clients, pointed at the double's
// 127.0.0.1 endpoint with throwaway static credentials (signing happens, nothing leaves the host).
// The SDKs are imported lazily, as the lint rule for cloud SDKs asks everywhere.
const config = (endpoint: string) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
});

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
async function started<T extends { close(): Promise<void> }>(double: Promise<T>): Promise<T> {
  const d = await double;
  open.push(d);
  return d;
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

describe('IamDouble', () => {
  it('creates, tags, attaches, lists, detaches and deletes a role', { timeout: 10_000 }, async () => {
    const { IAMClient, CreateRoleCommand, TagRoleCommand, ListRoleTagsCommand, AttachRolePolicyCommand, ListAttachedRolePoliciesCommand, GetRoleCommand, ListRolesCommand, DetachRolePolicyCommand, DeleteRoleCommand } =
      await import('@aws-sdk/client-iam');
    const iam = await started(IamDouble.start({ accountId: '111122223333' }));
    const client = new IAMClient(config(iam.endpoint));

    const created = await client.send(
      new CreateRoleCommand({
        RoleName: 'rdeploy-churn',
        Path: '/rdeploy/',
        AssumeRolePolicyDocument: TRUST,
        Description: 'churn model',
        Tags: [{ Key: 'rdeploy:deployment', Value: 'churn' }],
      }),
    );
    expect(created.Role?.Arn).toBe('arn:aws:iam::111122223333:role/rdeploy/rdeploy-churn');
    expect(created.Role?.RoleId).toMatch(/^AROA[0-9A-Z]{17}$/);
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);
    // IAM answers the trust policy URL-encoded (RFC 3986), and the SDK passes it on as is.
    expect(decodeURIComponent(created.Role?.AssumeRolePolicyDocument ?? '')).toBe(TRUST);
    expect(iam.calls('CreateRole')[0]?.params).toMatchObject({
      RoleName: 'rdeploy-churn',
      AssumeRolePolicyDocument: TRUST,
      Tags: [{ Key: 'rdeploy:deployment', Value: 'churn' }],
    });

    await client.send(new TagRoleCommand({ RoleName: 'rdeploy-churn', Tags: [{ Key: 'owner', Value: 'ds-team' }] }));
    const tags = await client.send(new ListRoleTagsCommand({ RoleName: 'rdeploy-churn' }));
    expect(tags.Tags).toEqual([
      { Key: 'rdeploy:deployment', Value: 'churn' },
      { Key: 'owner', Value: 'ds-team' },
    ]);
    expect(tags.IsTruncated).toBe(false);

    await client.send(new AttachRolePolicyCommand({ RoleName: 'rdeploy-churn', PolicyArn: BASIC }));
    const attached = await client.send(new ListAttachedRolePoliciesCommand({ RoleName: 'rdeploy-churn' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC }]);

    const got = await client.send(new GetRoleCommand({ RoleName: 'rdeploy-churn' }));
    expect(got.Role?.Description).toBe('churn model');
    expect(got.Role?.MaxSessionDuration).toBe(3600);
    expect(got.Role?.Tags).toHaveLength(2);

    await client.send(new CreateRoleCommand({ RoleName: 'elsewhere', AssumeRolePolicyDocument: TRUST }));
    const listed = await client.send(new ListRolesCommand({ PathPrefix: '/rdeploy/' }));
    expect(listed.Roles?.map((r) => r.RoleName)).toEqual(['rdeploy-churn']);
    const firstPage = await client.send(new ListRolesCommand({ MaxItems: 1 }));
    expect(firstPage.IsTruncated).toBe(true);
    const secondPage = await client.send(new ListRolesCommand({ MaxItems: 1, Marker: firstPage.Marker }));
    expect([firstPage, secondPage].flatMap((p) => p.Roles?.map((r) => r.RoleName))).toEqual(['rdeploy-churn', 'elsewhere']);
    expect(secondPage.IsTruncated).toBe(false);

    await client.send(new DetachRolePolicyCommand({ RoleName: 'rdeploy-churn', PolicyArn: BASIC }));
    await client.send(new DeleteRoleCommand({ RoleName: 'rdeploy-churn' }));
    expect(iam.roles().map((r) => r.name)).toEqual(['elsewhere']);
    await expect(client.send(new GetRoleCommand({ RoleName: 'rdeploy-churn' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name rdeploy-churn cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses to delete a role with attached policies, and to create one twice', { timeout: 10_000 }, async () => {
    const { IAMClient, CreateRoleCommand, AttachRolePolicyCommand, DeleteRoleCommand } = await import('@aws-sdk/client-iam');
    const iam = await started(IamDouble.start());
    const client = new IAMClient(config(iam.endpoint));
    await client.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await client.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }));

    await expect(client.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(client.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }))).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name r already exists.',
    });
    await expect(client.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{not json' }))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
    expect(iam.roles()).toEqual([{ name: 'r', arn: 'arn:aws:iam::123456789012:role/r', path: '/', tags: {}, attachedPolicies: [BASIC], inlinePolicies: {} }]);
  });

  it('puts, gets, lists and deletes inline role policies, and DeleteRole waits for them', { timeout: 10_000 }, async () => {
    const { IAMClient, CreateRoleCommand, PutRolePolicyCommand, GetRolePolicyCommand, ListRolePoliciesCommand, DeleteRolePolicyCommand, AttachRolePolicyCommand, DetachRolePolicyCommand, DeleteRoleCommand } =
      await import('@aws-sdk/client-iam');
    const iam = await started(IamDouble.start());
    const client = new IAMClient(config(iam.endpoint));
    await client.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const logs = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/rdeploy-churn:*' }],
    };
    const ecr = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }] };
    // Spaces, '+' and '&' survive the form both ways.
    const LOGS = JSON.stringify(logs, null, 2).replace('logs:PutLogEvents', 'logs:PutLogEvents+ & more');

    const empty = await client.send(new ListRolePoliciesCommand({ RoleName: 'r' }));
    expect(empty.PolicyNames).toEqual([]);
    expect(empty.IsTruncated).toBe(false);

    await client.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'logs', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
    await client.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'ecr', PolicyDocument: JSON.stringify(ecr) }));
    await client.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'logs', PolicyDocument: LOGS })); // replaces in place
    expect(iam.calls('PutRolePolicy')[2]?.params).toEqual({ RoleName: 'r', PolicyName: 'logs', PolicyDocument: LOGS });

    const got = await client.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'logs' }));
    expect(got).toMatchObject({ RoleName: 'r', PolicyName: 'logs' });
    // IAM answers the document URL-encoded (RFC 3986), and the SDK passes it on as is.
    expect(got.PolicyDocument).toBe(encodeURIComponent(LOGS));
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(LOGS);

    const listed = await client.send(new ListRolePoliciesCommand({ RoleName: 'r' }));
    expect(listed.PolicyNames).toEqual(['logs', 'ecr']);
    expect(listed.IsTruncated).toBe(false);
    const firstPage = await client.send(new ListRolePoliciesCommand({ RoleName: 'r', MaxItems: 1 }));
    expect(firstPage).toMatchObject({ PolicyNames: ['logs'], IsTruncated: true });
    const secondPage = await client.send(new ListRolePoliciesCommand({ RoleName: 'r', MaxItems: 1, Marker: firstPage.Marker }));
    expect(secondPage).toMatchObject({ PolicyNames: ['ecr'], IsTruncated: false });
    expect(iam.roles()[0]?.inlinePolicies).toEqual({ logs: JSON.parse(LOGS), ecr });

    await expect(client.send(new PutRolePolicyCommand({ RoleName: 'ghost', PolicyName: 'logs', PolicyDocument: LOGS }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name ghost cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    for (const bad of ['{not json', '[]', '"a string"']) {
      await expect(client.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'bad', PolicyDocument: bad }))).rejects.toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: 'Syntax errors in policy.',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(client.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'no spaces', PolicyDocument: LOGS }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: "1 validation error detected: Value 'no spaces' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    });
    const missing = { name: 'NoSuchEntityException', message: 'The role policy with name bad cannot be found.', $metadata: { httpStatusCode: 404 } };
    await expect(client.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'bad' }))).rejects.toMatchObject(missing);

    // Managed policies are reported first, then the inline ones.
    await client.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }));
    await expect(client.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
      $metadata: { httpStatusCode: 409 },
    });
    await client.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }));
    await expect(client.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete policies first.',
      $metadata: { httpStatusCode: 409 },
    });

    await client.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'logs' }));
    expect(iam.roles()[0]?.inlinePolicies).toEqual({ ecr });
    await expect(client.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'logs' }))).rejects.toMatchObject({ ...missing, message: 'The role policy with name logs cannot be found.' });
    await client.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'ecr' }));
    await client.send(new DeleteRoleCommand({ RoleName: 'r' }));
    expect(iam.roles()).toEqual([]);
  });
});

describe('StsDouble', () => {
  it('answers GetCallerIdentity with the account and caller', { timeout: 10_000 }, async () => {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await started(StsDouble.start({ accountId: '111122223333' }));
    const identity = await new STSClient(config(sts.endpoint)).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/rdeploy-test' });
    expect(identity.UserId).toMatch(/^AIDA[0-9A-Z]{17}$/);
    expect(sts.calls().map((c) => c.operation)).toEqual(['GetCallerIdentity']);
  });

  it('rejects bad credentials the way STS does', { timeout: 10_000 }, async () => {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const sts = await started(StsDouble.start({ rejectCredentials: true }));
    const call = new STSClient(config(sts.endpoint)).send(new GetCallerIdentityCommand({}));
    await expect(call).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    expect(sts.calls('GetCallerIdentity')).toHaveLength(1); // a 403 is not retried
  });
});

describe('LogsDouble', () => {
  const GROUP = '/aws/lambda/rdeploy-churn';
  const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

  it('serves appended lines through FilterLogEvents, filtered and paged, until the group is deleted', { timeout: 10_000 }, async () => {
    const { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, DeleteLogGroupCommand, GetLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const logs = await started(LogsDouble.start());
    const client = new CloudWatchLogsClient(config(logs.endpoint));
    const stream = logs.append(GROUP, ['START RequestId: 1', 'ERROR model not loaded', 'END RequestId: 1'], T0);
    logs.append(GROUP, ['START RequestId: 2', 'ERROR timeout', 'ERROR "quoted" retry', 'END RequestId: 2'], T0 + 60_000);
    logs.append('/aws/lambda/other', ['unrelated'], T0);
    expect(stream).toMatch(/^2026\/11\/30\/\[\$LATEST\][0-9a-f]{32}$/);

    const groups = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/rdeploy' }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual([GROUP]);
    expect(groups.logGroups?.[0]?.arn).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`);

    // Page through the ERROR lines two at a time, as a tailer following nextToken does.
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR', limit: 2, nextToken }));
      pages.push(page.events?.map((e) => e.message ?? '') ?? []);
      expect(page.events?.every((e) => e.logStreamName === stream)).toBe(true);
      nextToken = page.nextToken;
    } while (nextToken && pages.length < 5);
    expect(pages).toEqual([['ERROR model not loaded', 'ERROR timeout'], ['ERROR "quoted" retry']]);

    const since = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: T0 + 1, filterPattern: '?timeout ?"\\"quoted\\"" -retry' }));
    expect(since.events?.map((e) => [e.timestamp, e.message])).toEqual([[T0 + 60_000, 'ERROR timeout']]);
    await expect(client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.level = "error" }' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });

    const tail = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 2 }));
    expect(tail.events?.map((e) => e.message)).toEqual(['ERROR "quoted" retry', 'END RequestId: 2']);
    const after = await client.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, nextToken: tail.nextForwardToken }));
    expect(after.events).toEqual([]);
    expect(after.nextForwardToken).toBe(tail.nextForwardToken); // the end: the same token back, to poll with

    await client.send(new DeleteLogGroupCommand({ logGroupName: GROUP }));
    expect(logs.groups()).toEqual(['/aws/lambda/other']);
    const missing = { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.', $metadata: { httpStatusCode: 400 } };
    await expect(client.send(new DeleteLogGroupCommand({ logGroupName: GROUP }))).rejects.toMatchObject(missing);
    await expect(client.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).rejects.toMatchObject(missing);
    expect(logs.calls('FilterLogEvents')[0]?.params).toMatchObject({ logGroupName: GROUP, filterPattern: 'ERROR', limit: 2 });
  });

  it('refuses StartLiveTail as unavailable, so a tailer falls back to polling', { timeout: 10_000 }, async () => {
    const { CloudWatchLogsClient, StartLiveTailCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const logs = await started(LogsDouble.start());
    logs.append(GROUP, ['hello'], T0);
    // StartLiveTail's host prefix `stream-` would name a host that is not the double.
    const client = new CloudWatchLogsClient({ ...config(logs.endpoint), disableHostPrefix: true });
    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}`;
    await expect(client.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn] }))).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
      message: 'The service cannot complete the request.',
      $fault: 'server',
    });
    // A 5xx is transient to the SDK: its three attempts all reached the double.
    expect(logs.calls('StartLiveTail')).toHaveLength(3);
  });
});

describe('SchedulerDouble', () => {
  const TARGET = { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:rdeploy-churn', RoleArn: 'arn:aws:iam::123456789012:role/rdeploy-scheduler', Input: '{"batch":true}' };

  it('creates, gets, lists, updates and deletes a schedule', { timeout: 10_000 }, async () => {
    const { SchedulerClient, CreateScheduleCommand, GetScheduleCommand, ListSchedulesCommand, UpdateScheduleCommand, DeleteScheduleCommand } = await import('@aws-sdk/client-scheduler');
    const scheduler = await started(SchedulerDouble.start());
    const client = new SchedulerClient(config(scheduler.endpoint));

    const created = await client.send(
      new CreateScheduleCommand({ Name: 'rdeploy-churn-nightly', ScheduleExpression: 'cron(0 2 * * ? *)', Target: TARGET, FlexibleTimeWindow: { Mode: 'OFF' } }),
    );
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule/default/rdeploy-churn-nightly');
    await client.send(new CreateScheduleCommand({ Name: 'other', ScheduleExpression: 'rate(5 minutes)', Target: TARGET, FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } }));

    const got = await client.send(new GetScheduleCommand({ Name: 'rdeploy-churn-nightly' }));
    expect(got).toMatchObject({ Name: 'rdeploy-churn-nightly', GroupName: 'default', State: 'ENABLED', ScheduleExpression: 'cron(0 2 * * ? *)', Target: TARGET });
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs((got.CreationDate?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);

    const listed = await client.send(new ListSchedulesCommand({ NamePrefix: 'rdeploy-' }));
    expect(listed.Schedules?.map((s) => [s.Name, s.GroupName, s.Target?.Arn])).toEqual([['rdeploy-churn-nightly', 'default', TARGET.Arn]]);

    await client.send(new UpdateScheduleCommand({ Name: 'rdeploy-churn-nightly', ScheduleExpression: 'at(2026-12-01T02:00:00)', Target: { Arn: TARGET.Arn, RoleArn: TARGET.RoleArn }, FlexibleTimeWindow: { Mode: 'OFF' } }));
    expect(scheduler.schedules()[0]).toEqual({ name: 'rdeploy-churn-nightly', group: 'default', expression: 'at(2026-12-01T02:00:00)', target: { arn: TARGET.Arn, roleArn: TARGET.RoleArn } });

    await client.send(new DeleteScheduleCommand({ Name: 'rdeploy-churn-nightly' }));
    expect(scheduler.schedules().map((s) => s.name)).toEqual(['other']);
    await expect(client.send(new GetScheduleCommand({ Name: 'rdeploy-churn-nightly' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Schedule rdeploy-churn-nightly does not exist.',
      $metadata: { httpStatusCode: 404 },
    });
    expect(scheduler.calls().map((c) => `${c.method} ${c.path}`)).toContain('DELETE /schedules/rdeploy-churn-nightly');
  });

  it('refuses a bad expression and a second schedule of the same name', { timeout: 10_000 }, async () => {
    const { SchedulerClient, CreateScheduleCommand } = await import('@aws-sdk/client-scheduler');
    const scheduler = await started(SchedulerDouble.start());
    const client = new SchedulerClient(config(scheduler.endpoint));
    const create = (name: string, expression: string) =>
      client.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: expression, Target: TARGET, FlexibleTimeWindow: { Mode: 'OFF' } }));

    for (const expression of ['cron(0 2 * * *)', 'cron(0 2 * * 1 *)', 'rate(0 minutes)', 'every day', 'at(2026-02-30T00:00:00)']) {
      await expect(create('bad', expression)).rejects.toMatchObject({
        name: 'ValidationException',
        message: `Invalid Schedule Expression ${expression}.`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    await create('nightly', 'rate(1 day)');
    await expect(create('nightly', 'rate(2 days)')).rejects.toMatchObject({
      name: 'ConflictException',
      message: 'Schedule nightly already exists.',
      $metadata: { httpStatusCode: 409 },
    });
    expect(scheduler.schedules()).toEqual([{ name: 'nightly', group: 'default', expression: 'rate(1 day)', target: { arn: TARGET.Arn, roleArn: TARGET.RoleArn, input: TARGET.Input } }]);
  });
});

describe('faults', () => {
  it('a throttled IAM call is retried by the SDK and then succeeds', { timeout: 10_000 }, async () => {
    const { IAMClient, CreateRoleCommand } = await import('@aws-sdk/client-iam');
    const iam = await started(IamDouble.start());
    iam.injectFault({ operation: 'CreateRole', kind: 'throttle' });
    const created = await new IAMClient(config(iam.endpoint)).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    expect(created.$metadata.attempts).toBe(2);
    expect(iam.calls('CreateRole')).toHaveLength(2);
    expect(iam.roles().map((r) => r.name)).toEqual(['r']);
  });

  it("a throttled schedule waits the double's Retry-After, then succeeds", { timeout: 10_000 }, async () => {
    const { SchedulerClient, ListSchedulesCommand } = await import('@aws-sdk/client-scheduler');
    const scheduler = await started(SchedulerDouble.start());
    scheduler.injectFault({ operation: 'ListSchedules', kind: 'throttle', retryAfterSeconds: 1 });
    const started_ = Date.now();
    const listed = await new SchedulerClient(config(scheduler.endpoint)).send(new ListSchedulesCommand({}));
    expect(listed.Schedules).toEqual([]);
    expect(listed.$metadata.attempts).toBe(2);
    const [first, second] = scheduler.calls('ListSchedules');
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started_).toBeLessThan(7_000);
  });

  it('an injected error is answered as given and not retried', { timeout: 10_000 }, async () => {
    const { CloudWatchLogsClient, DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const logs = await started(LogsDouble.start());
    logs.injectFault({ operation: 'DescribeLogGroups', kind: 'error', status: 400, code: 'AccessDeniedException', message: 'User is not authorized to perform: logs:DescribeLogGroups' });
    const client = new CloudWatchLogsClient(config(logs.endpoint));
    await expect(client.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'User is not authorized to perform: logs:DescribeLogGroups',
    });
    await expect(client.send(new DescribeLogGroupsCommand({}))).resolves.toMatchObject({ logGroups: [] }); // spent after one answer
    expect(logs.calls('DescribeLogGroups')).toHaveLength(2);
  });
});
