// `dnx-agent soap` and `dnx soap-server`: serves this machine's agent as a DisnixWebService
// until stopped (SIGINT or SIGTERM end it after the operations running finish their answers).

import { readFileSync } from 'node:fs';
import { Agent } from '../agent';
import { defaultStateDir, storeKindFor } from '../config';
import { nixStoreWritable } from '../../core/deploy/nix-store';
import { Credentials, CredentialsError, hashPassword } from './credentials';
import { DEFAULT_LIMITS, SoapServerError, startSoapServer, type SoapServerOptions } from './server';

export const soapUsage = `usage: dnx soap-server [options]   (also: dnx-agent soap [options])

Serves this machine's agent as a DisnixWebService (SOAP over HTTP or HTTPS), for targets whose
clientInterface is disnix-soap-client. The endpoint is
  http(s)://HOST:PORT/DisnixWebService/services/DisnixWebService   (WSDL: add ?wsdl)

  --listen HOST:PORT     where to listen (default 127.0.0.1:8080)
  --tls-cert FILE --tls-key FILE
                         serve HTTPS with this certificate and key (PEM)
  --client-ca FILE       also require a client certificate signed by this CA
  --credentials FILE     require HTTP Basic authentication: lines NAME:HASH, made by
                         --hash-password
  --insecure             allow plain HTTP without authentication on a non-loopback address
  --max-concurrent N     operations at once (default ${DEFAULT_LIMITS.maxConcurrent}); more wait
  --request-timeout S    the longest one request may take, in seconds (default ${DEFAULT_LIMITS.requestTimeoutMs / 1000})
  --state-dir DIR        the agent's state (as dnx agent)
  --hash-password NAME   read a password on standard input and print NAME's credentials line`;

export async function soapMain(argv: string[], selfCommand: string[]): Promise<number> {
  let listen = '127.0.0.1:8080';
  let stateDir: string | undefined;
  const files: Record<string, string> = {};
  const o: Partial<SoapServerOptions> = { limits: {} };
  try {
    for (let i = 0; i < argv.length; i++) {
      const flag = argv[i];
      const value = () => {
        const v = argv[++i];
        if (v === undefined) throw new SoapServerError(`${flag} needs a value`);
        return v;
      };
      if (flag === '--help' || flag === '-h') {
        process.stdout.write(soapUsage + '\n');
        return 0;
      } else if (flag === '--hash-password') {
        const name = value();
        const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
        process.stdout.write(hashPassword(name, password) + '\n');
        return 0;
      } else if (flag === '--listen') listen = value();
      else if (['--tls-cert', '--tls-key', '--client-ca', '--credentials'].includes(flag)) files[flag] = value();
      else if (flag === '--insecure') o.insecure = true;
      else if (flag === '--state-dir') stateDir = value();
      else if (flag === '--max-concurrent') o.limits!.maxConcurrent = positive(flag, value());
      else if (flag === '--request-timeout') o.limits!.requestTimeoutMs = positive(flag, value()) * 1000;
      else throw new SoapServerError(`unknown option ${flag}`);
    }
    const colon = listen.lastIndexOf(':');
    const port = Number(listen.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new SoapServerError(`--listen takes HOST:PORT, got '${listen}'`);
    o.host = listen.slice(0, colon).replace(/^\[|\]$/g, '');
    o.port = port;
    if (!!files['--tls-cert'] !== !!files['--tls-key']) throw new SoapServerError('--tls-cert and --tls-key go together');
    if (files['--client-ca'] && !files['--tls-cert']) throw new SoapServerError('--client-ca needs HTTPS: give --tls-cert and --tls-key');
    if (files['--tls-cert']) o.tls = { cert: read(files['--tls-cert']), key: read(files['--tls-key']), ...(files['--client-ca'] ? { clientCa: read(files['--client-ca']) } : {}) };
    if (files['--credentials']) o.credentials = Credentials.load(files['--credentials']);
  } catch (e) {
    if (!(e instanceof SoapServerError || e instanceof CredentialsError)) throw e;
    process.stderr.write(`dnx soap-server: ${e.message}\n`);
    return 2;
  }
  const agent = new Agent(stateDir ?? defaultStateDir(), selfCommand, process.env, storeKindFor(stateDir !== undefined, process.env, nixStoreWritable));
  let running;
  try {
    running = await startSoapServer(agent, { ...(o as SoapServerOptions), log: (l) => process.stderr.write(l + '\n') });
  } catch (e) {
    process.stderr.write(`dnx soap-server: ${(e as Error).message}\n`);
    return 1;
  }
  // The line scripts and tests wait for: the endpoint.
  process.stdout.write(`serving ${running.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}

function read(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new SoapServerError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new SoapServerError(`${flag} takes a positive number, got '${text}'`);
  return n;
}
