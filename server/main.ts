// The Disnix language server's process: LSP over stdio or Node IPC (`dnx lsp --stdio`, or
// started by the VS Code client), reading the disk.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createServer } from './server';

const connection = createConnection(ProposedFeatures.all);
createServer(connection);
connection.listen();
