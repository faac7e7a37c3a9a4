/*
 * R Deploy's own client of the Azure Batch data plane, 2025-06-01 (the @azure/batch on our
 * registry speaks 2022-10-01.16.0, a retiring version). Pure: no vscode, SDKs loaded on first use.
 */
export { BatchClient, type CallOptions } from './BatchClient';
export { BatchError, batchErrorFrom } from './BatchError';
export { chooseImage, imageName, DOCKER_COMPATIBLE, type ChosenImage, type ChooseImageOptions } from './images';
export { nodeCounts, emptyNodeCounts, type PoolNodeCounts } from './nodeCounts';
export { BATCH_API_VERSION, BATCH_JSON, batchRequests, ocpRange, MAX_TASKS_PER_COLLECTION, MAX_NODES_PER_REMOVE, type BatchRequest, type ByteRange } from './requests';
export * from './schemas';
export { tailTaskFile, type TailChunk, type TailOptions, type TailSource } from './tail';
export { chunkTasks, TASK_EXISTS, type AddTasksResult } from './taskCollection';
export { BATCH_SCOPE, batchEndpoint, type BatchConnection } from './transport';
export type * from './types';
