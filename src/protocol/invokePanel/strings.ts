/**
 * Every text the invoke panel shows, in English. The host passes each through `vscode.l10n.t`
 * and hands the result to the webview (the webview has no l10n API of its own). `{0}`, `{1}`…
 * are filled in by the webview.
 */
export const invokePanelStrings = {
  payloadHeading: 'Payload',
  pickerLabel: 'Saved payloads and samples',
  pickerNone: 'Choose a saved payload or sample…',
  originSaved: 'saved',
  originSample: 'sample',
  template: 'Template from handler',
  editorLabel: 'Payload JSON',
  send: 'Send',
  sendHint: '{0}+Enter',
  saveNameLabel: 'Payload name',
  saveAs: 'Save as…',
  saveNameInvalid: 'Name the payload with letters, digits, ".", "_" and "-", starting with a letter or digit.',
  saved: 'Saved {0}.',
  responseHeading: 'Response',
  statusNone: 'Not invoked yet',
  statusOk: 'OK',
  statusError: 'Error',
  statusFailed: 'Failed',
  statusSending: 'Sending…',
  responseEmpty: 'Send the payload to see the response here.',
  responseTruncated: '… {0} more characters not shown.',
  chartHeading: 'Recent latencies',
  chartTitle: 'Latency of the last {0} invocations',
  chartEmpty: 'No invocations yet.',
  chartSummary: '{0} invocations, median {1}, slowest {2}, errors: {3}.',
  barLabel: 'Invocation {0}: {1}, {2}',
  jsonValid: 'Valid JSON.',
  jsonEmpty: 'Enter a JSON payload.',
  jsonInvalid: 'Invalid JSON at line {0}, column {1}: {2}.',
  jsonUnexpectedChar: 'unexpected "{0}"',
  jsonUnexpectedEnd: 'unexpected end of input',
  jsonUnterminatedString: 'unterminated string',
  jsonBadEscape: 'invalid escape sequence',
  jsonControlChar: 'control character in a string',
  jsonBadNumber: 'invalid number',
  jsonTrailing: 'more text after the value',
  jsonExpectedColon: 'expected ":"',
  jsonExpectedComma: 'expected "," or a closing bracket',
  jsonExpectedKey: 'expected a property name in double quotes',
} as const;

export type InvokePanelStrings = { readonly [K in keyof typeof invokePanelStrings]: string };
