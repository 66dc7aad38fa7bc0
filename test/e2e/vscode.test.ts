// End to end in a real VS Code: code-server (installed by scripts/install-test-deps.sh) with the
// built extension, driven through Debian's Chromium by Playwright. Opens the hello-world
// example with a mistake, finds the diagnostic in the Problems panel, completes service names
// in dependsOn, and opens the deployment graph and the plan from the distribution model's code
// lenses (the graph follows the fix of the mistake). Then, on the example's local variant, deploys,
// undeploys, rolls back and switches generations from the command palette, and checks the
// Disnix Targets view and the graph's live state after each. Screenshots of a failure go to
// the temporary directory it prints.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { EXAMPLE } from '../ide/fixture';
import { childrenOf, supervisors } from '../supervisors';
import { notification, openFile, REPO, runCommand, skip, startEditor, STEP_MS, type Editor } from './editor';

describe('the extension in a real VS Code', { skip }, () => {
  let work: string;
  let distribution: string;
  let editor: Editor;
  let page: Page;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dnx-e2e-'));
    const project = join(work, 'project');
    cpSync(EXAMPLE, project, { recursive: true });
    // The mistake: a mapping to a target the infrastructure model does not have.
    distribution = join(project, 'distribution.nix');
    writeFileSync(distribution, readFileSync(distribution, 'utf8').replace('HelloWorld = [ infrastructure.test1 ]', 'HelloWorld = [ infrastructure.test3 ]'));
    // Nothing deployed: not the coordinator profiles of whoever runs the tests.
    editor = await startEditor(work, project, { 'disnix.coordinatorProfilePath': join(work, 'coordinator') });
    page = editor.page;
  });

  after(() => editor?.close());
  const withScreenshot = (step: () => Promise<void>) => (t: { name: string }) => editor.step(t.name, step);

  it('runs from the installed .vsix and logs its version and the workspace\'s deployments', withScreenshot(async () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    assert.ok(readdirSync(join(work, 'extensions')).includes(`${manifest.publisher}.${manifest.name}-${manifest.version}`));
    await runCommand(page, 'Disnix: Show Output');
    const log = page.locator('.part.panel .view-lines');
    await log.locator('.view-line', { hasText: `Disnix ${manifest.version}: disnix-language-server ${manifest.version} started` }).waitFor();
    await log.locator('.view-line', { hasText: 'project/local: services · infrastructure · distribution' }).waitFor();
  }));

  it('shows the unknown target in the Problems panel', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await page.locator('#status\\.problems').click();
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: "'test3' is not a target in the infrastructure model" });
    await problem.first().waitFor();
    assert.match(await problem.first().innerText(), /unknown-target/);
  }));

  it('completes service names in dependsOn', withScreenshot(async () => {
    await openFile(page, 'services.nix');
    // In HelloWorldService's `dependsOn = { inherit HelloService; }`, the cursor goes after `inherit `.
    await page.locator('.view-line', { hasText: 'inherit HelloService;' }).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Control+ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Space');
    const widget = page.locator('.suggest-widget');
    await widget.locator('.monaco-list-row', { hasText: 'HelloService' }).first().waitFor();
    const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    assert.ok(labels.includes('HelloService') && labels.includes('HelloWorld'), labels.join(', '));
    assert.ok(!labels.includes('HelloWorldService'), 'a service does not depend on itself');
  }));

  it('shows the deployment graph from the code lens, follows a fix, and opens a service from it', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await page.locator('.codelens-decoration a', { hasText: 'Show graph' }).click();
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // The mistake from the first test is still there: the graph says why it cannot be drawn.
    await view.locator('#error', { hasText: "'test3' is not a target" }).waitFor();
    writeFileSync(distribution, readFileSync(distribution, 'utf8').replace('infrastructure.test3', 'infrastructure.test1'));
    await view.locator('g.service').nth(2).waitFor();
    const ids = await view.locator('g.service').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(ids, ['test1/process/HelloService', 'test1/process/HelloWorld', 'test2/process/HelloWorldService']);
    assert.equal(await view.locator('#error').innerText(), '');
    assert.equal(await view.locator('path.edge.dependsOn').count(), 2);
    // Clicking a service opens its definition.
    await view.locator('g.service[data-id="test2/process/HelloWorldService"]').click();
    await page.locator('.tab.active[aria-label^="services.nix"]').waitFor();
  }));

  it('shows the graph from the button in the editor title (which passes a Uri)', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await page.locator('.editor-actions .action-label[aria-label*="Show Deployment Graph"]').first().click();
    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('g.service').nth(2).waitFor();
    assert.equal(await view.locator('#error').innerText(), '');
  }));

  it('keeps the last good drawing under the error while the models have one, also in a graph opened then', withScreenshot(async () => {
    const good = readFileSync(distribution, 'utf8');
    writeFileSync(distribution, good.replace('infrastructure.test1 ];\n  HelloWorldService', 'infrastructure.test9 ];\n  HelloWorldService'));
    try {
      const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await view.locator('#error', { hasText: "'test9' is not a target" }).waitFor();
      assert.equal(await view.locator('g.service').count(), 3);
      await runCommand(page, 'View: Close All Editor Groups');
      await openFile(page, 'distribution.nix');
      await page.locator('.editor-actions .action-label[aria-label*="Show Deployment Graph"]').first().click();
      const reopened = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await reopened.locator('#error', { hasText: "'test9' is not a target" }).waitFor();
      await reopened.locator('g.service').nth(2).waitFor();
      assert.deepEqual(await reopened.locator('#filter option').allInnerTexts(), ['All machines', 'test1', 'test2']);
    } finally {
      writeFileSync(distribution, good);
    }
    // The next steps start from models without errors, as the server sees them.
    await page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('#error', { hasText: /^$/ }).waitFor({ state: 'attached' });
  }));

  it('shows the plan from the code lens, titled by its folder, in colours', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await page.locator('.codelens-decoration a', { hasText: 'Plan' }).first().click();
    await page.locator('.tab.active[aria-label^="Plan: project"]').waitFor();
    const editor = page.locator('.editor-group-container.active .view-lines');
    await editor.locator('.view-line', { hasText: 'Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged' }).waitFor();
    const added = editor.locator('.view-line', { hasText: '+ HelloWorldService' });
    await added.waitFor();
    // An addition is coloured as one (the theme's inserted colour), unlike the line after the heading.
    const colour = (line: typeof added) => line.locator('span > span').first().evaluate((e) => getComputedStyle(e).color);
    assert.notEqual(await colour(added), await colour(editor.locator('.view-line', { hasText: 'test1' }).first()));
    await page.locator('.statusbar-item', { hasText: 'Disnix Plan' }).first().waitFor();
  }));

  it('says why a rename is refused, without logging a failure', withScreenshot(async () => {
    await openFile(page, 'services.nix');
    await page.locator('.view-line', { hasText: 'HelloService = {' }).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('F2');
    const input = page.locator('.rename-box input');
    await input.waitFor();
    await input.fill('HelloWorld');
    await page.keyboard.press('Enter');
    await notification(page, "There is already a service called 'HelloWorld'.").waitFor();
    await runCommand(page, 'Disnix: Show Output');
    await page.locator('.part.panel .view-line', { hasText: 'started' }).first().waitFor();
    assert.equal(await page.locator('.part.panel .view-line', { hasText: 'textDocument/rename failed' }).count(), 0);
  }));

  it('lets the chosen deployment drive the commands, naming its folder in the status bar', withScreenshot(async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await openFile(page, 'distribution.nix');
    await page.locator('.statusbar-item', { hasText: 'project: services · infrastructure · distribution' }).first().waitFor();
    await runCommand(page, 'Disnix: Select Deployment');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.monaco-list-row', { hasText: 'project/local: services · infrastructure · distribution' }).first().click();
    await page.locator('.statusbar-item', { hasText: 'project/local: services · infrastructure · distribution' }).first().waitFor();
    // The root distribution model is still the open file; the plan is the chosen deployment's.
    await runCommand(page, 'Disnix: Plan Deployment');
    await page.locator('.tab.active[aria-label^="Plan: project∕local"]').waitFor();
    // The picker marks the current choice.
    await runCommand(page, 'Disnix: Select Deployment');
    const current = pick.locator('.monaco-list-row', { hasText: 'current' });
    await current.first().waitFor();
    assert.match(await current.first().innerText(), /project\/local:/);
    await page.keyboard.press('Escape');
  }));

  // Last here: the window opens another folder.
  it('opens the example from the walkthrough, and validates it', withScreenshot(async () => {
    const parent = join(work, 'mine');
    mkdirSync(parent);
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get Started with Disnix' }).click();
    await page.getByText('Open the example', { exact: true }).click();
    await page.getByRole('button', { name: 'Open Example' }).click();
    // The folder picker (code-server's own): a path, then its button, once the picker lists the
    // (empty) folder typed: only `..`.
    const picker = page.locator('.quick-input-widget', { hasText: 'where should the example go?' });
    await picker.waitFor();
    // It fills in its own folder once it is ready, over what was typed before: typed until it stays.
    const input = picker.locator('input');
    await expectEventually(async () => {
      if ((await input.inputValue()) !== `${parent}/`) await input.fill(`${parent}/`);
      return (await picker.locator('.monaco-list-row').count()) === 1 && (await input.inputValue()) === `${parent}/`;
    }, 'the picker to show the folder typed');
    await picker.getByRole('button', { name: 'Put the Example Here' }).click();
    await page.locator('.statusbar-item', { hasText: 'disnix-hello-world: services · infrastructure · distribution' }).first().waitFor();
    assert.equal(statSync(join(parent, 'disnix-hello-world', 'pkgs', 'hello-service', 'bin', 'hello-service')).mode & 0o111, 0o111);
    await runCommand(page, 'Disnix: Validate');
    await notification(page, 'No problems in disnix-hello-world: services · infrastructure · distribution.').waitFor();
  }));
});

describe('deploying from a real VS Code', { skip }, () => {
  let work: string;
  let state: string;
  let editor: Editor;
  let page: Page;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'dnx-e2e-deploy-'));
    const project = join(work, 'project');
    cpSync(join(EXAMPLE, 'local'), project, { recursive: true });
    // The coordinator profile and the local targets' state: this test's own, through the environment dnx inherits.
    state = join(work, 'state');
    // Unsaved edits stay unsaved, as on the desktop by default.
    editor = await startEditor(work, project, { 'files.autoSave': 'off' }, { XDG_STATE_HOME: state, DNX_STATE_DIR: join(state, 'dnx') });
    page = editor.page;
  });

  after(async () => {
    // Whatever the steps left running is stopped, also when one failed.
    try {
      execFileSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'deploy', '--undeploy'], { env: { ...process.env, XDG_STATE_HOME: state, DNX_STATE_DIR: join(state, 'dnx') }, stdio: 'ignore' });
    } catch {
      // nothing was deployed
    } finally {
      await editor?.close();
    }
  });
  const withScreenshot = (step: () => Promise<void>) => (t: { name: string }) => editor.step(t.name, step);
  const graph = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const live = (state: string) => graph().locator(`g.service[data-live="${state}"]`);
  const targetsView = () => page.locator('.part.sidebar');

  it('offers to save unsaved models before deploying, and refuses models with errors', withScreenshot(async () => {
    const distribution = join(work, 'project', 'distribution.nix');
    await openFile(page, 'distribution.nix');
    // An unsaved mistake: text after the model's closing brace.
    await page.locator('.view-line', { hasText: 'HelloWorld = [' }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('oops');
    await runCommand(page, 'Disnix: Deploy');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText('A model file has unsaved changes (distribution.nix)').first().waitFor();
    await dialog.getByRole('button', { name: 'Save and Deploy' }).click();
    await notification(page, 'Not deployed: the models have an error: distribution.nix:8:1').waitFor();
    assert.match(readFileSync(distribution, 'utf8'), /oops/);
    // Undone and saved: the next test deploys the example as it was.
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
    assert.doesNotMatch(readFileSync(distribution, 'utf8'), /oops/);
  }));

  it('says in a sentence that a deployment failed and changed nothing', withScreenshot(async () => {
    const infrastructure = join(work, 'project', 'infrastructure.nix');
    const good = readFileSync(infrastructure, 'utf8');
    writeFileSync(infrastructure, good.replace(/(test2 = \{[^]*?clientInterface = )"disnix-run-activity"/, '$1"/nonexistent/disnix-client"'));
    try {
      await runCommand(page, 'Disnix: Deploy');
      const toast = notification(page, 'Deployment failed after');
      await toast.waitFor();
      assert.match(await toast.innerText(), /Deployment failed after [\d.]+ s: test2: .*\/nonexistent\/disnix-client.* Nothing was changed\./);
    } finally {
      writeFileSync(infrastructure, good);
    }
  }));

  it('deploys from the command palette, then lists what each machine runs and shows it running in the graph', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await runCommand(page, 'Disnix: Show Deployment Graph');
    await graph().locator('g.service').nth(2).waitFor();
    await runCommand(page, 'Disnix: Deploy');
    await notification(page, 'Deployed the models').waitFor();
    // The view has its own place in the activity bar; shown, it asks the targets.
    await page.locator('.activitybar .action-item a[aria-label^="Disnix"]').click();
    const view = targetsView();
    await view.locator('.monaco-list-row', { hasText: 'HelloWorldService' }).waitFor();
    const rows = await view.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => `${e.querySelector('.label-name')?.textContent} | ${e.querySelector('.label-description')?.textContent}`));
    assert.deepEqual(rows, ['test1 | 2 services', 'HelloService | process', 'HelloWorld | process', 'test2 | 1 service', 'HelloWorldService | process']);
    await live('running').nth(2).waitFor();
    assert.equal(await live('running').count(), 3);
    await runCommand(page, 'Disnix: Deploy');
    await notification(page, 'Nothing to do: the targets already run this configuration').waitFor();
  }));

  it('opens a service\'s definition from the Targets view, and its log from its context menu', withScreenshot(async () => {
    const row = targetsView().locator('.monaco-list-row', { hasText: 'HelloService' }).first();
    await row.click();
    await page.locator('.tab.active[aria-label^="services.nix"]').waitFor();
    // The menu's entry, pointed at (which focuses it) and chosen with Enter. The menu sometimes
    // closes on the first key without acting (focus still moving to it): then it is opened again.
    const log = page.locator('.tab.active[aria-label^="hello-service.log"]');
    for (let attempt = 1; ; attempt++) {
      await row.click({ button: 'right' });
      await page.locator('.context-view .action-menu-item', { hasText: 'Show Log' }).hover();
      await page.locator('.context-view .focused', { hasText: 'Show Log' }).waitFor();
      await page.keyboard.press('Enter');
      try {
        await log.waitFor({ timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  }));

  it('shows a service killed from outside as stopped, once the targets are asked again', withScreenshot(async () => {
    // kill -9 of the daemon and of the supervisor that would restart it.
    for (const pid of processesOf('hello-world-service')) process.kill(pid, 'SIGKILL');
    await runCommand(page, 'Disnix: Refresh Targets');
    await targetsView().locator('.monaco-list-row', { hasText: 'process · stopped' }).waitFor();
    assert.deepEqual(await targetsView().locator('.monaco-list-row', { hasText: 'stopped' }).locator('.label-name').allInnerTexts(), ['HelloWorldService']);
    await live('stopped').first().waitFor();
    assert.equal(await live('running').count(), 2);
  }));

  it('undeploys, rolls back and switches generations, the graph and the targets following', withScreenshot(async () => {
    await runCommand(page, 'Disnix: Undeploy');
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Undeploy' }).click();
    await notification(page, 'Deployed nothing (undeploy)').waitFor();
    await live('stopped').nth(2).waitFor();
    await targetsView().locator('.monaco-list-row', { hasText: 'runs nothing' }).nth(1).waitFor();

    await runCommand(page, 'Disnix: Rollback');
    await notification(page, 'Deployed generation 1').waitFor();
    await live('running').nth(2).waitFor();

    await runCommand(page, 'Disnix: Switch Generation');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.monaco-list-row', { hasText: 'Generation 1' }).waitFor();
    assert.deepEqual((await pick.locator('.monaco-list-row .label-name').allInnerTexts()).map((l) => l.trim()), ['Generation 2', 'Generation 1']);
    await pick.locator('.monaco-list-row', { hasText: 'Generation 2' }).click();
    await notification(page, 'Deployed generation 2').waitFor();
    await live('stopped').nth(2).waitFor();
    assert.equal(await live('running').count(), 0);
  }));

});

/** Checks `ok` until it holds (each check may act, as a user retyping), up to a step's time. */
async function expectEventually(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await ok()); waited += 250) {
    if (waited > STEP_MS) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The supervisor of a process service of the local targets, and its daemon (the supervisor's command line names the daemon's pid file). */
function processesOf(service: string): number[] {
  const pids = supervisors((argv) => argv.some((w) => w.endsWith(`/${service}.pid`))).flatMap((pid) => [pid, ...childrenOf(pid)]);
  if (pids.length === 0) throw new Error(`no supervisor runs ${service}`);
  return pids;
}
