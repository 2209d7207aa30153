// The order- and text-preserving JSON reader and writer behind the serializer models
// (src/signing/explain/json-forms.ts): what it accepts (exactly what JSON.parse accepts), and how each style option
// writes a document.
import { describe, expect, it } from 'vitest';
import { classify, parseTree, serialize, VERBATIM, type Style } from '../src/signing/explain/json-forms.js';

const same = (text: string) => {
  let ok = true;
  try {
    JSON.parse(text);
  } catch {
    ok = false;
  }
  return ok;
};

describe('parseTree accepts what JSON.parse accepts', () => {
  const texts = [
    ' \t\r\n{ "a" : [ 1 , -0.5e+3 , true , false , null , "x\\"y\\\\" ] , "b" : { } , "c" : [ ] } \n',
    '{}', '[]', '""', '0', '-0', '1E5', '1e-5', '"\\u00e9"',
    // Not JSON:
    '', ' ', '{', '[1,]', '[1 2]', '{"a" 1}', '{"a":1,}', '{a:1}', '{"a":1 "b":2}', '"abc', '"ab\\', '01', '1.', '.5', '+1', 'tru', 'nul', 'truex', '[1]x', '{"a":1}}', '\u00a0{}', '{"a":1]', '[1}', '\f1',
  ];
  for (const text of texts) {
    it(JSON.stringify(text), () => expect(parseTree(text) !== undefined).toBe(same(text)));
  }

  it('keeps number and string text as written, and the key order', () => {
    const tree = parseTree('{"2":1.50,"1":"\\u00e9","a":-0}')!;
    expect(serialize(tree, VERBATIM)).toBe('{"2":1.50,"1":"\\u00e9","a":-0}');
  });

  it('refuses a document nested deeper than 512, without a stack overflow', () => {
    expect(parseTree(`${'['.repeat(513)}${']'.repeat(513)}`)).toBeDefined();
    expect(parseTree(`${'['.repeat(514)}${']'.repeat(514)}`)).toBeUndefined();
    expect(parseTree(`${'['.repeat(100_000)}`)).toBeUndefined();
  });
});

const style = (extra: Partial<Style> = {}): Style => ({ ...VERBATIM, ...extra });
const text = (json: string, s: Style) => serialize(parseTree(json)!, s);

describe('serialize', () => {
  it('indentation: nested, with the item separator trimmed at line ends', () => {
    expect(text('{"a":[1,{"b":2}],"c":3}', style({ itemSep: ', ', keySep: ': ', indent: '  ' }))).toBe('{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": 3\n}');
    expect(text('[1,2]', style({ itemSep: ', ', keySep: ': ' }))).toBe('[1, 2]');
  });

  it('empty containers: compact, over lines (Ruby), or {} as [] (PHP arrays)', () => {
    expect(text('{"a":{},"b":[]}', style({ indent: '  ' }))).toBe('{\n  "a":{},\n  "b":[]\n}');
    expect(text('{"a":{},"b":[]}', style({ indent: '  ', emptyOverLines: true }))).toBe('{\n  "a":{\n  },\n  "b":[\n\n  ]\n}');
    expect(text('{}', style({ emptyOverLines: true }))).toBe('{}');
    expect(text('[]', style({ emptyOverLines: true }))).toBe('[]');
    expect(text('{"a":{}}', style({ emptyObject: '[]' }))).toBe('{"a":[]}');
    expect(text('{"a":{}}', style({ emptyObject: '[]', indent: ' ', emptyOverLines: true }))).toBe('{\n "a":[]\n}');
  });

  it('objects keyed "0", "1", … in order become lists; others do not', () => {
    const s = style({ indexKeysAsList: true });
    expect(text('{"0":"a","1":{"0":true}}', s)).toBe('["a",[true]]');
    expect(text('{"1":"a","0":"b"}', s)).toBe('{"1":"a","0":"b"}');
    expect(text('{"0":"a","2":"b"}', s)).toBe('{"0":"a","2":"b"}');
    expect(text('{"0":"a"}', style())).toBe('{"0":"a"}');
  });

  it('null members dropped (Gson): the object may become empty', () => {
    const s = style({ dropNullMembers: true });
    expect(text('{"a":null,"b":[null],"c":false}', s)).toBe('{"b":[null],"c":false}');
    expect(text('{"a":null}', s)).toBe('{}');
    expect(text('{"a":null}', style({ dropNullMembers: true, emptyObject: '[]' }))).toBe('[]');
    expect(text('{"a":null}', style())).toBe('{"a":null}');
  });

  it('sorted keys in code point order, not UTF-16 order; shorter first on a common prefix', () => {
    const s = style({ sortKeys: true });
    expect(text('{"b":1,"a":2,"ab":3,"\\uff61":4,"\\ud83d\\ude00":5,"":6}', s)).toBe('{"":6,"a":2,"ab":3,"b":1,"\\uff61":4,"\\ud83d\\ude00":5}');
    expect(text('{"\\ud83d\\ude01x":1,"\\ud83d\\ude01":2,"\\ud83d\\ude00z":3}', s)).toBe('{"\\ud83d\\ude00z":3,"\\ud83d\\ude01":2,"\\ud83d\\ude01x":1}');
    expect(text('{"b":1,"a":2}', style())).toBe('{"b":1,"a":2}');
  });
});

describe('classify', () => {
  const c = (a: string, b: string) => classify(parseTree(a)!, parseTree(b)!);
  it('names the kinds of change in the order they first show, with the first token that differs', () => {
    expect(c('{"a": 1}', '{"a":1}')).toStrictEqual({ kinds: ['whitespace'] });
    expect(c('[1.0,"\\u00e9"]', '[1,"é"]')).toStrictEqual({ kinds: ['numbers', 'escapes'], example: { from: '1.0', to: '1' } });
    expect(c('{"\\u0061":1}', '{"a":1}')).toStrictEqual({ kinds: ['escapes'], example: { from: '"\\u0061"', to: '"a"' } });
    expect(c('{"b":1,"a":1}', '{"a":1,"b":1}')).toStrictEqual({ kinds: ['key-order'], example: { from: '"b"', to: '"a"' } });
    expect(c('["a"]', '["b"]')).toStrictEqual({ kinds: ['structure'], example: { from: '"a"', to: '"b"' } });
    expect(c('[1,true]', '[1,null]')).toStrictEqual({ kinds: ['structure'], example: { from: 'true', to: 'null' } });
    expect(c('[1]', '[1,2]')).toStrictEqual({ kinds: ['structure'], example: { from: ']', to: '2' } });
    expect(c('[1,2]', '[1,2]')).toStrictEqual({ kinds: ['whitespace'] });
    expect(c('[[]]', '[{}]')).toStrictEqual({ kinds: ['structure'], example: { from: '[', to: '{' } });
    expect(c('["1"]', '[1]')).toStrictEqual({ kinds: ['structure'], example: { from: '"1"', to: '1' } });
  });
});
