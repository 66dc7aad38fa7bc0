// Certificates for SOAP services on test hosts: a certificate authority of the network's own
// and, signed by it, one certificate per host naming its address. Made by `openssl` (called
// with an argument list, no shell); the keys never leave the network's folder.

import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class CertificateError extends Error {}

export interface Certificate {
  cert: string;
  key: string;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = '30';

/** A self-signed certificate authority in `dir`: `<name>.crt`, `<name>.key`. */
export async function makeAuthority(dir: string, name: string): Promise<Certificate> {
  const c = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await openssl('req', '-x509', ...KEY, '-keyout', c.key, '-out', c.cert, '-days', DAYS, '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return c;
}

/**
 * A certificate for `names` (IP addresses or DNS names), signed by `authority`, good for a
 * server and for a client: `<file>.crt`, `<file>.key` in `dir`.
 */
export async function makeCertificate(dir: string, file: string, names: string[], authority: Certificate): Promise<Certificate> {
  const c = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  const request = join(dir, `${file}.csr`);
  const extensions = join(dir, `${file}.ext`);
  const alt = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(extensions, `subjectAltName=${alt}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
  await openssl('req', ...KEY, '-keyout', c.key, '-out', request, '-subj', `/CN=${names[0]}`);
  await openssl('x509', '-req', '-in', request, '-CA', authority.cert, '-CAkey', authority.key, '-set_serial', `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`, '-out', c.cert, '-days', DAYS, '-extfile', extensions);
  return c;
}

async function openssl(...args: string[]): Promise<void> {
  const tool = ['/usr/bin/openssl', '/bin/openssl'].find(existsSync) ?? 'openssl';
  try {
    await run(tool, args);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new CertificateError('openssl is missing: install it (apt-get install openssl) to make the test certificates');
    throw new CertificateError(`openssl ${args[0]}: ${(err.stderr ?? err.message).trim()}`);
  }
}
