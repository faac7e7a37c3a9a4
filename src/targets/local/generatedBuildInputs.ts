import { AppError } from '../../core/errors';
import type { BuildInputsFactory } from './buildInputs';

/** Adapter from the Dockerfile generator (src/core/docker) to BuildInputs. */
export const generatedBuildInputs: BuildInputsFactory = () => {
  throw new AppError('internal', 'The Dockerfile generator is not available in this build.');
};
