// Packages the built extension into a .vsix: the Marketplace README (docs/marketplace/README.md,
// for users) instead of the developers' one. `npm run package` runs it after building; the
// end-to-end test packages and installs with it. Usage: node scripts/package.mjs [OUT.vsix]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'dist', 'disnix-vscode.vsix');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--readme-path', join('docs', 'marketplace', 'README.md'), '--out', out], { cwd: root, stdio: 'inherit' });
