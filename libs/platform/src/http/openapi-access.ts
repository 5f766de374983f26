import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, PRINCIPAL_KIND_KEY, ROLES_KEY } from '../auth/auth.decorators';

/** Who the AuthGuard lets call a route: nobody needs credentials, only partners, only users, or both. */
export type RouteAccess = 'public' | 'partner' | 'user' | 'any';

/**
 * The access of every controller method, by @nestjs/swagger's default operationId
 * (`Controller_method`), read from the same metadata the AuthGuard reads. The document's `security`
 * is derived from it, so it cannot drift from what the server enforces (a route another module adds
 * is documented correctly without doing anything).
 */
export function routeAccessByOperationId(app: INestApplication): Map<string, RouteAccess> {
  const reflector = new Reflector();
  const out = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
        if (typeof handler !== 'function' || name === 'constructor') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        out.set(`${controller.name}_${name}`, accessOf(reflector, handler, controller));
      }
    }
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Reflector takes any class or handler
function accessOf(reflector: Reflector, handler: Function, controller: Function): RouteAccess {
  const targets = [handler, controller];
  if (reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true) return 'public';
  const kind = reflector.getAllAndOverride<'user' | 'partner' | undefined>(PRINCIPAL_KIND_KEY, targets);
  if (kind) return kind;
  // A role requirement refuses partners (403): only bearer tokens can pass.
  const roles = reflector.getAllAndOverride<unknown[] | undefined>(ROLES_KEY, targets);
  return roles && roles.length > 0 ? 'user' : 'any';
}
