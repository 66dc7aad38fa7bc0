// The documentation of a model attribute as completion and hover show it (Markdown).

import { defaultText, type AttributeSchema } from '../model/schema';

const PART_NAMES = { service: 'service', target: 'target', mapping: 'distribution mapping', targetMapping: 'mapping target' } as const;

export function attributeDoc(a: AttributeSchema): string {
  const facts = [`*${a.valueType}*`, a.required ? 'required' : defaultText(a) !== undefined ? `default: ${defaultText(a)}` : 'optional'];
  return `**${a.name}** (${PART_NAMES[a.part]} attribute): ${facts.join(', ')}\n\n${a.doc}`;
}
