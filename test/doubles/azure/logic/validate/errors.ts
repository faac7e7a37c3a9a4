import { ArmError } from '../../errors';
import { printPath, type JsonPath, type JsonPositions } from './offsets';

/**
 * How Logic Apps words a definition it refuses on save. Two families, both quoted by users of
 * the service: the deserializer's ("The request content is not valid and could not be
 * deserialized: 'Could not find member 'recurrence' on object of type 'FlowTemplateAction'.
 * Path '…', line 1, position 583.'") and the template validator's ("The template validation
 * failed: 'The template action 'X' at line '1' and column '43845' is not valid: \"…\".'").
 */

export const notDeserialized = (positions: JsonPositions, path: JsonPath, what: string) =>
  new ArmError(400, 'InvalidRequestContent', `The request content is not valid and could not be deserialized: '${what} Path '${printPath(path)}', line 1, position ${positions.after(path)}.'.`);

export const templateFailed = (inner: string) => new ArmError(400, 'InvalidTemplate', `The template validation failed: '${inner}'.`);

/** `The template action 'X' at line '1' and column 'N' is not valid: "reason".` */
export const actionNotValid = (positions: JsonPositions, path: JsonPath, name: string, reason: string) =>
  templateFailed(`The template action '${name}' at line '1' and column '${positions.column(path)}' is not valid: "${reason}".`);

export const triggerNotValid = (positions: JsonPositions, path: JsonPath, name: string, reason: string) =>
  new ArmError(400, 'WorkflowTriggerIsNotValid', `The template trigger '${name}' at line '1' and column '${positions.column(path)}' is not valid: "${reason}".`);
