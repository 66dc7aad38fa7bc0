// The VS Code extension entry point. The language client arrives with the language server;
// for now the extension contributes the Nix language, grammar and snippets declaratively.

import type { ExtensionContext } from 'vscode';

export function activate(_context: ExtensionContext): void {}

export function deactivate(): void {}
