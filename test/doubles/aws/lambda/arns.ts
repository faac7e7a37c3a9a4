// How Lambda names things: function and layer ARNs, and the FunctionName forms the API accepts.

export interface Place {
  accountId: string;
  region: string;
}

export const functionArn = (p: Place, name: string) => `arn:aws:lambda:${p.region}:${p.accountId}:function:${name}`;
export const layerArn = (p: Place, name: string) => `arn:aws:lambda:${p.region}:${p.accountId}:layer:${name}`;

/** The FunctionName pattern of the service model (CreateFunction takes a name or an ARN). */
export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_ID = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionId {
  name: string;
  region?: string;
  accountId?: string;
  qualifier?: string;
}

/** A function name, partial ARN (123456789012:function:name) or ARN, each with an optional
 * :qualifier; undefined when it is none of them. */
export function parseFunctionId(id: string): FunctionId | undefined {
  const m = FUNCTION_ID.exec(id);
  if (!m) return undefined;
  return { region: m[1], accountId: m[2], name: m[3]!, qualifier: m[4] };
}

/** The layer version ARN pattern the service checks Layers against (mooyoul/serverless-latest-layer-version#10). */
export const LAYER_VERSION_ARN_PATTERN =
  '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)';
const LAYER_VERSION_ARN = new RegExp(`^(?:${LAYER_VERSION_ARN_PATTERN})$`);
export const isLayerVersionArn = (arn: string) => arn.length <= 140 && LAYER_VERSION_ARN.test(arn);

/** The name of a layer given as a name or as a layer ARN (PublishLayerVersion takes both). */
export function layerNameOf(nameOrArn: string): string {
  const m = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:([a-zA-Z0-9-_]+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

/** Lambda's timestamps: ISO 8601 with milliseconds and a +0000 offset. */
export const lambdaTimestamp = (at = new Date()) => at.toISOString().replace('Z', '+0000');
