// What the end-to-end tests and the screenshots drive: code-server (installed by
// scripts/install-test-deps.sh) with the extension installed from its packaged .vsix, in
// Debian's Chromium through Playwright, and the few gestures a user makes (the command
// palette, the Explorer, notifications).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../browser';

export const REPO = join(__dirname, '..', '..', '..');
const CODE_SERVER = join(REPO, '.cache', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const STEP_MS = 90_000;

const missing = [CODE_SERVER, CHROMIUM].filter((p) => !existsSync(p));
/** Why the editor cannot run here, or false. */
export const skip = missing.length ? `not installed: ${missing.join(', ')} (run scripts/install-test-deps.sh as root)` : false;

export interface Editor {
  page: Page;
  /** Runs a step; when it fails, leaves a screenshot and the code-server log for a person. */
  step(name: string, step: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** code-server on `project` with the packaged extension, in Chromium; `env` goes to code-server (and so to the extension). */
export async function startEditor(work: string, project: string, settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<Editor> {
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
export async function runCommand(page: Page, title: string): Promise<void> {
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
export function notification(page: Page, text: string) {
  return page.locator('.notification-toast', { hasText: text }).first();
}

/** Opens a file from the Explorer, as a user would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem', { name, exact: true }).click();
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
}

let packaged: string | undefined;

/**
 * The extension as a user installs it: packaged into a .vsix (once per run, with the options
 * `npm run package` uses), then installed by code-server itself, so a file left out of the
 * package or a broken manifest fails here.
 */
function installExtension(dir: string): void {
  if (!packaged) {
    const folder = mkdtempSync(join(tmpdir(), 'dnx-e2e-vsix-'));
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
    packaged = join(folder, 'disnix-vscode.vsix');
    execFileSync(process.execPath, [join(REPO, 'scripts', 'package.mjs'), packaged], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  execFileSync(process.execPath, [CODE_SERVER, '--extensions-dir', dir, '--install-extension', packaged], { stdio: ['ignore', 'ignore', 'pipe'] });
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
