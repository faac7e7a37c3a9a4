// Which operation a request is: the method and path of each operation exactly as
// @aws-sdk/client-lambda serializes it (restJson1; see the `http` traits in its dist-cjs).
import { createFunction, deleteFunction, downloadCode, getFunction, getFunctionConfiguration, listFunctions, updateFunctionCode, updateFunctionConfiguration } from './functions';
import type { Handler } from './http';
import { invokeHandler, type InvokeDeps } from './invoke';
import { deleteLayerVersion, downloadLayer, getLayerVersion, getLayerVersionByArn, listLayers, listLayerVersions, publishLayerVersion } from './layers';
import { addPermission, getPolicy, removePermission } from './permissions';
import { listTags, tagResource, untagResource } from './tags';
import { createFunctionUrlConfig, deleteFunctionUrlConfig, getFunctionUrlConfig } from './urls';

export interface Route {
  operation: string;
  method: string;
  /** Named groups become the request's params (percent-decoded). */
  path: RegExp;
  /** For a GET that shares its path with another operation: a query parameter that must be there. */
  query?: [string, string];
  handle: Handler;
}

const p = (pattern: string) => new RegExp(`^${pattern}$`);

export function routes(deps: InvokeDeps): Route[] {
  const r = (operation: string, method: string, path: string, handle: Handler, query?: [string, string]): Route => ({
    operation,
    method,
    path: p(path),
    handle,
    query,
  });
  const fn = '/2015-03-31/functions/(?<name>[^/]+)';
  const layer = '/2018-10-31/layers/(?<layer>[^/]+)';
  return [
    r('GetLayerVersionByArn', 'GET', '/2018-10-31/layers', getLayerVersionByArn, ['find', 'LayerVersion']),
    r('ListLayers', 'GET', '/2018-10-31/layers', listLayers),
    r('PublishLayerVersion', 'POST', `${layer}/versions`, publishLayerVersion),
    r('ListLayerVersions', 'GET', `${layer}/versions`, listLayerVersions),
    r('GetLayerVersion', 'GET', `${layer}/versions/(?<version>\\d+)`, getLayerVersion),
    r('DeleteLayerVersion', 'DELETE', `${layer}/versions/(?<version>\\d+)`, deleteLayerVersion),
    r('CreateFunction', 'POST', '/2015-03-31/functions', createFunction),
    r('ListFunctions', 'GET', '/2015-03-31/functions/?', listFunctions),
    r('GetFunction', 'GET', fn, getFunction),
    r('DeleteFunction', 'DELETE', fn, deleteFunction),
    r('GetFunctionConfiguration', 'GET', `${fn}/configuration`, getFunctionConfiguration),
    r('UpdateFunctionConfiguration', 'PUT', `${fn}/configuration`, updateFunctionConfiguration),
    r('UpdateFunctionCode', 'PUT', `${fn}/code`, updateFunctionCode),
    r('Invoke', 'POST', `${fn}/invocations`, invokeHandler(deps)),
    r('AddPermission', 'POST', `${fn}/policy`, addPermission),
    r('GetPolicy', 'GET', `${fn}/policy`, getPolicy),
    r('RemovePermission', 'DELETE', `${fn}/policy/(?<sid>[^/]+)`, removePermission),
    r('ListTags', 'GET', '/2017-03-31/tags/(?<arn>[^/]+)', listTags),
    r('TagResource', 'POST', '/2017-03-31/tags/(?<arn>[^/]+)', tagResource),
    r('UntagResource', 'DELETE', '/2017-03-31/tags/(?<arn>[^/]+)', untagResource),
    r('CreateFunctionUrlConfig', 'POST', '/2021-10-31/functions/(?<name>[^/]+)/url', createFunctionUrlConfig),
    r('GetFunctionUrlConfig', 'GET', '/2021-10-31/functions/(?<name>[^/]+)/url', getFunctionUrlConfig),
    r('DeleteFunctionUrlConfig', 'DELETE', '/2021-10-31/functions/(?<name>[^/]+)/url', deleteFunctionUrlConfig),
    // Not Lambda: where GetFunction's Code.Location and a layer's Content.Location point.
    r('DownloadCode (double)', 'GET', '/__double__/code/(?<name>[^/]+)', downloadCode),
    r('DownloadLayer (double)', 'GET', '/__double__/layers/(?<layer>[^/]+)/versions/(?<version>\\d+)', downloadLayer),
  ];
}

export interface Matched {
  route: Route;
  params: Record<string, string>;
}

export function match(table: readonly Route[], method: string, path: string, query: URLSearchParams): Matched | undefined {
  for (const route of table) {
    if (route.method !== method) continue;
    if (route.query && query.get(route.query[0]) !== route.query[1]) continue;
    const m = route.path.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = safeDecode(v);
    return { route, params };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
