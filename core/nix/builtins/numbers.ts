import { EvalError } from '../errors';
import { wrapInt } from '../numbers';
import { forceInt, known, type Define } from './helpers';

export function registerNumbers(define: Define): void {
  define('add', 2, (ev, [a, b], loc) => ev.add(known(ev, a), known(ev, b), loc, loc));
  define('sub', 2, (ev, [a, b], loc) => ev.arith('-', known(ev, a), known(ev, b), loc));
  define('mul', 2, (ev, [a, b], loc) => ev.arith('*', known(ev, a), known(ev, b), loc));
  define('div', 2, (ev, [a, b], loc) => ev.arith('/', known(ev, a), known(ev, b), loc));
  define('lessThan', 2, (ev, [a, b], loc) => ev.lessThan(known(ev, a), known(ev, b), loc));
  define('bitAnd', 2, (ev, [a, b], loc) => wrapInt(forceInt(ev, a, loc) & forceInt(ev, b, loc)));
  define('bitOr', 2, (ev, [a, b], loc) => wrapInt(forceInt(ev, a, loc) | forceInt(ev, b, loc)));
  define('bitXor', 2, (ev, [a, b], loc) => wrapInt(forceInt(ev, a, loc) ^ forceInt(ev, b, loc)));
  const rounding = (name: string, round: (x: number) => number) =>
    define(name, 1, (ev, [a], loc) => {
      const x = ev.forceFloat(known(ev, a), loc);
      if (!Number.isFinite(x)) throw new EvalError('type', `cannot convert ${x} to an integer`, loc);
      return wrapInt(BigInt(round(x)));
    });
  rounding('floor', Math.floor);
  rounding('ceil', Math.ceil);
}
