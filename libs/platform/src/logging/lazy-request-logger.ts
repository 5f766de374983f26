import type { Logger } from 'pino';

const INSTALLED = Symbol('kefu.lazyRequestChild');

type ChildFn = (bindings: Record<string, unknown>, options?: unknown) => Logger;

/**
 * pino-http binds the whole request to a child logger on every request (`child({ req })`), and pino
 * serialises and redacts child bindings at once: with Kefu's redact paths (every sensitive field at
 * every depth) that was ~3% of the API's CPU per POST /v1/tickets, for a logger that, at the
 * production level (warn), only ever writes the access line of a 5xx.
 *
 * After this, a `child({ req })` or `child({ reqId })` of `root` (or of its children) is made only when
 * one of its level methods is about to write a line (checked against the level at that moment), or
 * when something asks for its bindings or a child with other bindings; until then it is its parent
 * with the level methods deferred. The line written is the same: the real child is made from the
 * same (real) parent and bindings, in the same order.
 */
/** pino-http's per-request bindings: `{ reqId }` (quietReqLogger) and `{ req }`. */
const DEFERRED_KEYS = ['req', 'reqId'];

const PARENT = Symbol('kefu.deferredParent');
const BINDINGS = Symbol('kefu.deferredBindings');
const REAL = Symbol('kefu.deferredReal');

interface Deferred {
  [PARENT]: Logger;
  [BINDINGS]: Record<string, unknown>;
  [REAL]?: Logger;
}

export function deferRequestBindings(root: Logger): void {
  const owner = root as unknown as Record<symbol, unknown> & { child: ChildFn };
  if (owner[INSTALLED]) return;
  // The unpatched child (pino's prototype method), always called with an explicit `this`.
  const protoChild = Reflect.get(root, 'child') as unknown as ChildFn;
  const materialise = (d: Deferred): Logger => {
    const existing = d[REAL];
    if (existing) return existing;
    // A deferred parent is made real first: pino builds a child's bindings from its parent's.
    const parent = d[PARENT];
    const real = protoChild.call(isDeferred(parent) ? materialise(parent) : parent, d[BINDINGS]);
    d[REAL] = real;
    return real;
  };
  // Shared by every deferred child: per request only the object and its level slots are new.
  const methods = new Map<string, (this: Deferred, ...args: unknown[]) => unknown>();
  for (const level of Object.keys(root.levels.values)) {
    methods.set(level, function (this: Deferred, ...args) {
      if (!this[REAL] && !this[PARENT].isLevelEnabled(level)) return undefined;
      return (materialise(this) as unknown as Record<string, (...a: unknown[]) => unknown>)[level](...args);
    });
  }
  function deferredChild(this: Deferred, b: Record<string, unknown>, o?: unknown): Logger {
    return lazyChild.call(this as unknown as Logger, b, o);
  }
  function deferredBindings(this: Deferred) {
    return materialise(this).bindings();
  }
  function deferredSetBindings(this: Deferred, b: Record<string, unknown>) {
    materialise(this).setBindings(b);
  }
  function lazyChild(this: Logger, bindings: Record<string, unknown>, options?: unknown): Logger {
    if (
      (options !== undefined && options !== null) ||
      !bindings ||
      !DEFERRED_KEYS.some((k) => k in bindings)
    ) {
      return protoChild.call(isDeferred(this) ? materialise(this) : this, bindings, options);
    }
    const lazy = Object.create(this) as Record<string | symbol, unknown>;
    lazy[PARENT] = this;
    lazy[BINDINGS] = bindings;
    // Own, not inherited from a deferred parent that has become real.
    lazy[REAL] = undefined;
    for (const [level, fn] of methods) lazy[level] = fn;
    lazy.child = deferredChild;
    lazy.bindings = deferredBindings;
    lazy.setBindings = deferredSetBindings;
    return lazy as unknown as Logger;
  }
  owner[INSTALLED] = true;
  owner.child = lazyChild;
}

function isDeferred(l: unknown): l is Deferred {
  return typeof l === 'object' && l !== null && Object.prototype.hasOwnProperty.call(l, PARENT);
}
