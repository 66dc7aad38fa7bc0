// What an activation module gets: Dysnomia's interface (`<module> <activity> <component>
// <container>`, container properties in the environment), as plain data for the built-in ones.

import type { ServiceStatus } from '../../core/deploy/service-status';
import type { AgentPaths } from '../config';
import type { DysnomiaState } from '../dysnomia-state';

export type Activity = 'activate' | 'deactivate' | 'lock' | 'unlock' | 'snapshot' | 'restore' | 'collect-garbage' | 'shell';

export interface ActivityContext {
  activity: Activity;
  /** Where the component is on this machine. */
  component: string;
  /** The component's store path name without the hash. */
  componentName: string;
  container: string;
  /** The environment the module runs in: the agent's, the container properties, `DYSNOMIA_STATEDIR`. */
  env: NodeJS.ProcessEnv;
  paths: AgentPaths;
  state: DysnomiaState;
  /** How to start this agent again (the `process` module's supervisor is the agent itself). */
  selfCommand: string[];
  /** Where a module's messages go (the agent's standard error). */
  log: (line: string) => void;
}

export type BuiltinModule = (ctx: ActivityContext) => Promise<void>;

/** What a module needs to tell whether a service it activated still runs. */
export type StatusContext = Pick<ActivityContext, 'componentName' | 'container' | 'paths'>;

/** Ours, not Dysnomia's: what a service is doing now, for the modules that can tell. */
export type StatusReader = (ctx: StatusContext) => Omit<ServiceStatus, 'name' | 'container'>;
