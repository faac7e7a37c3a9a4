import { rfc1123 } from '../../model/common';
import { taskView } from '../../model/taskBody';
import type { TaskRecord } from '../../model/types';
import { BatchError, invalidProperty, taskFilesUnavailable } from '../errors';
import { list } from '../odata';
import { created, DataRouter, done, entity, type DataReply, type DataRequest } from '../router';

/**
 * Tasks on the data plane (2025-06-01): Create, Create Collection (at most 100 tasks and 1 MB),
 * Get, List, Delete, Terminate, Reactivate, and the task's files: List, Get (whole or by
 * `ocp-range`) and Get Properties (HEAD). A ranged read answers 200 with the range's bytes, as the
 * spec's only success status for Tasks_GetTaskFile; the file's size is HEAD's Content-Length.
 */
const MAX_COLLECTION = 100;
const MAX_COLLECTION_BYTES = 1024 * 1024;

export function registerTaskRoutes(router: DataRouter): void {
  const job = (r: DataRequest) => r.svc.jobs.get(r.params.jobId!);
  const task = (r: DataRequest) => {
    const j = job(r);
    return r.svc.jobs.task(j, r.params.taskId!);
  };
  const url = (r: DataRequest, t: TaskRecord) => `${r.svc.state.url}/jobs/${t.jobId}/tasks/${t.id}`;

  router.add('POST', '/jobs/{jobId}/tasks', 'Tasks_CreateTask', (r) => {
    const t = r.svc.jobs.addTask(job(r), r.body);
    return created(url(r, t), t.eTag, t.lastModified);
  });

  router.add('POST', '/jobs/{jobId}/addtaskcollection', 'Tasks_CreateTaskCollection', (r) => {
    const j = job(r);
    r.svc.jobs.acceptsTasks(j);
    const values = (r.body as { value?: unknown } | undefined)?.value;
    if (!Array.isArray(values)) throw invalidProperty('value', values, 'The collection of Tasks to add is required.');
    if (values.length > MAX_COLLECTION) throw invalidProperty('value', `${values.length} tasks`, `The maximum count of Tasks is ${MAX_COLLECTION}.`);
    if (Buffer.byteLength(JSON.stringify(r.body)) > MAX_COLLECTION_BYTES) throw new BatchError(413, 'RequestBodyTooLarge', 'The size of the request body exceeds the maximum size permitted.');
    const results = values.map((v) => {
      const outcome = r.svc.jobs.addOne(j, v);
      const taskId = typeof (v as { id?: unknown })?.id === 'string' ? (v as { id: string }).id : '';
      if (outcome instanceof BatchError) return { status: outcome.status >= 500 ? 'servererror' : 'clienterror', taskId, error: outcome.inner() };
      return { status: 'success', taskId: outcome.id, eTag: outcome.eTag, lastModified: new Date(outcome.lastModified).toISOString(), location: url(r, outcome) };
    });
    r.svc.jobs.touch(j);
    r.svc.scheduler.kick();
    return { status: 200, body: { 'odata.metadata': `${r.svc.state.url}/$metadata#taskaddresult`, value: results } };
  });

  router.add('GET', '/jobs/{jobId}/tasks', 'Tasks_ListTasks', (r) => {
    const j = job(r);
    const tasks = [...j.tasks.values()].sort((a, b) => a.sequence - b.sequence);
    return { status: 200, body: list(tasks.map((t) => taskView(r.svc.state, t)), r.query, r.svc.state.url, `/jobs/${j.id}/tasks`) };
  });

  router.add('GET', '/jobs/{jobId}/tasks/{taskId}', 'Tasks_GetTask', (r) => {
    const t = task(r);
    return { ...entity(r.svc, 'tasks', taskView(r.svc.state, t), t.eTag, t.lastModified), headers: { ETag: t.eTag, 'Last-Modified': rfc1123(t.lastModified), DataServiceId: url(r, t) } };
  });

  router.add('DELETE', '/jobs/{jobId}/tasks/{taskId}', 'Tasks_DeleteTask', (r) => {
    const j = job(r);
    r.svc.jobs.deleteTask(j, r.svc.jobs.task(j, r.params.taskId!));
    return { status: 200 };
  });

  router.add('POST', '/jobs/{jobId}/tasks/{taskId}/terminate', 'Tasks_TerminateTask', (r) => {
    const j = job(r);
    const t = r.svc.jobs.task(j, r.params.taskId!);
    r.svc.jobs.terminateTask(j, t);
    return done(204, url(r, t), t.eTag, t.lastModified);
  });

  router.add('POST', '/jobs/{jobId}/tasks/{taskId}/reactivate', 'Tasks_ReactivateTask', (r) => {
    const j = job(r);
    const t = r.svc.jobs.task(j, r.params.taskId!);
    r.svc.jobs.reactivate(j, t);
    return done(204, url(r, t), t.eTag, t.lastModified);
  });

  router.add('GET', '/jobs/{jobId}/tasks/{taskId}/files', 'Tasks_ListTaskFiles', async (r) => {
    const t = task(r);
    if (!t.directory) throw taskFilesUnavailable();
    const files = await r.svc.disks.list(t.directory, r.query.get('recursive') === 'true');
    const items = files.map((f) => ({
      name: f.name,
      url: `${url(r, t)}/files/${f.name}`,
      isDirectory: f.isDirectory,
      ...(f.isDirectory ? {} : { properties: { lastModified: new Date(f.modified).toISOString(), contentLength: String(f.size), contentType: 'application/octet-stream', fileMode: f.mode } }),
    }));
    return { status: 200, body: list(items, r.query, r.svc.state.url, `/jobs/${t.jobId}/tasks/${t.id}/files`) };
  });

  router.add('GET', '/jobs/{jobId}/tasks/{taskId}/files/{filePath}', 'Tasks_GetTaskFile', async (r) => {
    const t = task(r);
    if (!t.directory) throw taskFilesUnavailable();
    const filePath = r.params.filePath!;
    const range = r.headers['ocp-range'];
    const info = await r.svc.disks.info(t.directory, filePath);
    const { data } = await r.svc.disks.read(t.directory, filePath, Array.isArray(range) ? range[0] : range);
    return { status: 200, headers: fileHeaders(url(r, t), filePath, info), body: data };
  });

  router.add('HEAD', '/jobs/{jobId}/tasks/{taskId}/files/{filePath}', 'Tasks_GetTaskFileProperties', async (r) => {
    const t = task(r);
    if (!t.directory) throw taskFilesUnavailable();
    const info = await r.svc.disks.info(t.directory, r.params.filePath!);
    return { status: 200, headers: { ...fileHeaders(url(r, t), r.params.filePath!, info), 'Content-Length': String(info.size) }, body: Buffer.alloc(0) } satisfies DataReply;
  });
}

function fileHeaders(taskUrl: string, filePath: string, info: { isDirectory: boolean; modified: number; mode: string }): Record<string, string> {
  return {
    'ocp-batch-file-isdirectory': String(info.isDirectory),
    'ocp-batch-file-url': `${taskUrl}/files/${encodeURIComponent(filePath).replace(/%2F/g, '/')}`,
    'ocp-batch-file-mode': info.mode,
    'Last-Modified': rfc1123(info.modified),
  };
}
