import { UsageError } from '../errors.js';
import { escapeTerminal } from './redact.js';

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds where JSON text stops being valid. V8's messages do not always give a position, so this is a
 * small strict scanner that runs only after JSON.parse has failed.
 */
export function findJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  // The text can be anyone's (a capture, a delivery): a control character is shown escaped, never sent raw.
  const describe = () => (i >= text.length ? 'end of input' : `"${escapeTerminal(text[i]!)}"`);
  const value = (depth: number): void => {
    if (depth > 10_000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ":" after a property name, found ${describe()}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${describe()}`);
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${describe()}`);
      }
    } else if (c === '"') {
      string();
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail(`invalid number`);
      i += m![0].length;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else fail(`unexpected ${describe()}, expected a JSON value`);
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('invalid escape in a string');
      } else if (c < 0x20) fail('unescaped control character in a string');
      else i++;
    }
    fail('unterminated string');
  };
  try {
    ws();
    if (i >= text.length) fail('empty input, expected a JSON value');
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe()} after the JSON value`);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as { offset: number; message: string };
    throw e;
  }
  return { offset: text.length, message: 'invalid JSON' };
}

/** Human description of why `text` is not JSON: "line 3, column 14: expected ..." */
export function describeJsonError(text: string): string {
  const { offset, message } = findJsonError(text);
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}: ${message}`;
}

/** JSON.parse with an exit-2 error that says where the text went wrong. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('invalid_json', `${source} is not valid JSON: ${describeJsonError(text)}`);
  }
}

/**
 * The offset where `text` first nests deeper than `limit` levels, or -1: brackets ({ and [) outside double-quoted
 * strings, and for YAML block nesting too, bounded from above by the width of a line's indentation and "- "
 * markers (each block level takes at least one more column). Recursive readers (the YAML parser,
 * JSON.stringify) overflow the stack on input nested some thousands deep, far past any real file: checked first,
 * the refusal names the limit instead of "Maximum call stack size exceeded".
 */
export function nestedPast(text: string, limit: number, yaml = false): number {
  let depth = 0;
  let indent = 0;
  let inString = false;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (yaml && lineStart) {
      // Spaces, tabs and the "- " / "? " markers before a line's content: each block level adds at least one.
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || ((text[j] === '-' || text[j] === '?') && (text[j + 1] === ' ' || text[j + 1] === '\t')))) j++;
      indent = j - i;
      if (indent + depth > limit) return i + Math.max(0, limit - depth);
      lineStart = false;
    }
    if (c === 0x0a) lineStart = true;
    else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth + indent > limit) return i;
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  return -1;
}
