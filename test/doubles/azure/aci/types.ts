/** A container group as tests see it (containerGroups()). */
export interface ContainerGroupView {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  provisioningState: string;
  /** instanceView.state: Pending, Running, Succeeded, Failed, Stopped. */
  state: string;
  /** Per container: its Docker container id (once created) and its current state. */
  containers: Array<{ name: string; image: string; dockerId?: string; state: string; exitCode?: number }>;
}

export interface ContainerInstanceService {
  views(): ContainerGroupView[];
  /** Removes every container it started. */
  stop(): Promise<void>;
}
