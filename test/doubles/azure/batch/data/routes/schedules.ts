import type { ScheduleRecord } from '../../model/types';
import { list } from '../odata';
import { created, DataRouter, done, entity, type DataRequest } from '../router';

/**
 * Job schedules on the data plane (2025-06-01): Create, Get, Exists (HEAD), List, Update (PATCH),
 * Replace (PUT), Delete, Disable, Enable, Terminate.
 */
export function registerScheduleRoutes(router: DataRouter): void {
  const schedule = (r: DataRequest) => r.svc.schedules.get(r.params.jobScheduleId!);
  const url = (r: DataRequest, s: ScheduleRecord) => `${r.svc.state.url}/jobschedules/${s.id}`;

  router.add('POST', '/jobschedules', 'JobSchedules_CreateJobSchedule', (r) => {
    const s = r.svc.schedules.create(r.body);
    return created(url(r, s), s.eTag, s.lastModified);
  });

  router.add('GET', '/jobschedules', 'JobSchedules_ListJobSchedules', (r) => ({
    status: 200,
    body: list([...r.svc.state.schedules.values()].map((s) => r.svc.schedules.view(s)), r.query, r.svc.state.url, '/jobschedules'),
  }));

  router.add('GET', '/jobschedules/{jobScheduleId}', 'JobSchedules_GetJobSchedule', (r) => {
    const s = schedule(r);
    return entity(r.svc, 'jobschedules', r.svc.schedules.view(s), s.eTag, s.lastModified);
  });

  router.add('HEAD', '/jobschedules/{jobScheduleId}', 'JobSchedules_JobScheduleExists', (r) => {
    const s = r.svc.state.schedule(r.params.jobScheduleId!);
    return s ? done(200, url(r, s), s.eTag, s.lastModified) : { status: 404 };
  });

  router.add('PATCH', '/jobschedules/{jobScheduleId}', 'JobSchedules_UpdateJobSchedule', (r) => {
    const s = schedule(r);
    r.svc.schedules.update(s, r.body, false);
    return done(200, url(r, s), s.eTag, s.lastModified);
  });

  router.add('PUT', '/jobschedules/{jobScheduleId}', 'JobSchedules_ReplaceJobSchedule', (r) => {
    const s = schedule(r);
    r.svc.schedules.update(s, r.body, true);
    return done(200, url(r, s), s.eTag, s.lastModified);
  });

  router.add('DELETE', '/jobschedules/{jobScheduleId}', 'JobSchedules_DeleteJobSchedule', (r) => {
    r.svc.schedules.delete(schedule(r));
    return { status: 202 };
  });

  router.add('POST', '/jobschedules/{jobScheduleId}/disable', 'JobSchedules_DisableJobSchedule', (r) => {
    const s = schedule(r);
    r.svc.schedules.disable(s);
    return done(204, url(r, s));
  });

  router.add('POST', '/jobschedules/{jobScheduleId}/enable', 'JobSchedules_EnableJobSchedule', (r) => {
    const s = schedule(r);
    r.svc.schedules.enable(s);
    return done(204, url(r, s));
  });

  router.add('POST', '/jobschedules/{jobScheduleId}/terminate', 'JobSchedules_TerminateJobSchedule', (r) => {
    const s = schedule(r);
    r.svc.schedules.terminate(s);
    return done(202, url(r, s));
  });
}
