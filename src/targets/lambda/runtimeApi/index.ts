// The project's own Lambda Runtime API (the local twin's server); see server.ts.
export { RuntimeApiServer } from './server';
export * from './types';
