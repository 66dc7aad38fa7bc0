// This release's version, from package.json: what the server, the CLI and the extension report.

import { version } from '../package.json';

export const VERSION: string = version;
