// `dnx soap-client`: DisnixWebService's `disnix-soap-client` command line (the same options,
// output and exit codes), so Disnix's own tools can use it as a client interface
// (`clientInterface = "dnx-soap-client"` on a wrapper, or `--interface`), and a person can ask a
// SOAP target one thing. The endpoint comes from `--target`; credentials from
// DISNIX_SOAP_CLIENT_USERNAME and DISNIX_SOAP_CLIENT_PASSWORD.

import { soapClient, transportOptionsFromEnv } from '../core/deploy/clients';
import { DeployError } from '../core/deploy/errors';
import { parseArgv, ProtocolError, type Request } from '../core/deploy/protocol';
import type { SoapClient } from '../core/deploy/transports/soap';
import { VERSION } from '../core/version';

export const soapClientUsage = `usage: dnx soap-client --target URL OPERATION [OPTIONS] [PATHS...]

DisnixWebService's client (as disnix-soap-client): runs one operation of Disnix's client
interface on the DisnixWebService at URL.

  --import --localfile FILE | --remotefile FILE
  --export --localfile|--remotefile PATHS    --print-invalid PATHS    -r|--realise PATHS
  --set [-p PROFILE] PATH                    -q|--query-installed [-p PROFILE]
  --query-requisites PATHS                   --collect-garbage [-d]
  --activate|--deactivate|--snapshot|--restore|--delete-state --type TYPE
        [--container NAME] [--arguments KEY=VALUE]... PATH
  --lock|--unlock [-p PROFILE]               --capture-config
  --query-all-snapshots|--query-latest-snapshot --container NAME --component NAME
  --print-missing-snapshots|--resolve-snapshots|--export-snapshots PATHS
  --import-snapshots --localfile|--remotefile --container NAME --component NAME PATHS
  --clean-snapshots [--keep N] [--container NAME] [--component NAME]

Credentials: DISNIX_SOAP_CLIENT_USERNAME, DISNIX_SOAP_CLIENT_PASSWORD; for an https URL
signed by a CA of your own, DNX_SOAP_CA_FILE; a client certificate for a service that asks
for one, DNX_SOAP_CLIENT_CERT and DNX_SOAP_CLIENT_KEY.`;

export async function runSoapClient(argv: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(soapClientUsage + '\n');
    return 0;
  }
  if (argv.includes('-v') || argv.includes('--version')) {
    process.stdout.write(`dnx soap-client ${VERSION}\n`);
    return 0;
  }
  if (argv.includes('--shell')) return fail('This operation is unsupported by this client!');
  const local = argv.includes('--localfile');
  const remote = argv.includes('--remotefile');
  let parsed;
  try {
    parsed = parseArgv(argv);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return fail(e.message === 'no operation given' ? 'An operation must be specified!' : e.message);
  }
  const { request, target } = parsed;
  if (!target) return fail('A targetEPR must be specified!');
  if (['import', 'export', 'import-snapshots'].includes(request.op) && local === remote) return fail('Either --localfile or --remotefile should be specified!');

  let client: SoapClient;
  try {
    client = soapClient(target, target, transportOptionsFromEnv(process.env).soap, (_, line) => process.stderr.write(line + '\n'));
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    return fail(e.message);
  }
  try {
    for (const line of await run(client, request, remote)) process.stdout.write(line + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    return fail(e.message);
  } finally {
    await client.close();
  }
}

/** The operations whose file lives on the service's machine with `--remotefile` (or, for export, `--localfile`) take the reference's other call. */
async function run(client: SoapClient, request: Request, remote: boolean): Promise<string[]> {
  if (request.op === 'import' && remote) return client.callOperation('import', 'importm', [request.file]);
  if (request.op === 'export' && !remote) return client.callOperation('export', 'export', [request.paths]);
  if (request.op === 'import-snapshots' && remote) return client.callOperation('import-snapshots', 'importSnapshots', [request.container, request.component, request.paths]);
  if (request.op === 'export-snapshots') return (await client.fetchSnapshots(request.paths)).folders;
  return client.call(request);
}
