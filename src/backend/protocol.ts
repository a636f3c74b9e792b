import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads our .proto files (proto/ next to this module in the source tree and next to the bundle
 * in dist/) for the plugin's server and for test hosts, with one set of decoding options so both
 * sides see the shapes declared in messages.ts.
 */

export const PROTO_FILES = ['backend.proto', 'health.proto', 'controller.proto'] as const;

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

export function protoDir(): string {
  const dir = join(__dirname, 'proto');
  if (!existsSync(join(dir, PROTO_FILES[0]))) throw new Error(`the plugin's .proto files are missing from ${dir}; rebuild with scripts/build-backend.mjs`);
  return dir;
}

export function loadProtocol(dir = protoDir()): grpc.GrpcObject {
  const definition = protoLoader.loadSync(PROTO_FILES.map((f) => join(dir, f)), LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition);
}

/** The client constructor of a service by its full name, e.g. "pluginv2.Data". */
export function serviceAt(pkg: grpc.GrpcObject, fullName: string): grpc.ServiceClientConstructor {
  let node: unknown = pkg;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function' || !('service' in node)) throw new Error(`service ${fullName} is not in the plugin's .proto files`);
  return node as grpc.ServiceClientConstructor;
}
