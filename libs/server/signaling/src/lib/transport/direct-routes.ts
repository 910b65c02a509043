import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA } from '@nestjs/common/constants';
import { MetadataScanner } from '@nestjs/core';
import { MESSAGE_MAPPING_METADATA, MESSAGE_METADATA, PARAM_ARGS_METADATA } from '@nestjs/websockets/constants';
import { Route } from './signaling-endpoint';

/**
 * THE ONE PLACE that reads Nest's own metadata keys (exported by `@nestjs/common/constants` and
 * `@nestjs/websockets/constants`, but outside their packages' entry points, so no semver promise).
 * Nest has no public way to ask whether a handler has enhancers; this file is kept because the
 * direct routes it finds are measurably faster (bench figures in the signaling README), and
 * `direct-routes.spec.ts` names the Nest version it was checked against.
 */

const ENHANCERS = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA];

/**
 * The `@SubscribeMessage` handlers of `gateway` that Nest would run with nothing around them, to be
 * called directly. Nest calls every handler through a wrapper that runs guards, interceptors, pipes
 * (its default `(socket, message)` arguments go through a pipe pass too) and exception filters:
 * five promises per message even when there are none, about a tenth of the server's CPU per relayed
 * candidate. A handler with any of them, on the method or its class, or with parameter decorators,
 * is left out and keeps Nest's wrapper, so whatever an auth module adds still runs. (App-wide
 * `useGlobalGuards` and the like never reach gateways: Nest builds their context without the
 * application's config.)
 */
export function directRoutesOf(gateway: object): ReadonlyMap<string, Route> {
  const routes = new Map<string, Route>();
  const type = gateway.constructor;
  if (ENHANCERS.some((key) => isSet(Reflect.getMetadata(key, type)))) return routes;
  const prototype = Object.getPrototypeOf(gateway) as Record<string, unknown>;
  for (const name of new MetadataScanner().getAllMethodNames(prototype)) {
    const method = prototype[name];
    if (typeof method !== 'function' || Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) !== true) continue;
    if (ENHANCERS.some((key) => isSet(Reflect.getMetadata(key, method)))) continue;
    if (Reflect.getMetadata(PARAM_ARGS_METADATA, type, name) !== undefined) continue;
    const message: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
    if (typeof message !== 'string') continue;
    routes.set(message, (socket, payload) => method.call(gateway, socket, payload));
  }
  return routes;
}

/** The message of every `@SubscribeMessage` handler of `gateway`, enhanced or not. */
export function subscribedMessagesOf(gateway: object): string[] {
  const prototype = Object.getPrototypeOf(gateway) as Record<string, unknown>;
  return new MetadataScanner().getAllMethodNames(prototype).flatMap((name) => {
    const method = prototype[name];
    if (typeof method !== 'function' || Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) !== true) return [];
    const message: unknown = Reflect.getMetadata(MESSAGE_METADATA, method);
    return typeof message === 'string' ? [message] : [];
  });
}

function isSet(metadata: unknown): boolean {
  return Array.isArray(metadata) ? metadata.length > 0 : metadata !== undefined;
}
