import { describe, expect, it } from 'vitest';
import { azureFailure } from '../../../src/clouds/azure/failure';
import {
  BATCH_API_VERSION,
  BATCH_JSON,
  BATCH_SCOPE,
  BatchClient,
  BatchError,
  batchEndpoint,
  batchRequests,
  chooseImage,
  chunkTasks,
  nodeCounts,
  type BatchTaskCreateOptions,
  type SupportedImage,
} from '../../../src/clouds/azure/batch';
import { AppError } from '../../../src/core/errors';
import { BatchWire, error, staticCredential, type WireReply } from './batchWire';

/*
 * The Batch data-plane client (src/clouds/azure/batch): its requests as data against the official
 * 2025-06-01 examples (azure-rest-api-specs, specification/batch/…/2025-06-01/examples), then
 * through the real core-rest-pipeline (bearer token, retries, request ids) onto BatchWire, a
 * double of the wire that records what was sent.
 */

const ENDPOINT = 'https://account.region.batch.azure.com';
const client = (wire: BatchWire, credential = staticCredential()) =>
  new BatchClient({ endpoint: 'account.region.batch.azure.com', credential, httpClient: wire, retry: { retryDelayInMs: 1, maxRetryDelayInMs: 5, throttledWithoutRetryAfterMs: 1 } });
const q = { 'api-version': '2025-06-01' };

describe('Batch requests as data (2025-06-01 examples)', () => {
  it('says 2025-06-01, the version without the ".NN.0" suffix', () => {
    expect(BATCH_API_VERSION).toBe('2025-06-01');
    expect(BATCH_SCOPE).toBe('https://batch.core.windows.net/.default');
  });

  it('Pools_EnablePoolAutoscale, Pools_EvaluatePoolAutoscale, Pools_DisablePoolAutoScale, Pools_RemoveNodes', () => {
    expect(batchRequests.enablePoolAutoScale('poolId', { autoScaleFormula: '$TargetDedicated=0', autoScaleEvaluationInterval: 'PT8M' })).toEqual({
      method: 'POST',
      path: '/pools/poolId/enableautoscale',
      query: q,
      headers: { 'content-type': 'application/json; odata=minimalmetadata' },
      body: { autoScaleFormula: '$TargetDedicated=0', autoScaleEvaluationInterval: 'PT8M' },
    });
    expect(batchRequests.evaluatePoolAutoScale('poolId', '$TargetDedicated=1')).toEqual({ method: 'POST', path: '/pools/poolId/evaluateautoscale', query: q, headers: { 'content-type': BATCH_JSON }, body: { autoScaleFormula: '$TargetDedicated=1' } });
    expect(batchRequests.disablePoolAutoScale('poolId')).toEqual({ method: 'POST', path: '/pools/poolId/disableautoscale', query: q, headers: {} });
    expect(batchRequests.removeNodes('poolId', { nodeList: ['tvm-1695681911_1-20161122t224741z', 'tvm-1695681911_2-20161122t224741z'] })).toEqual({
      method: 'POST',
      path: '/pools/poolId/removenodes',
      query: q,
      headers: { 'content-type': BATCH_JSON },
      body: { nodeList: ['tvm-1695681911_1-20161122t224741z', 'tvm-1695681911_2-20161122t224741z'] },
    });
    expect(batchRequests.resizePool('poolId', { targetDedicatedNodes: 1, targetLowPriorityNodes: 2 })).toMatchObject({ method: 'POST', path: '/pools/poolId/resize', body: { targetDedicatedNodes: 1, targetLowPriorityNodes: 2 } });
  });

  it('JobSchedules_CreateJobSchedule_Basic, Jobs_CreateJob_Basic, Tasks_CreateTask_ContainerSettings, Tasks_CreateTaskCollection_Basic', () => {
    expect(batchRequests.createJobSchedule({ id: 'jobScheduleId', schedule: { recurrenceInterval: 'PT5M' }, jobSpecification: { poolInfo: { poolId: 'poolId' } } })).toEqual({
      method: 'POST',
      path: '/jobschedules',
      query: q,
      headers: { 'content-type': BATCH_JSON },
      body: { id: 'jobScheduleId', schedule: { recurrenceInterval: 'PT5M' }, jobSpecification: { poolInfo: { poolId: 'poolId' } } },
    });
    expect(batchRequests.createJob({ id: 'jobId', priority: 0, poolInfo: { poolId: 'poolId' } })).toEqual({ method: 'POST', path: '/jobs', query: q, headers: { 'content-type': BATCH_JSON }, body: { id: 'jobId', priority: 0, poolInfo: { poolId: 'poolId' } } });
    const task: BatchTaskCreateOptions = {
      id: 'taskId',
      commandLine: "bash -c 'echo hello'",
      containerSettings: { imageName: 'ubuntu', containerRunOptions: '--rm' },
      userIdentity: { autoUser: { scope: 'task', elevationLevel: 'nonadmin' } },
    };
    expect(batchRequests.createTask('jobId', task)).toEqual({ method: 'POST', path: '/jobs/jobId/tasks', query: q, headers: { 'content-type': BATCH_JSON }, body: task });
    const simple = [
      { id: 'simple1', commandLine: 'cmd /c dir /s' },
      { id: 'simple2', commandLine: 'cmd /c dir /s' },
    ];
    expect(batchRequests.createTaskCollection('jobId', simple)).toEqual({ method: 'POST', path: '/jobs/jobId/addtaskcollection', query: q, headers: { 'content-type': BATCH_JSON }, body: { value: simple } });
  });

  it('the reads, deletes and terminations: paths, HEADs, force and OData options', () => {
    expect(batchRequests.listJobsFromSchedule('jobScheduleId')).toEqual({ method: 'GET', path: '/jobschedules/jobScheduleId/jobs', query: q, headers: {} });
    expect(batchRequests.jobScheduleExists('jobScheduleId')).toEqual({ method: 'HEAD', path: '/jobschedules/jobScheduleId', query: q, headers: {} });
    expect(batchRequests.terminateJobSchedule('s1')).toEqual({ method: 'POST', path: '/jobschedules/s1/terminate', query: q, headers: {} });
    expect(batchRequests.deleteJobSchedule('s1', { force: true })).toEqual({ method: 'DELETE', path: '/jobschedules/s1', query: { ...q, force: 'true' }, headers: {} });
    expect(batchRequests.deleteJob('j1')).toEqual({ method: 'DELETE', path: '/jobs/j1', query: q, headers: {} });
    expect(batchRequests.terminateJob('j1')).toEqual({ method: 'POST', path: '/jobs/j1/terminate', query: q, headers: {} });
    expect(batchRequests.terminateJob('j1', { terminateReason: 'rdeploy destroy' })).toMatchObject({ headers: { 'content-type': BATCH_JSON }, body: { terminateReason: 'rdeploy destroy' } });
    expect(batchRequests.listTasks('j1', { filter: "state eq 'completed'", select: ['id', 'state', 'executionInfo'], maxResults: 500 })).toEqual({
      method: 'GET',
      path: '/jobs/j1/tasks',
      query: { ...q, maxresults: '500', $filter: "state eq 'completed'", $select: 'id,state,executionInfo' },
      headers: {},
    });
    expect(batchRequests.listSupportedImages({ filter: "verificationType eq 'verified'" })).toEqual({ method: 'GET', path: '/supportedimages', query: { ...q, $filter: "verificationType eq 'verified'" }, headers: {} });
    expect(batchRequests.listPoolNodeCounts()).toEqual({ method: 'GET', path: '/nodecounts', query: q, headers: {} });
    expect(batchRequests.listNodes('poolId')).toEqual({ method: 'GET', path: '/pools/poolId/nodes', query: q, headers: {} });
  });

  it('task files: HEAD for properties, a GET with ocp-range bytes=start-end, folders kept and parts escaped', () => {
    expect(batchRequests.getTaskFileProperties('jobId', 'taskId', 'stdout.txt')).toEqual({ method: 'HEAD', path: '/jobs/jobId/tasks/taskId/files/stdout.txt', query: q, headers: {} });
    expect(batchRequests.getTaskFile('jobId', 'task1', 'wd/out put.json', { start: 0, end: 1023 })).toEqual({
      method: 'GET',
      path: '/jobs/jobId/tasks/task1/files/wd/out%20put.json',
      query: q,
      headers: { 'ocp-range': 'bytes=0-1023' },
    });
    expect(batchRequests.getTaskFile('jobId', 'task1', 'stderr.txt').headers).toEqual({});
  });

  it('refuses what Batch would refuse before sending it', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `t${i}`, commandLine: 'true' }));
    expect(() => batchRequests.createTaskCollection('j', many)).toThrow(/1 to 100 tasks/);
    expect(() => batchRequests.removeNodes('p', { nodeList: [] })).toThrow(/1 to 100 nodes/);
    expect(() => batchRequests.getTaskFile('j', 't', 'f', { start: 10, end: 9 })).toThrow(/0 ≤ start ≤ end/);
    expect(() => batchRequests.listPools({ maxResults: 1001 })).toThrow(/1 to 1000/);
  });

  it('takes ARM accountEndpoint without a scheme, keeps the origin, and refuses http', () => {
    expect(batchEndpoint('mybatch.westeurope.batch.azure.com')).toBe('https://mybatch.westeurope.batch.azure.com');
    expect(batchEndpoint('https://127.0.0.1:8443/')).toBe('https://127.0.0.1:8443');
    expect(() => batchEndpoint('http://mybatch.westeurope.batch.azure.com')).toThrow(AppError);
  });
});

describe('BatchClient on the wire', () => {
  it('signs with the Batch scope and sends client-request-id, return-client-request-id and ocp-date', async () => {
    const credential = staticCredential();
    const wire = new BatchWire().on('POST', '/jobs', { status: 201, headers: { DataServiceId: `${ENDPOINT}/jobs/jobId` } });
    await client(wire, credential).createJob({ id: 'jobId', priority: 0, poolInfo: { poolId: 'poolId' } });
    const [req] = wire.requests;
    expect(req!.url.toString()).toBe(`${ENDPOINT}/jobs?api-version=2025-06-01`);
    expect(req!.headers.authorization).toBe('Bearer eyJ0eXAi.batch-test-token.sig');
    expect(req!.headers['client-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(req!.headers['return-client-request-id']).toBe('true');
    expect(new Date(req!.headers['ocp-date']!).toUTCString()).toBe(req!.headers['ocp-date']);
    expect(req!.headers['content-type']).toBe(BATCH_JSON);
    expect(req!.body).toEqual({ id: 'jobId', priority: 0, poolInfo: { poolId: 'poolId' } });
    expect(credential.scopes).toEqual([[BATCH_SCOPE]]);
  });

  it('reads every page of supported images through odata.nextLink, and escapes $filter in the URL', async () => {
    const wire = new BatchWire().on('GET', '/supportedimages', (req) => {
      const page = Number(req.url.searchParams.get('$skiptoken') ?? 0);
      const next = page < 2 ? `${ENDPOINT}/supportedimages?api-version=2025-06-01&$skiptoken=${page + 1}` : undefined;
      return { status: 200, body: { value: [IMAGES[page * 2], IMAGES[page * 2 + 1]].filter(Boolean), ...(next ? { 'odata.nextLink': next } : {}) } };
    });
    const images = await client(wire).listSupportedImages("osType eq 'linux'");
    expect(images.map((i) => i.imageReference.sku)).toEqual(IMAGES.map((i) => i.imageReference.sku));
    expect(images[0]).toEqual(IMAGES[0]);
    expect(wire.requests).toHaveLength(3);
    expect(wire.requests[0]!.raw).toBe(`${ENDPOINT}/supportedimages?api-version=2025-06-01&$filter=osType%20eq%20'linux'`);
  });

  it('never follows a next page to another host, and adds api-version to one without it', async () => {
    const away = new BatchWire().on('GET', '/pools', { status: 200, body: { value: [], 'odata.nextLink': 'https://evil.example/pools?$skiptoken=1' } });
    await expect(client(away).listPools()).rejects.toThrow(/another host \(https:\/\/evil\.example\)/);
    expect(away.requests).toHaveLength(1);

    const wire = new BatchWire().on('GET', '/jobs', (req) =>
      req.url.searchParams.has('$skiptoken') ? { status: 200, body: { value: [JOB] } } : { status: 200, body: { value: [], 'odata.nextLink': `${ENDPOINT}/jobs?$skiptoken=x` } },
    );
    expect(await client(wire).listJobs()).toHaveLength(1);
    expect(wire.requests[1]!.url.searchParams.get('api-version')).toBe('2025-06-01');
  });

  it('lists the jobs of a schedule (Jobs_ListJobsFromSchedule) and parses them', async () => {
    const wire = new BatchWire().on('GET', '/jobschedules/jobScheduleId/jobs', { status: 200, body: { value: [JOB] } });
    const [job] = await client(wire).listJobs({ jobScheduleId: 'jobScheduleId' });
    expect(job).toMatchObject({ id: 'jobId', state: 'active', poolInfo: { poolId: 'poolId' }, executionInfo: { poolId: 'poolId' } });
  });

  it('turns the Batch error body into one BatchError, which azureFailure makes a sentence of', async () => {
    const wire = new BatchWire().on('GET', '/pools/nopool', error(404, 'PoolNotFound', 'The specified pool does not exist.'));
    const err = await client(wire).getPool('nopool').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchError);
    expect(err).toMatchObject({ code: 'PoolNotFound', statusCode: 404, requestId: '5f0a8d3e-0c2e-4b5c-9a4d-2f1e0b7c6d5a' });
    expect((err as BatchError).message).toMatch(/^The specified pool does not exist\.\nRequestId:/);
    expect(azureFailure('Reading the pool nopool', err).message).toBe('Reading the pool nopool: PoolNotFound: The specified pool does not exist.');

    const formula = new BatchWire().on(
      'POST',
      '/pools/p1/evaluateautoscale',
      error(409, 'AutoScalingFormulaSyntaxError', 'The specified autoscale formula has a syntax error.', [{ key: 'Message', value: "Unexpected token '$Target'" }]),
    );
    const bad = (await client(formula).evaluatePoolAutoScale('p1', '$TargetDedicatedNodes=').catch((e: unknown) => e)) as BatchError;
    expect(bad.code).toBe('AutoScalingFormulaSyntaxError');
    expect(bad.value('Message')).toBe("Unexpected token '$Target'");

    const gateway = new BatchWire().on('GET', '/pools/p1', { status: 400, body: '<html>Bad Request</html>' });
    expect(await client(gateway).getPool('p1').catch((e: unknown) => e)).toMatchObject({ code: 'BadRequest', statusCode: 400, message: 'Batch answered HTTP 400.' });
  });

  it('retries 429 and 503 after their Retry-After, and a 429 that gives none', async () => {
    const wire = new BatchWire()
      .sequence('POST', '/pools/p1/resize', error(429, 'TooManyRequests', 'Too many requests.', [], { 'Retry-After': '0' }), { status: 202 })
      .sequence('GET', '/pools/p1', error(503, 'ServerBusy', 'The server is busy.', [], { 'Retry-After': '0' }), { status: 200, body: POOL })
      .sequence('POST', '/pools/p1/disableautoscale', error(429, 'TooManyRequests', 'Too many requests.'), { status: 200 });
    const c = client(wire);
    await c.resizePool('p1', { targetDedicatedNodes: 2 });
    expect((await c.getPool('p1')).id).toBe('p1');
    await c.disablePoolAutoScale('p1');
    expect(wire.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(['POST /pools/p1/resize', 'POST /pools/p1/resize', 'GET /pools/p1', 'GET /pools/p1', 'POST /pools/p1/disableautoscale', 'POST /pools/p1/disableautoscale']);
    // A retry is the same request: same client-request-id.
    expect(wire.requests[1]!.headers['client-request-id']).toBe(wire.requests[0]!.headers['client-request-id']);
  });

  it('gives up on throttling after maxRetries with the BatchError of the last answer', async () => {
    const wire = new BatchWire().on('GET', '/pools/p1', error(429, 'TooManyRequests', 'Too many requests.', [], { 'Retry-After': '0' }));
    const c = new BatchClient({ endpoint: ENDPOINT, credential: staticCredential(), httpClient: wire, retry: { maxRetries: 2 } });
    await expect(c.getPool('p1')).rejects.toMatchObject({ code: 'TooManyRequests', statusCode: 429 });
    expect(wire.requests).toHaveLength(3);
  });

  it('counts a job\'s tasks (Jobs_GetJobTaskCounts)', async () => {
    const counts = { taskCounts: { active: 3, running: 2, completed: 1, succeeded: 0, failed: 1 }, taskSlotCounts: { active: 3, running: 2, completed: 1, succeeded: 0, failed: 1 } };
    const wire = new BatchWire().on('GET', '/jobs/jobId/taskcounts', { status: 200, body: counts });
    expect(await client(wire).getJobTaskCounts('jobId')).toEqual(counts);
  });

  it('answers exists from HEAD 200 or 404', async () => {
    const wire = new BatchWire().on('HEAD', '/jobschedules/there', { status: 200 }).on('HEAD', '/jobschedules/gone', { status: 404 });
    expect(await client(wire).jobScheduleExists('there')).toBe(true);
    expect(await client(wire).jobScheduleExists('gone')).toBe(false);
  });

  it('evaluates a formula (Pools_EvaluatePoolAutoscale) and reads a pool with its autoscale run', async () => {
    const wire = new BatchWire()
      .on('POST', '/pools/poolId/evaluateautoscale', { status: 200, body: { timestamp: '2016-11-22T19:39:28.5246331Z', results: '$TargetDedicated=1;$NodeDeallocationOption=requeue' } })
      .on('GET', '/pools/p1', { status: 200, body: POOL });
    const c = client(wire);
    expect(await c.evaluatePoolAutoScale('poolId', '$TargetDedicated=1')).toEqual({ timestamp: '2016-11-22T19:39:28.5246331Z', results: '$TargetDedicated=1;$NodeDeallocationOption=requeue' });
    expect(await c.getPool('p1')).toMatchObject({ allocationState: 'steady', enableAutoScale: true, autoScaleRun: { results: expect.stringContaining('$TargetLowPriorityNodes=3') } });
  });

  it('refuses an answer out of the documented shape instead of guessing', async () => {
    const wire = new BatchWire().on('GET', '/jobs/j1/tasks/t1', { status: 200, body: { id: 't1' } });
    await expect(client(wire).getTask('j1', 't1')).rejects.toThrow(/not in the documented shape \(state:/);
  });

  it('parses only the selected properties of a $select answer', async () => {
    const wire = new BatchWire().on('GET', '/jobs/j1/tasks', { status: 200, body: { value: [{ id: 't1', state: 'completed' }, { id: 't2', state: 'running' }] } });
    const tasks = await client(wire).listTasks('j1', { filter: "state ne 'active'", select: ['id', 'state'] });
    expect(tasks).toEqual([
      { id: 't1', state: 'completed' },
      { id: 't2', state: 'running' },
    ]);
    expect(wire.requests[0]!.url.searchParams.get('$select')).toBe('id,state');
  });
});

describe('task files', () => {
  const FILE = '/jobs/jobId/tasks/taskId/files/wd/testFile.txt';
  const content = Buffer.from('This is actually a byte stream. Ünïcode too.\n');

  it('reads the properties from a HEAD (Tasks_GetTaskFileProperties)', async () => {
    const wire = new BatchWire().on('HEAD', FILE, {
      status: 200,
      headers: { 'ocp-creation-time': 'Fri, 17 Feb 2017 00:00:00 GMT', 'Last-Modified': 'Fri, 17 Feb 2017 00:00:00 GMT', 'ocp-batch-file-isdirectory': 'false', 'Content-Length': '17', 'Content-Type': 'application/octet-stream' },
    });
    expect(await client(wire).getTaskFileProperties('jobId', 'taskId', 'wd/testFile.txt')).toEqual({
      contentLength: 17,
      isDirectory: false,
      lastModified: 'Fri, 17 Feb 2017 00:00:00 GMT',
      creationTime: 'Fri, 17 Feb 2017 00:00:00 GMT',
    });
  });

  it('sends ocp-range and takes a 206 with those bytes, exactly, across a multi-byte character', async () => {
    const wire = new BatchWire().on('GET', FILE, (req) => {
      const [, s, e] = /^bytes=(\d+)-(\d+)$/.exec(req.headers['ocp-range']!)!;
      return { status: 206, body: content.subarray(Number(s), Number(e) + 1) };
    });
    const c = client(wire);
    const first = await c.readTaskFile('jobId', 'taskId', 'wd/testFile.txt', { start: 0, end: 32 });
    const rest = await c.readTaskFile('jobId', 'taskId', 'wd/testFile.txt', { start: 33, end: content.length - 1 });
    expect(first.status).toBe(206);
    expect(wire.requests.map((r) => r.headers['ocp-range'])).toEqual(['bytes=0-32', `bytes=33-${content.length - 1}`]);
    expect(Buffer.concat([first.bytes, rest.bytes]).equals(content)).toBe(true);
  });

  it('cuts a 200 that ignored the range to the range, and reads a whole file without one', async () => {
    const wire = new BatchWire().on('GET', FILE, { status: 200, body: content });
    const c = client(wire);
    expect(Buffer.from((await c.readTaskFile('jobId', 'taskId', 'wd/testFile.txt', { start: 5, end: 10 })).bytes).toString()).toBe('is act');
    expect(Buffer.from((await c.readTaskFile('jobId', 'taskId', 'wd/testFile.txt')).bytes).equals(content)).toBe(true);
    expect(wire.requests[1]!.headers['ocp-range']).toBeUndefined();
  });

  it('maps a missing file to a BatchError with Batch\'s code', async () => {
    const wire = new BatchWire().on('GET', FILE, error(404, 'FileNotFound', 'The specified file does not exist.'));
    await expect(client(wire).readTaskFile('jobId', 'taskId', 'wd/testFile.txt', { start: 0, end: 9 })).rejects.toMatchObject({ code: 'FileNotFound', statusCode: 404 });
  });
});

/** A task's stdout as its node writes it: it appears, grows in pieces, and gets a last flush after the task completes. */
function growingStdout(pieces: Buffer[], flush: Buffer) {
  let file = Buffer.alloc(0);
  let heads = 0;
  let completed = false;
  const wire = new BatchWire()
    .on('HEAD', '/jobs/j1/tasks/t1/files/stdout.txt', () => {
      heads++;
      if (heads === 1) return { status: 404 }; // the task is queued: no file yet
      const next = pieces.shift();
      if (next) file = Buffer.concat([file, next]);
      return { status: 200, headers: { 'content-length': String(file.length), 'ocp-batch-file-isdirectory': 'false' } };
    })
    .on('GET', '/jobs/j1/tasks/t1/files/stdout.txt', (req) => {
      const [, s, e] = /^bytes=(\d+)-(\d+)$/.exec(req.headers['ocp-range']!)!;
      return { status: 206, body: file.subarray(Number(s), Number(e) + 1) };
    })
    .on('GET', '/jobs/j1/tasks/t1', () => {
      if (pieces.length) return { status: 200, body: { state: 'running' } };
      if (!completed) {
        completed = true;
        file = Buffer.concat([file, flush]);
      }
      return { status: 200, body: { state: 'completed' } };
    });
  return wire;
}

describe('tailTaskFile', () => {
  it('reads only new bytes as the file grows, and ends once the task has completed and the file stopped growing', async () => {
    const eAcute = Buffer.from('é');
    const pieces = [Buffer.from('R 4.5.1 starting\n'), Buffer.concat([Buffer.from('caf'), eAcute.subarray(0, 1)]), Buffer.concat([eAcute.subarray(1), Buffer.from('\nscored 100 rows\n')])];
    const expected = Buffer.concat(pieces).toString() + 'exit 0\n';
    const wire = growingStdout(pieces, Buffer.from('exit 0\n'));
    const chunks = [];
    for await (const chunk of client(wire).tailTaskFile('j1', 't1', 'stdout.txt', { pollMs: 1 })) chunks.push(chunk);

    expect(chunks.map((c) => c.text).join('')).toBe(expected);
    expect(chunks.map((c) => c.text)).toEqual(['R 4.5.1 starting\n', 'caf', 'é\nscored 100 rows\n', 'exit 0\n']);
    // Contiguous ranges, each starting where the last one ended.
    const ranges = wire.requests.filter((r) => r.method === 'GET' && r.url.pathname.endsWith('stdout.txt')).map((r) => r.headers['ocp-range']);
    expect(ranges).toEqual(['bytes=0-16', 'bytes=17-20', 'bytes=21-38', 'bytes=39-45']);
    expect(chunks.map((c) => c.offset)).toEqual([0, 17, 21, 39]);
    // The task's state was asked with $select=state.
    expect(wire.requests.find((r) => r.url.pathname === '/jobs/j1/tasks/t1')!.url.searchParams.get('$select')).toBe('state');
  });

  it('resumes from an offset and reads in chunks no larger than asked', async () => {
    const wire = growingStdout([Buffer.from('0123456789abcdef')], Buffer.alloc(0));
    const texts = [];
    for await (const chunk of client(wire).tailTaskFile('j1', 't1', 'stdout.txt', { pollMs: 1, from: 4, maxChunkBytes: 5 })) texts.push(chunk.text);
    expect(texts).toEqual(['45678', '9abcd', 'ef']);
  });

  it('starts again at 0 when a retried task\'s file starts again on a new node, through a 416 on the way', async () => {
    let file = Buffer.from('try 1: killed\n');
    let heads = 0;
    let gets = 0;
    const wire = new BatchWire()
      .on('HEAD', '/jobs/j1/tasks/t1/files/stdout.txt', () => {
        heads++;
        return { status: 200, headers: { 'content-length': String(file.length) } };
      })
      .on('GET', '/jobs/j1/tasks/t1/files/stdout.txt', (req) => {
        gets++;
        if (gets === 2) return error(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.');
        const [, s, e] = /^bytes=(\d+)-(\d+)$/.exec(req.headers['ocp-range']!)!;
        return { status: 206, body: file.subarray(Number(s), Number(e) + 1) };
      })
      .on('GET', '/jobs/j1/tasks/t1', () => {
        if (heads === 2) file = Buffer.from('try 2\n'); // preempted: the task runs again, its stdout is new
        return { status: 200, body: { state: heads >= 4 ? 'completed' : 'running' } };
      });
    file = Buffer.concat([file, Buffer.from('more\n')]);
    const texts = [];
    for await (const chunk of client(wire).tailTaskFile('j1', 't1', 'stdout.txt', { pollMs: 1 })) texts.push(chunk.text);
    expect(texts).toEqual(['try 1: killed\nmore\n', 'try 2\n']);
  });

  it('ends quietly when aborted while the task runs', async () => {
    const wire = new BatchWire()
      .on('HEAD', '/jobs/j1/tasks/t1/files/stderr.txt', { status: 200, headers: { 'content-length': '3' } })
      .on('GET', '/jobs/j1/tasks/t1/files/stderr.txt', { status: 206, body: Buffer.from('err') })
      .on('GET', '/jobs/j1/tasks/t1', { status: 200, body: { state: 'running' } });
    const abort = new AbortController();
    const texts = [];
    for await (const chunk of client(wire).tailTaskFile('j1', 't1', 'stderr.txt', { pollMs: 5, signal: abort.signal })) {
      texts.push(chunk.text);
      setTimeout(() => abort.abort(), 20);
    }
    expect(texts).toEqual(['err']);
  });

  it('passes on what is not "no file yet": a task that does not exist', async () => {
    const wire = new BatchWire()
      .on('HEAD', '/jobs/j1/tasks/nope/files/stdout.txt', { status: 404 })
      .on('GET', '/jobs/j1/tasks/nope', error(404, 'TaskNotFound', 'The specified task does not exist.'));
    const tail = client(wire).tailTaskFile('j1', 'nope', 'stdout.txt', { pollMs: 1 });
    await expect(tail.next()).rejects.toMatchObject({ code: 'TaskNotFound' });
  });
});

describe('addTasks', () => {
  const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `chunk-${String(i).padStart(4, '0')}`, commandLine: `/bin/sh -c 'rdeploy-runtime job chunk ${i}'` }));

  it('splits 250 tasks into collections of 100, 100 and 50, in order', async () => {
    const wire = new BatchWire().on('POST', '/jobs/j1/addtaskcollection', (req) => ({
      status: 200,
      body: { value: (req.body as { value: { id: string }[] }).value.map((t) => ({ status: 'success', taskId: t.id, eTag: '0x8D3D623CD661246', location: `${ENDPOINT}/jobs/j1/tasks/${t.id}` })) },
    }));
    const result = await client(wire).addTasks('j1', tasks(250));
    expect(wire.requests.map((r) => (r.body as { value: unknown[] }).value.length)).toEqual([100, 100, 50]);
    expect(result).toEqual({ added: tasks(250).map((t) => t.id), existing: [], failed: [] });
    expect(wire.requests[0]!.headers['content-type']).toBe(BATCH_JSON);
  });

  it('reports each task\'s refusal, sends server errors again, and counts TaskExists apart', async () => {
    let calls = 0;
    const wire = new BatchWire().on('POST', '/jobs/j1/addtaskcollection', (req): WireReply => {
      calls++;
      const value = (req.body as { value: { id: string }[] }).value.map((t) => {
        if (t.id === 'chunk-0001') return { status: 'clienterror', taskId: t.id, error: { code: 'InvalidPropertyValue', message: { lang: 'en-US', value: 'The value provided for one of the properties in the request body is invalid.' }, values: [{ key: 'PropertyName', value: 'commandLine' }] } };
        if (t.id === 'chunk-0002') return { status: 'clienterror', taskId: t.id, error: { code: 'TaskExists', message: { lang: 'en-US', value: 'The specified task already exists.' } } };
        if (t.id === 'chunk-0003' && calls === 1) return { status: 'servererror', taskId: t.id, error: { code: 'ServerBusy', message: { lang: 'en-US', value: 'The server is busy.' } } };
        if (t.id === 'chunk-0004') return { status: 'servererror', taskId: t.id, error: { code: 'InternalError', message: { lang: 'en-US', value: 'Server encountered an internal error.' } } };
        return { status: 'success', taskId: t.id };
      });
      return { status: 200, body: { value } };
    });
    const result = await client(wire).addTasks('j1', tasks(6));
    expect(result.added.sort()).toEqual(['chunk-0000', 'chunk-0003', 'chunk-0005']);
    expect(result.existing).toEqual(['chunk-0002']);
    expect(result.failed).toEqual([
      { taskId: 'chunk-0001', status: 'clienterror', code: 'InvalidPropertyValue', message: 'The value provided for one of the properties in the request body is invalid.' },
      { taskId: 'chunk-0004', status: 'servererror', code: 'InternalError', message: 'Server encountered an internal error.' },
    ]);
    // Attempt 1: all six; attempt 2: the two server errors; attempt 3 (the last): the one that keeps failing.
    expect(wire.requests.map((r) => (r.body as { value: { id: string }[] }).value.map((t) => t.id))).toEqual([tasks(6).map((t) => t.id), ['chunk-0003', 'chunk-0004'], ['chunk-0004']]);
  });

  it('throws the refusal of a whole collection', async () => {
    const wire = new BatchWire().on('POST', '/jobs/gone/addtaskcollection', error(404, 'JobNotFound', 'The specified job does not exist.'));
    await expect(client(wire).addTasks('gone', tasks(3))).rejects.toMatchObject({ code: 'JobNotFound' });
  });

  it('keeps collections under 1 MB', () => {
    const big = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, commandLine: 'x'.repeat(100_000) }));
    const chunks = chunkTasks(big);
    expect(chunks.map((c) => c.length)).toEqual([9, 9, 9, 3]);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify({ value: c }))).toBeLessThan(1_000_000);
  });
});

// --- Images -------------------------------------------------------------------------------------

const img = (publisher: string, offer: string, sku: string, agent: string, more: Partial<SupportedImage> = {}): SupportedImage => ({
  nodeAgentSKUId: agent,
  imageReference: { publisher, offer, sku, version: 'latest' },
  osType: 'linux',
  verificationType: 'verified',
  ...more,
});

/** List Supported Images as a late-2026 account sees it: ubuntu-server-container 20-04-lts is gone, 22.04 ends 2027-06-30, Canonical's 24.04 is not DockerCompatible. */
const IMAGES: SupportedImage[] = [
  img('canonical', 'ubuntu-24_04-lts', 'server', 'batch.node.ubuntu 24.04'),
  img('canonical', '0001-com-ubuntu-server-jammy', '22_04-lts', 'batch.node.ubuntu 22.04', { batchSupportEndOfLife: '2027-06-30T00:00:00Z' }),
  img('microsoft-dsvm', 'ubuntu-hpc', '2204', 'batch.node.ubuntu 22.04', { capabilities: ['DockerCompatible', 'NvidiaTeslaDriverInstalled'], batchSupportEndOfLife: '2027-06-30T00:00:00Z' }),
  img('microsoft-dsvm', 'ubuntu-hpc', '2404', 'batch.node.ubuntu 24.04', { capabilities: ['DockerCompatible', 'NvidiaTeslaDriverInstalled'] }),
  img('almalinux', 'almalinux-hpc', '8_10-hpc-gen2', 'batch.node.el 8', { capabilities: ['DockerCompatible'], verificationType: 'unverified' }),
  img('microsoftwindowsserver', 'windowsserver', '2022-datacenter-core-smalldisk-with-containers', 'batch.node.windows amd64', { osType: 'windows', capabilities: ['DockerCompatible'] }),
];
const NOW = new Date('2026-11-01T00:00:00Z');

describe('chooseImage', () => {
  it('picks microsoft-dsvm/ubuntu-hpc/2404 (batch.node.ubuntu 24.04): DockerCompatible, verified, no end announced', () => {
    const chosen = chooseImage(IMAGES, { now: NOW });
    expect(chosen).toMatchObject({ name: 'microsoft-dsvm/ubuntu-hpc/2404', overridden: false, image: { nodeAgentSKUId: 'batch.node.ubuntu 24.04' } });
  });

  it('prefers the end of life furthest out, and verified images over unverified ones that last longer', () => {
    const dated = IMAGES.map((i) => (i.imageReference.sku === '2404' ? { ...i, batchSupportEndOfLife: '2029-05-31T00:00:00Z' } : i));
    expect(chooseImage(dated, { now: NOW }).name).toBe('microsoft-dsvm/ubuntu-hpc/2404');
    const only2204AndUnverified = IMAGES.filter((i) => i.imageReference.sku !== '2404');
    expect(chooseImage(only2204AndUnverified, { now: NOW }).name).toBe('microsoft-dsvm/ubuntu-hpc/2204');
    expect(chooseImage(only2204AndUnverified, { now: new Date('2027-07-01T00:00:00Z') }).name).toBe('almalinux/almalinux-hpc/8_10-hpc-gen2');
  });

  it('never picks a Windows container image or one past its end of life', () => {
    const windowsAndOld = IMAGES.filter((i) => i.osType === 'windows' || i.imageReference.sku === '2204');
    expect(() => chooseImage(windowsAndOld, { now: new Date('2027-07-01T00:00:00Z') })).toThrow(/no supported Linux image marked DockerCompatible/);
  });

  it('honours an override that Batch supports for containers, in any letter case', () => {
    expect(chooseImage(IMAGES, { now: NOW, override: 'Microsoft-DSVM/ubuntu-hpc/2204' })).toMatchObject({ name: 'microsoft-dsvm/ubuntu-hpc/2204', overridden: true });
  });

  it('refuses other overrides in one sentence that names what would work', () => {
    const refuse = (override: string, now = NOW) => {
      try {
        chooseImage(IMAGES, { now, override });
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).code).toBe('config-invalid');
        return (e as AppError).message;
      }
      throw new Error('accepted');
    };
    expect(refuse('canonical/ubuntu-24_04-lts/server')).toBe(
      'The image canonical/ubuntu-24_04-lts/server is not a DockerCompatible Linux image in Batch\'s list, so its nodes cannot run the model\'s container. Images that can: microsoft-dsvm/ubuntu-hpc/2404, microsoft-dsvm/ubuntu-hpc/2204, almalinux/almalinux-hpc/8_10-hpc-gen2.',
    );
    expect(refuse('microsoft-azure-batch/ubuntu-server-container/20-04-lts')).toMatch(/^Batch does not support the image microsoft-azure-batch\/ubuntu-server-container\/20-04-lts in this account's region\. Images that can: microsoft-dsvm\/ubuntu-hpc\/2404/);
    expect(refuse('microsoft-dsvm/ubuntu-hpc/2204', new Date('2027-07-01T00:00:00Z'))).toMatch(/^Batch stopped supporting new pools of the image microsoft-dsvm\/ubuntu-hpc\/2204 on 2027-06-30\./);
    expect(refuse('ubuntu-hpc/2404')).toMatch(/^The image setting must be publisher\/offer\/sku/);
  });
});

// --- Nodes ------------------------------------------------------------------------------------------

describe('nodeCounts', () => {
  it('counts Nodes_ListNodes by state, dedicated and Spot apart, in the shape of List Pool Node Counts', async () => {
    const node = (id: string, state: string, isDedicated = true) => ({ id, url: `${ENDPOINT}/pools/p1/nodes/${id}`, state, schedulingState: 'enabled', isDedicated, vmSize: 'Standard_D2_v5', totalTasksRun: 0 });
    const nodes = [
      node('tvm-1695681911_1-20161122t193202z', 'idle'),
      node('tvm-1695681911_2-20161122t193202z', 'running'),
      node('tvm-1695681911_3-20161122t193202z', 'waitingforstarttask'),
      node('tvm-1695681911_4-20161122t193202z', 'running', false),
      node('tvm-1695681911_5-20161122t193202z', 'preempted', false),
      node('tvm-1695681911_6-20161122t193202z', 'starttaskfailed'),
    ];
    const wire = new BatchWire().on('GET', '/pools/p1/nodes', { status: 200, body: { value: nodes } });
    const counts = nodeCounts(await client(wire).listNodes('p1', { select: ['id', 'state', 'isDedicated'] }));
    expect(counts.dedicated).toMatchObject({ total: 4, idle: 1, running: 1, waitingForStartTask: 1, startTaskFailed: 1, preempted: 0 });
    expect(counts.lowPriority).toMatchObject({ total: 2, running: 1, preempted: 1, idle: 0 });
    expect(Object.keys(counts.dedicated).sort()).toEqual(
      ['creating', 'idle', 'offline', 'preempted', 'rebooting', 'reimaging', 'running', 'starting', 'startTaskFailed', 'leavingPool', 'unknown', 'unusable', 'waitingForStartTask', 'deallocated', 'deallocating', 'total', 'upgradingOS'].sort(),
    );
  });

  it('reads List Pool Node Counts', async () => {
    const zero = nodeCounts([]).dedicated;
    const wire = new BatchWire().on('GET', '/nodecounts', { status: 200, body: { value: [{ poolId: 'p1', dedicated: { ...zero, idle: 2, total: 2 }, lowPriority: { ...zero, preempted: 1, total: 1 } }] } });
    const [p1] = await client(wire).listPoolNodeCounts("poolId eq 'p1'");
    expect(p1).toMatchObject({ poolId: 'p1', dedicated: { idle: 2, total: 2 }, lowPriority: { preempted: 1 } });
    expect(wire.requests[0]!.url.searchParams.get('$filter')).toBe("poolId eq 'p1'");
  });
});

const JOB = {
  id: 'jobId',
  url: `${ENDPOINT}/jobs/jobId`,
  eTag: '0x8D4100FC46D5BF4',
  lastModified: '2016-11-19T00:05:27.2137716Z',
  creationTime: '2016-11-19T00:05:25.311915Z',
  state: 'active',
  stateTransitionTime: '2016-11-19T00:05:27.2137716Z',
  priority: 0,
  constraints: { maxWallClockTime: 'P10675199DT2H48M5.4775807S', maxTaskRetryCount: 0 },
  poolInfo: { poolId: 'poolId' },
  executionInfo: { startTime: '2016-11-19T00:05:25.3309105Z', poolId: 'poolId' },
  onAllTasksComplete: 'noaction',
  onTaskFailure: 'noaction',
};

const POOL = {
  id: 'p1',
  url: `${ENDPOINT}/pools/p1`,
  eTag: '0x8D4123BEF87D233',
  lastModified: '2026-11-22T19:32:02.8155319Z',
  creationTime: '2026-11-22T19:30:02.8155319Z',
  state: 'active',
  stateTransitionTime: '2026-11-22T19:30:02.8155319Z',
  allocationState: 'steady',
  vmSize: 'standard_d2s_v5',
  virtualMachineConfiguration: { imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' }, nodeAgentSKUId: 'batch.node.ubuntu 24.04' },
  currentDedicatedNodes: 1,
  currentLowPriorityNodes: 3,
  enableAutoScale: true,
  autoScaleFormula: '$TargetDedicatedNodes = 1; $TargetLowPriorityNodes = min(3, $PendingTasks.GetSample(1)); $NodeDeallocationOption = taskcompletion;',
  autoScaleEvaluationInterval: 'PT15M',
  autoScaleRun: { timestamp: '2026-11-22T19:45:00Z', results: '$TargetDedicatedNodes=1;$TargetLowPriorityNodes=3;$NodeDeallocationOption=taskcompletion' },
  taskSlotsPerNode: 2,
};
