// Benchmarks write their tables into docs/benchmarks.md, each between its own markers, so the
// figures there are always the output of the last run of the command named beside them.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOC = join(__dirname, '..', '..', 'docs', 'benchmarks.md');

/** Replaces (or appends) the section between `<!-- name -->` and `<!-- /name -->`. */
export function writeSection(name: string, body: string): void {
  const section = `<!-- ${name} -->\n${body.trim()}\n<!-- /${name} -->`;
  let doc: string;
  try {
    doc = readFileSync(DOC, 'utf8');
  } catch {
    doc = '# Benchmarks\n\nEvery figure here is produced by a command in this repository; re-run it to reproduce.\n';
  }
  const re = new RegExp(`<!-- ${name} -->[\\s\\S]*<!-- /${name} -->`);
  doc = re.test(doc) ? doc.replace(re, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
}

export function machine(): string {
  return `Machine: ${process.platform}/${process.arch}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
}
