// The documentation of a model attribute as completion and hover show it (Markdown).

import type { AttributeSchema } from '../model/schema';

const PART_NAMES = { service: 'service', target: 'target', mapping: 'distribution mapping', targetMapping: 'mapping target' } as const;

export function attributeDoc(a: AttributeSchema): string {
  const facts = [`*${a.valueType}*`, a.required ? 'required' : a.default !== undefined ? `default: ${a.default}` : 'optional'];
  return `**${a.name}** (${PART_NAMES[a.part]} attribute): ${facts.join(', ')}\n\n${a.doc}`;
}
