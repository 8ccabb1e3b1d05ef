import { readdirSync } from 'node:fs';
import { basename, extname, join, posix, relative, sep } from 'node:path';

/** Twilio's access levels. */
export type Access = 'public' | 'protected' | 'private';

/** An asset file, with the URL path and access Twilio would give it. */
export interface Resource {
  path: string;
  access: Access;
  file: string;
}

/**
 * The URL path and access Twilio derives from an asset's name relative to its folder, the rule
 * `twilio serverless:deploy` applies: `.private`/`.protected` before the extension set the access
 * and are dropped, whitespace becomes `-`.
 *
 * @example serverlessPath('vonage-private.private.key') // { path: '/vonage-private.key', access: 'private' }
 */
export function serverlessPath(name: string): { path: string; access: Access } {
  const ext = extname(name);
  const access: Access = name.includes(`.protected${ext}`) ? 'protected'
    : name.includes(`.private${ext}`) ? 'private' : 'public';
  const base = basename(name, ext).replace(`.${access}`, '');
  const dir = posix.dirname(name.split(sep).join('/'));
  const path = posix.join('/', dir, base) + ext;
  return { path: path.replace(/\s/g, '-'), access };
}

/** Every file under `dir` as an asset. */
export function findAssets(dir: string): Resource[] {
  return filesUnder(dir).map((file) => ({ ...serverlessPath(relative(dir, file)), file }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}
