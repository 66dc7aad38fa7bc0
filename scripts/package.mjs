// Packages the built extension into a .vsix: the Marketplace README (docs/marketplace/README.md,
// for users) instead of the developers' one. `npm run package` runs it after building; the
// end-to-end test packages and installs with it. Usage: node scripts/package.mjs [OUT.vsix]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'dist', 'disnix-vscode.vsix');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// The page's images are beside it: their links are made absolute from its folder in the repository.
const { repository } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const images = `${repository.url.replace(/\.git$/, '')}/raw/HEAD/docs/marketplace`;
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--readme-path', join('docs', 'marketplace', 'README.md'), '--baseImagesUrl', images, '--out', out], { cwd: root, stdio: 'inherit' });
