#!/usr/bin/env python3
"""A MODEL of .NET System.Text.Json, not .NET itself (Debian ships no .NET): JsonNode.Parse(body).ToJsonString()
with the default JsonSerializerOptions, i.e. the default JavaScriptEncoder.

Written from dotnet/runtime's source, independently of cg-hooks' TypeScript model:
- src/libraries/System.Text.Json/src/System/Text/Json/Writer/JsonWriterHelper.Escaping.cs, AllowList: ASCII
  0x20..0x7E pass through except '"' '&' '\'' '+' '<' '>' '`' (written \\u0022 \\u0026 \\u0027 \\u002B \\u003C
  \\u003E \\u0060) and '\\\\' (written \\\\\\\\); \\n \\r \\t \\b \\f get their short escapes; other controls and 0x7F
  are written \\u00XX with UPPERCASE hex ("X4").
- Non-ASCII goes to JavaScriptEncoder.Default, whose allow-list is UnicodeRanges.BasicLatin only: every non-ASCII
  character is written \\uXXXX (uppercase hex), characters beyond U+FFFF as a surrogate pair.
- JsonNode.Parse keeps each number as the JsonElement it came from, and writing it writes the original token:
  numbers keep their text (1.0 stays 1.0, 1e21 stays 1e21). Key order is kept; output is compact.

Usage: python3 dotnet_model.py corpus.json SECRET → TSV lines: serializer, corpus, base64(signed bytes), HMAC-SHA256 hex
"""
import base64
import hashlib
import hmac
import json
import sys


class Raw(str):
    """A number token exactly as written."""


SHORT = {0x22: '\\u0022', 0x5C: '\\\\', 0x0A: '\\n', 0x0D: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0C: '\\f'}
HEX_ESCAPED = set(map(ord, '&\'+<>`'))


def escape(s):
    out = ['"']
    units = s.encode('utf-16-be', 'surrogatepass')
    for i in range(0, len(units), 2):
        c = int.from_bytes(units[i:i + 2], 'big')
        if c in SHORT:
            out.append(SHORT[c])
        elif c < 0x20 or c >= 0x7F or c in HEX_ESCAPED:
            out.append('\\u%04X' % c)
        else:
            out.append(chr(c))
    out.append('"')
    return ''.join(out)


def write(v):
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, str):
        return escape(v)
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if v is None:
        return 'null'
    if isinstance(v, Obj):
        return '{' + ','.join(escape(k) + ':' + write(x) for k, x in v) + '}'
    return '[' + ','.join(write(x) for x in v) + ']'


class Obj(list):
    """An object's members in order."""


corpus = json.load(open(sys.argv[1], encoding='utf-8'))
secret = sys.argv[2].encode('utf-8')
for doc in corpus:
    tree = json.loads(doc['body'], object_pairs_hook=Obj, parse_float=Raw, parse_int=Raw, parse_constant=Raw)
    data = write(tree).encode('utf-8')
    mac = hmac.new(secret, data, hashlib.sha256).hexdigest()
    print('\t'.join(['dotnet', doc['name'], base64.b64encode(data).decode('ascii'), mac]))
