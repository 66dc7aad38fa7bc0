// Services built by helper functions (`RoomService = webService "RoomService" { ... };`) have
// their attributes written in the helper's body, once for all; a mistake is in the call, where
// the user wrote its arguments. Places outside the service's own definition move to that call,
// and remember the helper's place, which a diagnostic names as related information.

import type { Loc } from '../nix/source';

/** The text of a service's definition: from its key to the end of its value, when both are in one file. */
export function definitionSite(key: Loc, value: Loc): Loc {
  if (key.source !== value.source || key.start > value.start) return value;
  return { source: value.source, start: key.start, end: Math.max(key.end, value.end) };
}

function within(loc: Loc, site: Loc): boolean {
  return loc.source === site.source && loc.start >= site.start && loc.end <= site.end;
}

/**
 * `loc` if it lies in the definition of a service (`sites`: all of the model's); else, in the
 * definition `site` of the service being read, the place that wrote `text` as a string literal
 * (the argument the helper used), else the service's `key`, each remembering `loc` as `writtenIn`.
 */
export function atCallSite(loc: Loc, sites: Loc[], site: Loc, key: Loc, text?: string): Loc {
  // Most places are in the service's own definition: that is asked first, not every service's.
  if (loc.writtenIn || within(loc, site) || sites.some((s) => within(loc, s))) return loc;
  const literal = text === undefined ? -1 : site.source.text.slice(site.start, site.end).indexOf(JSON.stringify(text));
  const at = literal < 0 ? key : { source: site.source, start: site.start + literal, end: site.start + literal + JSON.stringify(text).length };
  return { ...at, writtenIn: loc };
}
