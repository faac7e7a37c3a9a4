import { JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV, RESULT_MARK, resultFromLogs } from '../image/jobContainer';
import { CONTAINER_NAME } from './names';

/**
 * The container group body, as data: what the workflow PUTs for each run (with Logic Apps
 * expressions where a run fills in a value) and what the local twin runs in Docker (with those
 * values filled in). ARM API 2023-05-01.
 */
export interface ContainerGroupBody {
  location: string;
  tags: Record<string, string>;
  properties: {
    osType: 'Linux';
    sku: 'Standard';
    restartPolicy: 'Never';
    containers: Array<{
      name: string;
      properties: {
        image: string;
        command: string[];
        resources: { requests: { cpu: number; memoryInGB: number } };
        environmentVariables: Array<{ name: string; value?: string; secureValue?: string }>;
      };
    }>;
    imageRegistryCredentials?: Array<{ server: string; username: string; password: string } | { server: string; identity: string }>;
  };
  /** With a pull identity: the user-assigned managed identity the group pulls its image as. */
  identity?: { type: 'UserAssigned'; userAssignedIdentities: Record<string, Record<string, never>> };
}

/** Where the run's payload goes (a secure value: ARM never shows it back); the job command, the variable and the result's frame are the platform's. */
export { JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV, RESULT_MARK, resultFromLogs };

export interface ContainerGroupInput {
  location: string;
  tags: Record<string, string>;
  image: string;
  cpu: number;
  memoryGb: number;
  /** The payload as the run gives it (an expression in the workflow, JSON text in the twin). */
  payload: string;
  /** How the group gets into the registry: a login (its password a workflow expression), or a user-assigned identity with AcrPull. */
  registry?: { server: string; username: string; password: string } | { server: string; identity: string };
}

export function containerGroupBody(input: ContainerGroupInput): ContainerGroupBody {
  return {
    location: input.location,
    tags: input.tags,
    properties: {
      osType: 'Linux',
      sku: 'Standard',
      restartPolicy: 'Never',
      containers: [
        {
          name: CONTAINER_NAME,
          properties: {
            image: input.image,
            command: JOB_COMMAND,
            resources: { requests: { cpu: input.cpu, memoryInGB: input.memoryGb } },
            environmentVariables: [{ ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, secureValue: input.payload }],
          },
        },
      ],
      ...(input.registry ? { imageRegistryCredentials: [input.registry] } : {}),
    },
    ...(input.registry && 'identity' in input.registry ? { identity: { type: 'UserAssigned', userAssignedIdentities: { [input.registry.identity]: {} } } } : {}),
  };
}
