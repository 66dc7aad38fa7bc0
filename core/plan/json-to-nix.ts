// JSON data written as a Nix expression, for the models dnx generates: attribute names are
// quoted only when they must be, strings are escaped so that nothing in them is interpolated.
// Apart from core/model/json.ts (Nix values to JSON), so the agent's bundle leaves the evaluator out.

import type { JsonValue } from './types';

export function nixAttrName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) ? name : nixString(name);
}

export function nixString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '\\${');
}

/** `value` as Nix, nested sets and lists indented by two spaces from `indent`. */
export function jsonToNix(value: JsonValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return nixString(value);
  if (typeof value !== 'object') return String(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) return value.length === 0 ? '[ ]' : `[\n${value.map((v) => `${inner}${jsonToNix(v, inner)}\n`).join('')}${indent}]`;
  const keys = Object.keys(value);
  return keys.length === 0 ? '{ }' : `{\n${keys.map((k) => `${inner}${nixAttrName(k)} = ${jsonToNix(value[k], inner)};\n`).join('')}${indent}}`;
}
