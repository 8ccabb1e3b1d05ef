import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { root } from '../support/server';

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

/** Markdown without its fenced code blocks, where `[x](y)` is code, not a link. */
function prose(file: string): string {
  return readFileSync(join(root, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
}

/**
 * The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens,
 * and `-1`, `-2` … after a repeated one.
 */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(file).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every relative link of the README and docs/, with the file and anchor it names. */
function relativeLinks(): Array<{ page: string; target: string; file: string; anchor?: string }> {
  return pages.flatMap((page) => [...prose(page).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target))
    .map((target) => {
      const [path, anchor] = target.split('#');
      return { page, target, file: path === '' ? page : normalize(join(dirname(page), path)), anchor };
    }));
}

describe('links between the README and docs/', () => {
  test('every relative link names a file of the repository', () => {
    const links = relativeLinks();
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter(({ file }) => !existsSync(join(root, file))).map(({ page, target }) => `${page} → ${target}`)).toEqual([]);
  });

  test('every anchor names a heading of the page it links to', () => {
    const broken = relativeLinks()
      .filter(({ file, anchor }) => anchor !== undefined && file.endsWith('.md') && existsSync(join(root, file)))
      .filter(({ file, anchor }) => !anchors(file).has(anchor!))
      .map(({ page, target }) => `${page} → ${target}`);
    expect(broken).toEqual([]);
  });
});
