import { ContextString, NixAttrs, NixPath, isFunction, typeOf } from '../values';
import { known, type Define } from './helpers';

export function registerTypes(define: Define): void {
  define('typeOf', 1, (ev, [v]) => typeOf(known(ev, v)));
  define('isAttrs', 1, (ev, [v]) => known(ev, v) instanceof NixAttrs);
  define('isBool', 1, (ev, [v]) => typeof known(ev, v) === 'boolean');
  define('isFloat', 1, (ev, [v]) => typeof known(ev, v) === 'number');
  define('isInt', 1, (ev, [v]) => typeof known(ev, v) === 'bigint');
  define('isList', 1, (ev, [v]) => Array.isArray(known(ev, v)));
  define('isNull', 1, (ev, [v]) => known(ev, v) === null, { global: true });
  define('isPath', 1, (ev, [v]) => known(ev, v) instanceof NixPath);
  define('isFunction', 1, (ev, [v]) => isFunction(known(ev, v)));
  define('isString', 1, (ev, [v]) => {
    const x = known(ev, v);
    return typeof x === 'string' || x instanceof ContextString;
  });
}
