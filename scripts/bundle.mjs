// Bundles the entry points with esbuild and places the tree-sitter wasm files beside them,
// where core/nix/parser.ts looks first.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
mkdirSync('dist/webview', { recursive: true });
copyFileSync('webview/graph.css', 'dist/webview/graph.css');
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm'), 'dist/tree-sitter-nix.wasm');

// The CommonJS build of web-tree-sitter: its ES module build needs import.meta, which a
// CommonJS bundle does not have.
const alias = { 'web-tree-sitter': require.resolve('web-tree-sitter') };
// ssh2's native crypto and cpu-features are optional speed-ups, left out of the bundles. The
// native crypto (built when ssh2 was installed, for this Node) goes beside the CLI's bundle,
// where ssh2's require looks: without it, ssh2 makes a Node cipher for every packet it sends
// (about 0.1 s of CPU per 100 MB, measured). Another Node (the editor's) fails to load it, and
// ssh2 falls back to Node's crypto.
const external = ['*.node', 'cpu-features'];
const sshCrypto = join(dirname(require.resolve('ssh2/package.json')), 'lib/protocol/crypto/build/Release/sshcrypto.node');
if (existsSync(sshCrypto)) {
  mkdirSync('dist/crypto/build/Release', { recursive: true });
  copyFileSync(sshCrypto, 'dist/crypto/build/Release/sshcrypto.node');
}
const common = { alias, external, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['cli/dnx-worker.ts'], outfile: 'dist/dnx-worker.js' }),
  build({ ...common, entryPoints: ['cli/boot.ts'], outfile: 'dist/dnx-boot.js', sourcemap: false }),
  build({ ...common, entryPoints: ['cli/graphviz.ts'], outfile: 'dist/graphviz.js', sourcemap: false }),
  build({ ...common, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  // The agent stands alone, so it can be copied to a target machine as one file.
  build({ ...common, entryPoints: ['agent/main.ts'], outfile: 'dist/agent.js' }),
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', external: [...external, 'vscode'] }),
  // The webview runs in the editor's browser: one self-contained script, ELK included.
  build({ entryPoints: ['webview/main.ts'], outfile: 'dist/webview/graph.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'warning' }),
]);
