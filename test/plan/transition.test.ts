// The transition plan: ordering of deactivations and activations, numOfCores, replicas,
// moves, changed dependencies, removed targets, undeploy, --no-upgrade, state migration.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withBuilds } from '../../core/plan/identity';
import { planTransition, type Step, type TransitionPlan as Plan } from '../../core/plan/transition';
import { emptyManifest } from '../../core/plan/types';
import { hashOf, manifest, twoTargets } from './fixture';

const steps = (p: Plan, kind: Step['kind']) => p.steps.filter((s) => s.kind === kind);
const rounds = (p: Plan, kind: Step['kind']) => steps(p, kind).map((s) => `${s.round}:${s.service}@${s.target}`);
const change = (p: Plan, service: string, target: string) => p.changes.find((c) => c.service === service && c.target === target);

function chainServices(n: number): string {
  const out = ['  s0 = { name = "s0"; type = "process"; pkg = drv "s0" "echo > $out"; };'];
  for (let i = 1; i < n; i++) out.push(`  s${i} = { name = "s${i}"; type = "process"; dependsOn = { d = s${i - 1}; }; pkg = { d }: drv "s${i}" "echo \${d.name} > $out"; };`);
  return out.join('\n');
}

const three = `{
  test1 = { properties.hostname = "test1"; containers.process = { }; };
  test2 = { properties.hostname = "test2"; containers.process = { }; };
  test3 = { properties.hostname = "test3"; containers.process = { }; };
}`;

const web = (dbTarget: string, dbScript = 'db') => ({
  services: `
  Db = { name = "Db"; type = "process"; deployState = true; pkg = drv "db" "echo ${dbScript} > $out"; };
  Api = { name = "Api"; type = "process"; dependsOn = { inherit Db; }; pkg = { Db }: drv "api" "echo \${Db.target.properties.hostname} > $out"; };
  Web = { name = "Web"; type = "process"; dependsOn = { inherit Api; }; pkg = { Api }: drv "web" "echo > $out"; };
  Mon = { name = "Mon"; type = "process"; connectsTo = { inherit Db; }; pkg = { Db }: drv "mon" "echo \${Db.target.properties.hostname} > $out"; };`,
  infrastructure: three,
  distribution: `{ Db = [ infrastructure.${dbTarget} ]; Api = [ infrastructure.test1 ]; Web = [ infrastructure.test1 ]; Mon = [ infrastructure.test2 ]; }`,
});

describe('transition plan', () => {
  it('activates a deep dependency chain one link per round, dependencies first', async () => {
    const m = await manifest({ services: chainServices(30), infrastructure: twoTargets, distribution: `{ ${Array.from({ length: 30 }, (_, i) => `s${i} = [ infrastructure.test${1 + (i % 2)} ];`).join(' ')} }` });
    const p = planTransition(m, undefined);
    assert.deepEqual(rounds(p, 'activate'), Array.from({ length: 30 }, (_, i) => `${i + 1}:s${i}@test${1 + (i % 2)}`));
    assert.deepEqual(p.summary, { new: 30, removed: 0, changed: 0, unchanged: 0 });
    assert.deepEqual(steps(p, 'deactivate'), []);
  });

  it('runs at most numOfCores activations at a time per target', async () => {
    const services = Array.from({ length: 5 }, (_, i) => `  s${i} = { name = "s${i}"; type = "process"; pkg = drv "s${i}" "echo > $out"; };`).join('\n');
    const m = await manifest({ services, infrastructure: twoTargets, distribution: `{ ${Array.from({ length: 5 }, (_, i) => `s${i} = [ infrastructure.test2 infrastructure.test1 ];`).join(' ')} }` });
    const p = planTransition(m, undefined);
    const perRound = (target: string) => steps(p, 'activate').filter((s) => s.target === target).reduce((acc, s) => ((acc[s.round! - 1] = (acc[s.round! - 1] ?? 0) + 1), acc), [] as number[]);
    assert.deepEqual(perRound('test2'), [2, 2, 1], 'test2 has 2 cores');
    assert.deepEqual(perRound('test1'), [1, 1, 1, 1, 1], 'test1 has 1');
  });

  it('activates a dependent after every replica of its dependency', async () => {
    const m = await manifest({
      services: `
  Db = { name = "Db"; type = "process"; pkg = drv "db" "echo > $out"; };
  Web = { name = "Web"; type = "process"; dependsOn = { inherit Db; }; pkg = { Db }: drv "web" "echo > $out"; };`,
      infrastructure: three,
      distribution: '{ Db = [ infrastructure.test1 infrastructure.test2 infrastructure.test3 ]; Web = [ infrastructure.test1 ]; }',
    });
    assert.deepEqual(rounds(planTransition(m, undefined), 'activate'), ['1:Db@test1', '1:Db@test2', '1:Db@test3', '2:Web@test1']);
  });

  it('moves a service: removed on the old target, new on the other, dependents redeployed with the reason', async () => {
    const before = await manifest(web('test2'));
    const after = await manifest(web('test3'));
    const p = planTransition(after, before);
    assert.deepEqual(change(p, 'Db', 'test2'), { service: 'Db', target: 'test2', container: 'process', status: 'removed', reasons: ['moved to test3'] });
    assert.deepEqual(change(p, 'Db', 'test3')?.reasons, ['moved from test2']);
    assert.deepEqual(change(p, 'Api', 'test1')?.reasons, ['its build changed', 'its dependency Db moved from test2 to test3']);
    assert.deepEqual(change(p, 'Web', 'test1')?.reasons, ['its dependency Api changed']);
    assert.equal(change(p, 'Mon', 'test2')?.status, 'changed', "Mon's build reads Db's location");
    // Dependents go first on the way out, dependencies first on the way in.
    assert.deepEqual(rounds(p, 'deactivate'), ['1:Web@test1', '1:Mon@test2', '2:Api@test1', '3:Db@test2']);
    assert.deepEqual(rounds(p, 'activate'), ['1:Mon@test2', '1:Db@test3', '2:Api@test1', '3:Web@test1']);
    // Db keeps its state: snapshot where it ran, restore where it goes.
    assert.deepEqual(p.steps.filter((s) => s.kind === 'snapshot' || s.kind === 'restore').map((s) => `${s.kind} ${s.service}@${s.target}`), ['snapshot Db@test2', 'restore Db@test3']);
  });

  it('redeploys dependents of a changed build along dependsOn only', async () => {
    const p = planTransition(await manifest(web('test2', 'v2')), await manifest(web('test2', 'v1')));
    assert.deepEqual(change(p, 'Db', 'test2')?.reasons, ['its build changed']);
    assert.deepEqual(change(p, 'Api', 'test1')?.reasons, ['its dependency Db changed']);
    assert.equal(change(p, 'Mon', 'test2')?.status, 'unchanged', 'connectsTo is not part of the identity');
    assert.deepEqual(rounds(p, 'activate'), ['1:Db@test2', '2:Api@test1', '3:Web@test1']);
  });

  it('plans nothing when the models match what is deployed', async () => {
    const m = await manifest(web('test2'));
    const p = planTransition(m, structuredClone(m));
    assert.deepEqual(p.summary, { new: 0, removed: 0, changed: 0, unchanged: 4 });
    assert.deepEqual(p.steps.filter((s) => ['build', 'activate', 'deactivate', 'snapshot', 'restore'].includes(s.kind)), []);
    assert.deepEqual(steps(p, 'distribute').map((s) => [s.target, s.paths]), [['test1', []], ['test2', []], ['test3', []]], 'each target is only asked what it lacks');
  });

  it('does not deactivate on a target that left the infrastructure', async () => {
    const before = await manifest(web('test3'));
    const after = await manifest({ ...web('test2'), infrastructure: '{ test1 = { properties.hostname = "test1"; containers.process = { }; }; test2 = { properties.hostname = "test2"; containers.process = { }; }; }' });
    const p = planTransition(after, before);
    assert.deepEqual(change(p, 'Db', 'test3'), { service: 'Db', target: 'test3', container: 'process', status: 'removed', reasons: ['moved to test2'] });
    assert.ok(!steps(p, 'deactivate').some((s) => s.target === 'test3'));
    assert.ok(!steps(p, 'lock').some((s) => s.target === 'test3'));
  });

  it('undeploys everything, dependents first', async () => {
    const before = await manifest(web('test2'));
    const p = planTransition(emptyManifest(before.infrastructure), before);
    assert.deepEqual(p.summary, { new: 0, removed: 4, changed: 0, unchanged: 0 });
    assert.deepEqual(rounds(p, 'deactivate'), ['1:Web@test1', '1:Mon@test2', '2:Api@test1', '3:Db@test2']);
    assert.deepEqual(steps(p, 'activate'), []);
    assert.deepEqual(steps(p, 'set-profile').map((s) => [s.target, s.paths]), [['test1', []], ['test2', []], ['test3', []]]);
  });

  it('with --no-upgrade activates everything again and deactivates nothing', async () => {
    const m = await manifest(web('test2'));
    const p = planTransition(m, structuredClone(m), { noUpgrade: true });
    assert.equal(steps(p, 'activate').length, 4);
    assert.deepEqual(steps(p, 'deactivate'), []);
    assert.equal(p.upgrade, false);
  });

  it('leaves out locks with --no-lock and state moves with --no-migration', async () => {
    const p = planTransition(await manifest(web('test3')), await manifest(web('test2')), { noLock: true, noMigration: true });
    assert.deepEqual(p.steps.filter((s) => ['lock', 'unlock', 'snapshot', 'restore'].includes(s.kind)), []);
  });

  it('leaves out the profiles with --no-target-profiles and --no-coordinator-profile', async () => {
    const p = planTransition(await manifest(web('test3')), await manifest(web('test2')), { noTargetProfiles: true, noCoordinatorProfile: true });
    assert.deepEqual(p.steps.filter((s) => ['set-profile', 'set-coordinator-profile'].includes(s.kind)), []);
    const q = planTransition(await manifest(web('test3')), await manifest(web('test2')));
    assert.equal(steps(q, 'set-profile').length, 3);
    assert.equal(steps(q, 'set-coordinator-profile').length, 1);
  });

  it('moves state: snapshot where it leaves, restore where it arrives with its source, delete with --delete-state', async () => {
    const p = planTransition(await manifest(web('test3')), await manifest(web('test2')), { deleteState: true });
    const state = p.steps.filter((s) => ['snapshot', 'restore', 'delete-state'].includes(s.kind)).map((s) => `${s.kind} ${s.service}@${s.target}${s.from ? ` from ${s.from.target}` : ''}`);
    assert.deepEqual(state, ['snapshot Db@test2', 'restore Db@test3 from test2', 'delete-state Db@test2']);
    assert.deepEqual(steps(planTransition(await manifest(web('test3')), await manifest(web('test2'))), 'delete-state'), [], 'no deleting without --delete-state');
  });

  it('with --no-upgrade snapshots and restores every stateful service, in place', async () => {
    const m = await manifest(web('test2'));
    const p = planTransition(m, structuredClone(m), { noUpgrade: true });
    const state = p.steps.filter((s) => ['snapshot', 'restore'].includes(s.kind)).map((s) => `${s.kind} ${s.service}@${s.target}${s.from ? ` from ${s.from.target}` : ''}`);
    assert.deepEqual(state, ['snapshot Db@test2', 'restore Db@test2']);
  });

  it('takes no state from a target that left the infrastructure', async () => {
    const before = await manifest(web('test3'));
    const after = await manifest({ ...web('test2'), infrastructure: '{ test1 = { properties.hostname = "test1"; containers.process = { }; }; test2 = { properties.hostname = "test2"; containers.process = { }; }; }' });
    const p = planTransition(after, before);
    assert.deepEqual(steps(p, 'snapshot'), []);
    assert.deepEqual(steps(p, 'restore').map((s) => [s.target, s.from?.target]), [['test2', 'test3']], 'the restore still names where the state was');
  });

  it('keeps a service whose build needs Nixpkgs running when nothing else about it changed', async () => {
    const models = (port: number) => ({
      services: `
  App = { name = "App"; type = "process"; pkg = pkgs.stdenv.mkDerivation { name = "app"; }; };
  Other = { name = "Other"; type = "process"; pkg = drv "other" "echo ${port} > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ App = [ infrastructure.test1 ]; Other = [ infrastructure.test2 ]; }',
    });
    // What was deployed: App as built then, with its real store path and so another hash.
    const unbuilt = await manifest(models(1));
    const before = withBuilds(unbuilt, new Map([[hashOf(unbuilt, 'App'), '/nix/store/00000000000000000000000000000000-app']]));
    const p = planTransition(await manifest(models(2)), before);
    assert.deepEqual(change(p, 'App', 'test1'), { service: 'App', target: 'test1', container: 'process', status: 'unchanged', reasons: [], provisional: true });
    assert.deepEqual(rounds(p, 'activate'), ['1:Other@test2']);
  });
});
