/**
 * A child logger made when first used. pino serializes a child's bindings
 * when the child is made, each through the redaction of every path (the
 * wildcard paths of LOG_REDACTION apply to any top-level key): ~7 µs and
 * ~7 KB of garbage a child. A job's run binds its ids up front, and at
 * LOG_LEVEL=warn most runs log nothing (docs/decisions/0015-lean-hot-path.md).
 */
import type { Bindings, Logger } from "pino";

const LEVEL_METHODS: ReadonlySet<PropertyKey> = new Set([
  "trace",
  "debug",
  "info",
  "warn",
  "error",
  "fatal",
]);

const noop = () => {};

/**
 * `parent.child(bindings)`, made on the first use that needs it: a call at a
 * level `parent` does not log costs nothing. Anything else (a line at an
 * enabled level, `child`, `bindings()`, …) reads the real child.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  let made: Logger | undefined;
  const child = () => {
    made ??= parent.child(bindings);
    return made;
  };
  return new Proxy(parent, {
    get(target, prop) {
      if (!made && LEVEL_METHODS.has(prop) && !target.isLevelEnabled(prop as string)) return noop;
      if (!made && (prop === "isLevelEnabled" || prop === "level")) {
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      const real = child();
      const value = Reflect.get(real, prop, real);
      return typeof value === "function" ? value.bind(real) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(child(), prop, value);
    },
  });
}
