// JUnit XML as CI systems read it (GitHub, GitLab, Jenkins, CircleCI): one <testsuite> of <testcase>s,
// <failure> for failures, <skipped/> for skipped cases. Warnings are passing tests whose <system-out>
// says "warning: …", so they are visible in the report without failing the build.

export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time?: number;
  status: 'pass' | 'fail' | 'warn' | 'skip' | 'error';
  /** One line: the failure's message, the skip reason, the warning. */
  message?: string;
  /** Longer text inside the <failure>/<error> element. */
  detail?: string;
  /** Goes to <system-out>. */
  output?: string;
}

export interface JUnitSuite {
  name: string;
  /** ISO-8601 start time. */
  timestamp?: string;
  hostname?: string;
  properties?: Record<string, string>;
  cases: JUnitCase[];
}

// XML 1.0 forbids most control characters even as references: drop them (and lone surrogates).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// What a terminal obeys but XML allows (C1 controls, bidi controls, line separators: the set core/json-text.ts
// escapes): written as character references, the same characters to a parser, inert on a terminal (--junit
// /dev/stdout shows a receiver's answer).
const TERMINAL_UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Escapes text for XML element content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(TERMINAL_UNSAFE, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

/** Attribute values also keep their line breaks and tabs (a parser would turn raw ones into spaces). */
function attr(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const seconds = (s: number | undefined) => (s ?? 0).toFixed(3);

export function junitXml(suite: JUnitSuite): string {
  const count = (s: JUnitCase['status']) => suite.cases.filter((c) => c.status === s).length;
  const time = suite.cases.reduce((t, c) => t + (c.time ?? 0), 0);
  const attrs = [
    `name="${attr(suite.name)}"`,
    `tests="${suite.cases.length}"`,
    `failures="${count('fail')}"`,
    `errors="${count('error')}"`,
    `skipped="${count('skip')}"`,
    `time="${seconds(time)}"`,
    ...(suite.timestamp ? [`timestamp="${attr(suite.timestamp)}"`] : []),
    ...(suite.hostname ? [`hostname="${attr(suite.hostname)}"`] : []),
  ].join(' ');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites name="${attr(suite.name)}" tests="${suite.cases.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${seconds(time)}">`);
  lines.push(`  <testsuite ${attrs}>`);
  const props = Object.entries(suite.properties ?? {});
  if (props.length > 0) {
    lines.push('    <properties>');
    for (const [k, v] of props) lines.push(`      <property name="${attr(k)}" value="${attr(v)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of suite.cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="${seconds(c.time)}"`;
    const inner: string[] = [];
    if (c.status === 'fail' || c.status === 'error') {
      const tag = c.status === 'fail' ? 'failure' : 'error';
      const message = c.message ?? c.status;
      inner.push(`      <${tag} message="${attr(message)}" type="${c.status === 'fail' ? 'AssertionError' : 'NetworkError'}">${escapeXml(c.detail ?? message)}</${tag}>`);
    } else if (c.status === 'skip') {
      inner.push(c.message ? `      <skipped message="${attr(c.message)}"/>` : '      <skipped/>');
    }
    const out = c.output ?? (c.status === 'warn' && c.message ? `warning: ${c.message}` : undefined);
    if (out) inner.push(`      <system-out>${escapeXml(out)}</system-out>`);
    lines.push(inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, '    </testcase>'].join('\n'));
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
