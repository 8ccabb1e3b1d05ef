import { isObject, kindNames } from './decode';
import { Finding } from './finding';
import { readTime } from './lifetime';
import { printable } from './printable';
import { Report } from './report';
import { isoTime, relativeTime } from './time-text';

const timeClaims = new Set(['iat', 'nbf', 'exp']);

/**
 * The report as a person reads it: the kind, the header, the claims (times absolute and relative
 * to `now`, Twilio grants and Vonage ACL paths one per line), then the findings.
 *
 * @example formatReport(report, new Date('2026-11-23T14:00:00Z'))
 */
export function formatReport(report: Report, now: Date): string {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const sections = [kindNames[report.kind]];
  if (report.header) {
    sections.push(section('Header', fields(Object.entries(report.header), (_, value) => [plain(value)])));
  }
  if (report.claims) {
    sections.push(section('Claims', fields(Object.entries(report.claims), (name, value) => claimValue(name, value, nowSeconds))));
    sections.push('The signature is not checked here: rtc-token verify checks it with your credentials.');
  }
  sections.push(report.findings.length === 0 ? 'No findings.' : section('Findings', report.findings.flatMap(findingLines)));
  return sections.join('\n\n') + '\n';
}

/** A claim's value: the first line follows its name; further lines (grants, ACL paths) are indented below. */
function claimValue(name: string, value: unknown, now: number): string[] {
  const time = readTime(value);
  if (timeClaims.has(name) && time !== undefined) return [`${isoTime(time)} (${relativeTime(name, time, now)})`];
  if (name === 'grants' && isObject(value)) {
    return ['', ...indent(fields(Object.entries(value), (_, grant) => [plain(grant)]))];
  }
  if (name === 'acl' && isObject(value) && isObject(value.paths)) {
    const paths = Object.entries(value.paths).map(([path, rule]) =>
      (isObject(rule) && Object.keys(rule).length === 0 ? printable(path) : `${printable(path)} ${plain(rule)}`));
    const { paths: _, ...others } = value;
    const summary = `${paths.length} path${paths.length === 1 ? '' : 's'}`;
    return [Object.keys(others).length === 0 ? summary : `${summary}, and ${plain(others)}`, ...indent(paths)];
  }
  return [plain(value)];
}

/** Findings wrap at this width (after the section's indent), so each reads as a paragraph in any terminal. */
const findingWidth = 90;
const hanging = ' '.repeat(8);

function findingLines(finding: Finding): string[] {
  return [
    ...wrap(`${finding.severity.padEnd(7)} ${finding.code}: ${finding.message}`, hanging),
    ...wrap(`${hanging}${finding.vendorAnswer}`, hanging),
  ];
}

/** Words onto lines of at most `findingWidth` characters; continuation lines start with `prefix`. */
function wrap(text: string, prefix: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=\S) (?=\S)/)) {
    if (line !== '' && line.length + 1 + word.length > findingWidth) {
      lines.push(line);
      line = prefix + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** `name: value` lines with the values aligned; a value's further lines follow as they are. */
function fields(entries: Array<[string, unknown]>, render: (name: string, value: unknown) => string[]): string[] {
  const width = Math.max(0, ...entries.map(([name]) => printable(name).length));
  return entries.flatMap(([name, value]) => {
    const [first, ...rest] = render(name, value);
    return [`${`${printable(name)}:`.padEnd(width + 1)} ${first}`.trimEnd(), ...rest];
  });
}

function section(title: string, lines: string[]): string {
  return [title, ...indent(lines)].join('\n');
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function plain(value: unknown): string {
  return printable(typeof value === 'string' ? value : String(JSON.stringify(value)));
}
