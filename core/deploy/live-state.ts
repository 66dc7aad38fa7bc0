// What each service instance is doing right now, as far as the coordinator knows: from the
// steps of a deployment under way (activating, running, failed, ...) and from asking the
// targets what their profiles hold (`dnx query`). The editor colours the deployment graph
// with it. Instances are named as in the graph: `target/container/name`.

import { instanceId } from '../plan/graph';
import type { DeployEvent } from './events';

export type LiveState = 'running' | 'activating' | 'deactivating' | 'stopped' | 'failed';

export interface LiveStates {
  /** Instance id -> state. */
  states: Record<string, LiveState>;
  /** Targets whose every running service is known: an instance there without a state is not running. */
  known: string[];
}

/** One instance's state after a deployment step, or undefined when the step says nothing about it. */
export function stateAfter(e: DeployEvent): LiveState | undefined {
  if (!e.activity || !e.service) return undefined;
  if (e.state === 'failed') return 'failed';
  if (e.activity === 'activate') return e.state === 'start' ? 'activating' : 'running';
  return e.state === 'start' ? 'deactivating' : 'stopped';
}

export class LiveStateBook {
  private readonly states = new Map<string, LiveState>();
  private readonly known = new Set<string>();

  constructor(private readonly changed: () => void = () => undefined) {}

  /** A deployment step: the instance it is about changes state. */
  step(e: DeployEvent): void {
    const state = stateAfter(e);
    if (!state || !e.target || !e.container || !e.service) return;
    this.states.set(instanceId(e.target, e.container, e.service), state);
    this.changed();
  }

  /** What a target's profile holds: exactly these run there, and nothing else. */
  installed(target: string, services: { name: string; container: string }[]): void {
    this.forget(target);
    this.known.add(target);
    for (const s of services) this.states.set(instanceId(target, s.container, s.name), 'running');
    this.changed();
  }

  /** A target that could not be asked: nothing is known about it. */
  unknown(target: string): void {
    this.forget(target);
    this.changed();
  }

  snapshot(): LiveStates {
    return { states: Object.fromEntries(this.states), known: [...this.known].sort() };
  }

  private forget(target: string): void {
    this.known.delete(target);
    for (const id of this.states.keys()) if (id.startsWith(`${target}/`)) this.states.delete(id);
  }
}
