// End to end in a real VS Code: code-server (installed by scripts/install-test-deps.sh) with the
// built extension, driven through Debian's Chromium by Playwright. Opens the hello-world
// example with a mistake, finds the diagnostic in the Problems panel, completes service names
// in dependsOn, and opens the deployment graph and the plan from the distribution model's code
// lenses (the graph follows the fix of the mistake). Then, on the example's local variant, deploys,
// undeploys, rolls back and switches generations from the command palette, and checks the
// Disnix Targets view and the graph's live state after each. Screenshots of a failure go to
// the temporary directory it prints.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../browser';
import { EXAMPLE } from '../ide/fixture';

const REPO = join(__dirname, '..', '..', '..');
const CODE_SERVER = join(REPO, '.cache', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const STEP_MS = 90_000;

const missing = [CODE_SERVER, CHROMIUM].filter((p) => !existsSync(p));
const skip = missing.length ? `not installed: ${missing.join(', ')} (run scripts/install-test-deps.sh as root)` : false;

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

  it('shows the plan from the code lens, linking to the models', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await page.locator('.codelens-decoration a', { hasText: 'Plan' }).first().click();
    await page.locator('.tab.active[aria-label^="project plan"]').waitFor();
    const editor = page.locator('.editor-group-container.active .view-lines');
    await editor.locator('.view-line', { hasText: 'Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged' }).waitFor();
    await editor.locator('.view-line', { hasText: '+ HelloWorldService' }).waitFor();
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
    await page.locator('.tab.active[aria-label^="local plan"]').waitFor();
    // The picker marks the current choice.
    await runCommand(page, 'Disnix: Select Deployment');
    const current = pick.locator('.monaco-list-row', { hasText: 'current' });
    await current.first().waitFor();
    assert.match(await current.first().innerText(), /project\/local:/);
    await page.keyboard.press('Escape');
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
    execFileSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'deploy', '--undeploy'], { env: { ...process.env, XDG_STATE_HOME: state, DNX_STATE_DIR: join(state, 'dnx') }, stdio: 'ignore' });
    await editor?.close();
  });
  const withScreenshot = (step: () => Promise<void>) => (t: { name: string }) => editor.step(t.name, step);
  const graph = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const live = (state: string) => graph().locator(`g.service[data-live="${state}"]`);
  const targetsView = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Disnix Targets' }) });

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

  it('deploys from the command palette, then lists what each machine runs and shows it running in the graph', withScreenshot(async () => {
    await openFile(page, 'distribution.nix');
    await runCommand(page, 'Disnix: Show Deployment Graph');
    await graph().locator('g.service').nth(2).waitFor();
    await runCommand(page, 'Disnix: Deploy');
    await notification(page, 'Deployed the models').waitFor();
    // The view starts folded at the foot of the Explorer; unfolded, it asks the targets.
    const header = page.locator('.pane-header', { hasText: 'Disnix Targets' });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const view = targetsView();
    await view.locator('.monaco-list-row', { hasText: 'HelloWorldService' }).waitFor();
    const rows = await view.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => `${e.querySelector('.label-name')?.textContent} | ${e.querySelector('.label-description')?.textContent}`));
    assert.deepEqual(rows, ['test1 | 2 services', 'HelloService | process', 'HelloWorld | process', 'test2 | 1 service', 'HelloWorldService | process']);
    await live('running').nth(2).waitFor();
    assert.equal(await live('running').count(), 3);
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

/** The supervisor of a process service of the local targets, and its daemon (the supervisor's command line names the daemon's pid file). */
function processesOf(service: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes('--supervise') && cmdline.some((w) => w.endsWith(`/${service}.pid`))) pids.push(Number(pid), ...childrenOf(Number(pid)));
    } catch {
      // gone meanwhile
    }
  }
  if (pids.length === 0) throw new Error(`no supervisor runs ${service}`);
  return pids;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Editor {
  page: Page;
  /** Runs a step; when it fails, leaves a screenshot and the code-server log for a person. */
  step(name: string, step: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** code-server on `project` with the packaged extension, in Chromium; `env` goes to code-server (and so to the extension). */
async function startEditor(work: string, project: string, settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Editor> {
  installExtension(join(work, 'extensions'));
  mkdirSync(join(work, 'user', 'User'), { recursive: true });
  writeFileSync(join(work, 'user', 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, ...settings }));
  const port = await freePort();
  const server = spawn(process.execPath, [CODE_SERVER, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', join(work, 'user'), '--extensions-dir', join(work, 'extensions'), project], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true });
  let log = '';
  let failed = false;
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  await waitFor(() => log.includes('HTTP server listening'), 'code-server to listen');
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(STEP_MS);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`);
  await page.locator('.monaco-workbench').waitFor();
  return {
    page,
    async step(name, step) {
      try {
        await step();
      } catch (e) {
        failed = true;
        const file = join(work, `${name.replace(/\W+/g, '-')}.png`);
        await page.screenshot({ path: file }).catch(() => {});
        process.stderr.write(`screenshot: ${file}\ncode-server log:\n${log}\n`);
        throw e;
      }
    },
    async close() {
      await browser.close();
      // Its own process group: code-server's helpers (the file watcher) go with it.
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (server.exitCode === null && server.signalCode === null) await new Promise((r) => server.once('exit', r));
      // A failure's screenshots stay for a person to look at.
      if (!failed) rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a command from the command palette, as a user would: the row with exactly that title is
 * clicked (the top row may be a recently used command that also matches). The palette is
 * opened again if it did not list the command yet (it may open before the extension's commands are known).
 */
async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw e;
    }
  }
  await row.click();
}

/** A notification toast saying `text`. */
function notification(page: Page, text: string) {
  return page.locator('.notification-toast', { hasText: text }).first();
}

/** Opens a file from the Explorer, as a user would. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem', { name, exact: true }).click();
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
}

/**
 * The extension as VS Code installs it: an unpacked folder named publisher.name-version, with
 * exactly the files the package would hold (`vsce ls`), so a file left out of it fails here.
 */
function installExtension(dir: string): void {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const target = join(dir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  const vsce = join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(REPO, file), join(target, file));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 100) {
    if (waited > STEP_MS) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
