// The executor against simulated targets (core/deploy/transports/memory.ts): the steps a run
// performs are the steps its plan prints, for every combination of the options that change
// them; and a table of faults (a step fails, the deployment is cancelled, a target is lost, a
// lock is held) with the exit status, the journal and what runs afterwards.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TargetError } from '../../core/deploy/errors';
import { execute, type DeployResult } from '../../core/deploy/executor';
import type { DeployEvent } from '../../core/deploy/events';
import { DeployJournal } from '../../core/deploy/journal';
import type { Request } from '../../core/deploy/protocol';
import type { LocalStore } from '../../core/deploy/store';
import { MemoryClient, MemoryTarget, type SimulatedBehaviour } from '../../core/deploy/transports/memory';
import { planTransition, type Step, type TransitionOptions } from '../../core/plan/transition';
import { mappingKey, type Manifest } from '../../core/plan/types';
import { manifest } from '../plan/fixture';

const infrastructure = `{
  test1 = { properties.hostname = "test1"; containers.process = { }; };
  test2 = { properties.hostname = "test2"; numOfCores = 2; containers.process = { }; };
  test3 = { properties.hostname = "test3"; containers.process = { }; };
}`;

const models = (dbTarget: string, version = 'v1') => ({
  services: `
  Db = { name = "Db"; type = "process"; deployState = true; pkg = drv "db" "echo db > $out"; };
  Api = { name = "Api"; type = "process"; dependsOn = { inherit Db; }; pkg = { Db }: drv "api" "echo \${Db.target.properties.hostname} ${version} > $out"; };
  Web = { name = "Web"; type = "process"; dependsOn = { inherit Api; }; pkg = { Api }: drv "web" "echo > $out"; };
  Mon = { name = "Mon"; type = "process"; connectsTo = { inherit Db; }; pkg = { Db }: drv "mon" "echo > $out"; };`,
  infrastructure,
  distribution: `{ Db = [ infrastructure.${dbTarget} ]; Api = [ infrastructure.test1 ]; Web = [ infrastructure.test1 ]; Mon = [ infrastructure.test2 ]; }`,
});

/** A built manifest, as realise makes it: every target's profile has a path. */
async function built(m: Parameters<typeof models>): Promise<Manifest> {
  const out = await manifest(models(...m));
  for (const [t, p] of Object.entries(out.profiles)) p.path = `/nix/store/${t.padEnd(32, '0').slice(0, 32)}-profile-${JSON.stringify(m).length}`;
  return out;
}

// A store's closure is all the executor asks of it; the simulated targets take no bytes.
const store = { closure: (paths: string[]) => paths } as unknown as LocalStore;

/** A network of simulated targets, each running what `deployed` says. */
function network(deployed: Manifest | undefined, behaviour: SimulatedBehaviour = {}) {
  const targets = new Map<string, MemoryTarget>();
  for (const t of ['test1', 'test2', 'test3']) targets.set(t, new MemoryTarget());
  if (deployed) {
    for (const m of deployed.serviceMappings) targets.get(m.target)!.running.push(mappingKey({ service: deployed.services[m.service].pkg!, target: m.target, container: m.container }));
    for (const [t, p] of Object.entries(deployed.profiles)) {
      targets.get(t)!.profiles.set('default', p.path!);
      targets.get(t)!.paths.add(p.path!);
    }
  }
  const clients = new Map([...targets].map(([t, s]) => [t, new MemoryClient(t, s, behaviour)]));
  return { targets, client: (t: string) => clients.get(t)! };
}

/** What runs on each target, as service names. */
function runs(net: ReturnType<typeof network>, ...manifests: Manifest[]): Record<string, string[]> {
  const names = new Map(manifests.flatMap((m) => Object.values(m.services).map((s) => [s.pkg!, s.name] as const)));
  return Object.fromEntries([...net.targets].map(([t, s]) => [t, s.running.map((k) => names.get(k.split('\0')[0]) ?? k).sort()]));
}

const stepName = (kind: string, target?: string, service?: string) => [kind, target, service].filter(Boolean).join(' ');

async function run(next: Manifest, previous: Manifest | undefined, options: TransitionOptions, net = network(previous), extra: { signal?: AbortSignal; noRollback?: boolean; onEvent?: (e: DeployEvent) => void; journal?: DeployJournal } = {}) {
  const plan = planTransition(next, previous, options);
  const events: DeployEvent[] = [];
  let committed = 0;
  const result: DeployResult = await execute(plan, {
    client: net.client,
    distribute: { store },
    targets: { profile: 'default', lockOwner: 'test' },
    commit: () => void committed++,
    ...extra,
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { plan, result, events, committed, net };
}

describe('executor: the plan printed is the plan run', () => {
  const combinations: TransitionOptions[] = [
    {},
    { noUpgrade: true },
    { noLock: true },
    { noMigration: true },
    { deleteState: true },
    { noTargetProfiles: true },
    { noCoordinatorProfile: true },
    { noUpgrade: true, deleteState: true },
    { noLock: true, noMigration: true, noTargetProfiles: true, noCoordinatorProfile: true },
  ];
  for (const options of combinations) {
    for (const [what, before, after] of [
      ['a first deployment', undefined, ['test2'] as const],
      ['an upgrade that moves Db with its state and changes Api', ['test2'] as const, ['test3', 'v2'] as const],
    ] as const) {
      it(`${what}, ${JSON.stringify(options)}`, async () => {
        const previous = before ? await built([...before]) : undefined;
        const next = await built([...after]);
        const { plan, result, events } = await run(next, previous, options);
        assert.equal(result.status, 0, result.error?.message);
        const planned = plan.steps.filter((s: Step) => s.kind !== 'build').map((s) => stepName(s.kind, s.target, s.service));
        const performed = events.filter((e) => e.state === 'start').map((e) => stepName(e.phase, e.target, e.service));
        assert.deepEqual([...performed].sort(), [...planned].sort());
        // Steps of a kind run in the plan's order of kinds.
        const kinds = (list: string[]) => list.map((s) => s.split(' ')[0]).filter((k, i, all) => k !== all[i - 1]);
        assert.deepEqual(kinds(performed), kinds(planned));
      });
    }
  }
});

describe('executor: faults', () => {
  /** Fails the first `op` on `target` (of a package whose name has `pkgPart`); a retry, as a rollback makes, succeeds. */
  const failOn = (op: Request['op'], target: string, pkgPart?: string): SimulatedBehaviour => {
    let failed = false;
    return {
      fail: (req, t) => {
        if (failed || req.op !== op || t !== target || (pkgPart && !('path' in req && req.path.includes(pkgPart)))) return undefined;
        failed = true;
        return `${op} failed on purpose`;
      },
    };
  };
  const faults: { name: string; behaviour: SimulatedBehaviour; status: number; error: RegExp; runsAfter: 'old' | 'new'; journal: 'removed' | 'kept'; committed: number }[] = [
    { name: 'an activation fails', behaviour: failOn('activate', 'test1', '-api'), status: 1, error: /activate failed on purpose/, runsAfter: 'old', journal: 'kept', committed: 0 },
    { name: 'a deactivation fails', behaviour: failOn('deactivate', 'test1', '-web'), status: 1, error: /deactivate failed on purpose/, runsAfter: 'old', journal: 'kept', committed: 0 },
    { name: 'a target profile cannot be set', behaviour: failOn('set', 'test2'), status: 1, error: /set failed on purpose/, runsAfter: 'old', journal: 'kept', committed: 0 },
    { name: 'restoring state fails', behaviour: failOn('restore', 'test3'), status: 1, error: /restore failed on purpose/, runsAfter: 'old', journal: 'kept', committed: 0 },
    {
      name: 'an activation fails and so does removing a new service',
      behaviour: { fail: (req, t) => (req.op === 'activate' && t === 'test1' && 'path' in req && req.path.includes('-api') ? 'activate failed' : req.op === 'deactivate' && t === 'test3' ? 'deactivate failed' : undefined) },
      status: 3,
      error: /activate failed/,
      runsAfter: 'new',
      journal: 'kept',
      committed: 0,
    },
    { name: 'a target is lost before anything is sent', behaviour: { fail: (_req, t) => (t === 'test3' ? 'the SSH connection was lost' : undefined) }, status: 1, error: /connection was lost/, runsAfter: 'old', journal: 'removed', committed: 0 },
  ];
  for (const f of faults) {
    it(`${f.name}: status ${f.status}, ${f.runsAfter === 'old' ? 'the previous configuration runs' : 'a new service is left running'}`, async () => {
      const previous = await built(['test2']);
      const next = await built(['test3', 'v2']);
      const net = network(previous, f.behaviour);
      const journal = new DeployJournal(join(mkdtempSync(join(tmpdir(), 'dnx-exec-')), 'journal'));
      const { result, committed } = await run(next, previous, {}, net, { journal });
      assert.equal(result.status, f.status);
      assert.match(result.error?.message ?? '', f.error);
      assert.equal(committed, f.committed);
      if (f.runsAfter === 'old') assert.deepEqual(runs(net, previous, next), { test1: ['Api', 'Web'], test2: ['Db', 'Mon'], test3: [] });
      else assert.ok(runs(net, previous, next).test3.includes('Db'), 'the new Db could not be removed');
      for (const [t, s] of net.targets) assert.equal(s.locks.size, 0, `${t} is unlocked`);
      for (const [t, s] of net.targets) if (f.status === 1) assert.equal(s.profiles.get('default'), previous.profiles[t]?.path, `${t} keeps its profile`);
      assert.equal(journal.read() !== undefined, f.journal === 'kept');
    });
  }

  it('cancelled during the activations: nothing new starts, what changed is undone', async () => {
    const previous = await built(['test2']);
    const next = await built(['test3', 'v2']);
    const controller = new AbortController();
    const { result, events, net } = await run(next, previous, {}, undefined, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.phase === 'activate' && e.state === 'done') controller.abort();
      },
    });
    assert.equal(result.status, 1);
    assert.match(result.error!.message, /cancelled/);
    assert.equal(events.filter((e) => e.phase === 'activate' && e.state === 'start').length, 1, 'only the first activation ran');
    assert.deepEqual(runs(net, previous, next), { test1: ['Api', 'Web'], test2: ['Db', 'Mon'], test3: [] });
  });

  it('a lock held by someone else: nothing is changed, the other targets are unlocked again', async () => {
    const previous = await built(['test2']);
    const next = await built(['test3', 'v2']);
    const net = network(previous);
    net.targets.get('test2')!.locks.set('default', 'alice at the console');
    const { result, events } = await run(next, previous, {}, net);
    assert.equal(result.status, 1);
    assert.match(result.error!.message, /locked by alice at the console/);
    assert.deepEqual(result.error instanceof TargetError && result.error.refusal, { kind: 'locked', holder: 'alice at the console' }, 'the refusal is known as data');
    assert.equal(events.filter((e) => e.phase === 'activate' || e.phase === 'deactivate').length, 0);
    assert.deepEqual([...net.targets].map(([t, s]) => [t, [...s.locks.values()]]), [['test1', []], ['test2', ['alice at the console']], ['test3', []]]);
  });

  it('--no-rollback leaves a failed activation as it is', async () => {
    const previous = await built(['test2']);
    const next = await built(['test3', 'v2']);
    const net = network(previous, failOn('activate', 'test1', '-api'));
    const { result, events } = await run(next, previous, {}, net, { noRollback: true });
    assert.equal(result.status, 1);
    assert.equal(events.filter((e) => e.phase === 'rollback').length, 0);
    assert.ok(runs(net, previous, next).test3.includes('Db'), 'the new Db still runs');
  });
});
