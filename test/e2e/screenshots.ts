// The Marketplace page's screenshots, taken in a real VS Code (code-server) as the end-to-end
// test drives it: `npm run screenshots` writes them to docs/marketplace/images/. Not a test:
// run it when the editor's look changes, and look at the pictures before committing them.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notification, openFile, REPO, runCommand, skip, startEditor } from './editor';

const OUT = join(REPO, 'docs', 'marketplace', 'images');

async function main(): Promise<void> {
  if (skip) throw new Error(skip);
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'shots-'));
  try {
    // A mistake and its quick fix, the graph and the plan, on the staff tracker.
    const project = join(work, 'staff-tracker');
    cpSync(join(REPO, 'examples', 'staff-tracker'), project, { recursive: true });
    const distribution = join(project, 'distribution.nix');
    writeFileSync(distribution, readFileSync(distribution, 'utf8').replace('infrastructure.test2', 'infrastructure.tset2'));
    for (const d of ['one', 'two']) mkdirSync(join(work, d));
    let editor = await startEditor(join(work, 'one'), project, { 'disnix.coordinatorProfilePath': join(work, 'coordinator'), 'workbench.colorTheme': 'Default Light Modern' });
    let page = editor.page;
    await openFile(page, 'distribution.nix');
    await page.locator('#status\\.problems').click();
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'is not a target' }).first().waitFor();
    await page.locator('.view-line', { hasText: 'tset2' }).first().locator('span', { hasText: 'tset2' }).first().click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').waitFor();
    await page.screenshot({ path: join(OUT, 'diagnostics.png') });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+S');
    await runCommand(page, 'Disnix: Show Deployment Graph');
    let graph = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await graph.locator('g.service').nth(7).waitFor();
    await page.keyboard.press('Control+J'); // the panel away: room for the graph
    await graph.locator('#fit').click();
    await graph.locator('g.service[data-id$="/StaffTracker"]').hover();
    await page.screenshot({ path: join(OUT, 'graph.png') });
    await runCommand(page, 'Disnix: Plan Deployment');
    await page.locator('.tab.active[aria-label^="Plan: "]').waitFor();
    await page.locator('.view-line', { hasText: 'Plan:' }).first().waitFor();
    await page.screenshot({ path: join(OUT, 'plan.png') });
    await editor.close();

    // A deployment to this machine, and what runs where.
    const local = join(work, 'hello-world');
    cpSync(join(REPO, 'examples', 'hello-world', 'local'), local, { recursive: true });
    const state = join(work, 'state');
    editor = await startEditor(join(work, 'two'), local, { 'workbench.colorTheme': 'Default Light Modern' }, { XDG_STATE_HOME: state, DNX_STATE_DIR: join(state, 'dnx') });
    page = editor.page;
    await openFile(page, 'distribution.nix');
    await runCommand(page, 'Disnix: Show Deployment Graph');
    graph = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await graph.locator('g.service').nth(2).waitFor();
    await runCommand(page, 'Disnix: Deploy');
    await notification(page, 'Deployed the models').waitFor();
    await page.locator('.activitybar .action-item a[aria-label^="Disnix"]').click();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'HelloWorldService' }).waitFor();
    await graph.locator('g.service[data-live="running"]').nth(2).waitFor();
    await page.screenshot({ path: join(OUT, 'deployed.png') });
    await runCommand(page, 'Disnix: Undeploy');
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Undeploy' }).click();
    await notification(page, 'Deployed nothing').waitFor();
    await editor.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`screenshots in ${OUT}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
