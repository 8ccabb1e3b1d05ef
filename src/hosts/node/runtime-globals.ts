import { readFileSync } from 'node:fs';
import type { AssetResourceMap, ResourceMap } from '@twilio-labs/serverless-runtime-types/types';
import { Resource } from './resources';
import { TwilioResponse } from './twilio-response';

/**
 * `Runtime.getAssets()`: the private assets only, by path, as on Twilio (public ones are reached
 * over HTTP). `open` reads the file each time, as Twilio's does.
 */
export function privateAssetMap(assets: readonly Resource[]): AssetResourceMap {
  return Object.fromEntries(assets.filter((asset) => asset.access === 'private')
    .map((asset) => [asset.path, { path: asset.file, open: () => readFileSync(asset.file, 'utf8') }]));
}

/** `Runtime.getFunctions()`: every Function, private ones included, by path without the leading `/`. */
export function functionMap(functions: readonly Resource[]): ResourceMap {
  return Object.fromEntries(functions.map((fn) => [fn.path.slice(1), { path: fn.file }]));
}

/**
 * Installs the globals Twilio's runtime gives every Function: `Twilio.Response` and `Runtime`'s
 * asset and Function maps. Must run before any Function module loads, since a module may read
 * them at load time.
 */
export function installTwilioGlobals(assets: AssetResourceMap, functions: ResourceMap): void {
  Object.assign(globalThis, {
    Twilio: { Response: TwilioResponse },
    // Copies, so a Function that edits its map cannot change what the next request sees.
    Runtime: { getAssets: () => ({ ...assets }), getFunctions: () => ({ ...functions }) },
  });
}
