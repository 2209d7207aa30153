// The CustomerGlu reward compiled to JSON bytes (see compiled.ts): `generate customerglu reward --count` makes
// hundreds of thousands, and building each as an object, stringifying it and encoding the string cost most of a
// delivery. Everything here mirrors `reward` and `rewardCode` in customerglu.ts draw for draw; the texts come from
// the same pure helpers (faceText, tncAbove) and lists, so only the order of keys and draws is written twice, and
// test/generate-compiled.test.ts compares the bytes.
import * as alphabets from './context.js';
import type { TemplateContext } from './context.js';
import * as compiled from './compiled.js';
import { type CompiledTemplate } from './compiled.js';
import {
  CODE_PREFIXES, faceChoices, faceText, PLAYED_REWARD_TYPES, REFERRAL_REWARD_TYPES, REWARD_CATEGORIES, tncAbove, TNC_ALONE,
  TNC_EXPIRES, TNC_NONE, TNC_ONCE, type RewardType,
} from './customerglu.js';
import * as names from './names.js';

// Bound once: esbuild's CommonJS packs read an imported name through a getter at every use, `(0, import_chunk_….put)(…)`,
// some 30 bytes of the `generate` pack and a getter call per use (compiled forms make hundreds per delivery).
const { literal, literalBound, put, putNumber, shown, SLOT, splitLiteral, utf8 } = compiled;
const { ALNUM_CODES, BASE64URL_CODES } = alphabets;
const { CAMPAIGN_NAMES, CURRENCIES, FIRST_NAMES, LAST_NAMES, NATIVE_NAMES } = names;

/** A reward's face as fragments: name and amount (with the key after them), the body whole or around the code. */
interface Face {
  /** `"rewardName":…,"rewardAmount":…,"rewardExpiry":` */
  head: Uint8Array;
  /** `,"body":"…"` whole when it holds no code, else the part before the code. */
  body: Uint8Array;
  /** After the code when the body holds it; null when it does not. */
  bodyAfter: Uint8Array | null;
  /** The face carries a `code` field. */
  hasCode: boolean;
}

function compileFace(rewardType: RewardType, currency: string, choice: number | string | undefined, ascii: boolean): Face | undefined {
  const face = faceText(rewardType, currency, SLOT, choice);
  if (face.rewardName.includes(SLOT) || (face.code !== undefined && face.code !== SLOT)) return undefined;
  const head = utf8(`"rewardName":${literal(face.rewardName, ascii)},${face.rewardAmount === undefined ? '' : `"rewardAmount":${JSON.stringify(face.rewardAmount)},`}"rewardExpiry":`);
  if (!face.body.includes(SLOT)) return { head, body: utf8(`,"body":${literal(face.body, ascii)}`), bodyAfter: null, hasCode: face.code !== undefined };
  const split = splitLiteral(face.body, ascii);
  if (split === undefined || face.code === undefined) return undefined;
  return { head, body: utf8(`,"body":${split[0]}`), bodyAfter: utf8(split[1]), hasCode: true };
}

/** `alnum(4).toUpperCase()`: the same draw over the same 62 positions, upper-cased. */
const CODE_CHARS = ALNUM_CODES.map((c) => (c >= 0x61 && c <= 0x7a ? c - 0x20 : c));
/** The last time a JavaScript Date holds (ECMAScript's time range). */
const LAST_DATE_MS = 8.64e15;
const indices = (list: readonly unknown[]): number[] => list.map((_, i) => i);
const longest = (texts: readonly string[]): number => Math.max(...texts.map((t) => t.length));

function compileReward(variant: string, ascii: boolean): CompiledTemplate | undefined {
  const referral = variant === 'referral';
  const types: readonly RewardType[] = referral ? REFERRAL_REWARD_TYPES : PLAYED_REWARD_TYPES;
  // Every face a type can show in every currency, made once (a few hundred fragments); a face that cannot be
  // compiled leaves the whole event interpreted. `pick` is the draw's list (its indices), null when none is drawn.
  const faces: Array<{ faces: Face[]; pick: number[] | null }> = [];
  let longestFace = 0;
  for (const t of types) {
    for (const c of CURRENCIES) {
      const choices = faceChoices(t, c);
      const made = (choices ?? [undefined]).map((choice) => compileFace(t, c, choice, ascii));
      if (made.some((x) => x === undefined)) return undefined;
      for (const f of made as Face[]) longestFace = Math.max(longestFace, f.head.length + f.body.length + (f.bodyAfter?.length ?? 0));
      faces.push({ faces: made as Face[], pick: choices === undefined ? null : indices(choices) });
    }
  }
  const open = utf8('{"campaignId":"');
  const head = types.map((t) => utf8(`","type":${literal(variant, ascii)},"rewardType":${literal(t, ascii)},"userId":"`));
  const rewardIdKey = utf8('","rewardId":"');
  const transactionKey = utf8('","status":"redeemable-unseen","transactionId":"');
  const quoteComma = utf8('",');
  const tnc = CURRENCIES.map((c) => [
    utf8(`,"tnc":[${literal(TNC_NONE, ascii)}]`),
    utf8(`,"tnc":[${literal(TNC_ONCE, ascii)},${literal(TNC_ALONE, ascii)}]`),
    utf8(`,"tnc":[${literal(tncAbove(c), ascii)},${literal(TNC_EXPIRES, ascii)}]`),
  ]);
  const codeKey = utf8(',"code":"');
  const detailsKey = utf8('","details":{');
  const detailsOnly = utf8(',"details":{');
  const categories = REWARD_CATEGORIES.map((c) => utf8(`"rewardCategory":${literal(c, ascii)}`));
  const currencies = CURRENCIES.map((c) => utf8(`,"currency":${literal(c, ascii)},"campaignName":`));
  const campaigns = CAMPAIGN_NAMES.map((n) => utf8(`${literal(n, ascii)}}}`));
  const referralCampaign = utf8(`${literal('Refer a Friend', ascii)}}}`);
  const prefixes = CODE_PREFIXES.map(utf8);
  const pickCurrency = indices(CURRENCIES);
  const pickType = indices(types);
  const pickCategory = indices(REWARD_CATEGORIES);
  const pickCampaign = indices(CAMPAIGN_NAMES);
  const pickPrefix = indices(CODE_PREFIXES);
  // Ids drawn before the place they are written go through these.
  const userId = new Uint8Array(36);
  const friendId = new Uint8Array(36);
  const code = new Uint8Array(longest(CODE_PREFIXES) + 2 + 4);
  // A person's name, any mode, in UTF-16 units; --ascii spellings are at most 4 units a character (₹ → "Rs ").
  const nameUnits = 4 * Math.max(
    longest(FIRST_NAMES) + 1 + longest(LAST_NAMES),
    ...NATIVE_NAMES.map((n) => Math.max(n.name.length, n.romanized.first.length + 1 + n.romanized.last.length)),
  );
  const fixed = [open, ...head, rewardIdKey, transactionKey, quoteComma, codeKey, detailsKey, ...categories, ...currencies, ...campaigns, referralCampaign]
    .reduce((sum, f) => sum + f.length, 0);
  const maxBytes = fixed + longestFace + Math.max(...tnc.flat().map((f) => f.length)) + 3 * 36 + 22 + 2 * code.length + 24 +
    (referral ? 2 * literalBound(nameUnits) + 36 + 100 : 0);

  const write = (ctx: TemplateContext, out: Buffer, start: number): number => {
    // rewardExpiry (-1, or the clock plus 7 to 90 days in unix seconds) is a valid one, a non-negative safe integer,
    // whatever is drawn only on a clock from 1970 to JavaScript's last date. Outside, the interpreted path decides.
    if (!(ctx.now >= 0 && ctx.now <= LAST_DATE_MS)) return -1;
    ctx.uuidInto(userId, 0);
    const c = ctx.pick(pickCurrency);
    const t = ctx.pick(pickType);
    // rewardCode: prefix, two digits, four upper-case alphanumerics.
    const prefix = prefixes[ctx.pick(pickPrefix)]!;
    let codeEnd = put(code, 0, prefix);
    const digits = ctx.int(10, 99);
    code[codeEnd++] = 0x30 + Math.floor(digits / 10);
    code[codeEnd++] = 0x30 + (digits % 10);
    codeEnd = ctx.charsInto(CODE_CHARS, 4, code, codeEnd);
    const options = faces[t * CURRENCIES.length + c]!;
    const face = options.faces[options.pick === null ? 0 : ctx.pick(options.pick)]!;
    const campaign = referral ? referralCampaign : campaigns[ctx.pick(pickCampaign)]!;
    let friendName = '';
    let userName = '';
    if (referral) {
      const a = ctx.person();
      const b = ctx.person();
      friendName = b.name;
      ctx.uuidInto(friendId, 0);
      userName = a.name;
    }
    const category = categories[ctx.pick(pickCategory)]!;
    let at = put(out, start, open);
    at = ctx.uuidInto(out, at);
    at = put(out, at, head[t]!);
    at = put(out, at, userId);
    at = put(out, at, rewardIdKey);
    at = ctx.uuidInto(out, at);
    at = put(out, at, transactionKey);
    at = ctx.charsInto(BASE64URL_CODES, 22, out, at);
    at = put(out, at, quoteComma);
    at = put(out, at, face.head);
    at = putNumber(out, at, ctx.chance(0.3) ? -1 : ctx.unix(ctx.int(7, 90) * 86_400_000));
    at = put(out, at, face.body);
    if (face.bodyAfter !== null) {
      for (let i = 0; i < codeEnd; i++) out[at++] = code[i]!;
      at = put(out, at, face.bodyAfter);
    }
    at = put(out, at, tnc[c]![ctx.int(0, 2)]!);
    if (face.hasCode) {
      at = put(out, at, codeKey);
      for (let i = 0; i < codeEnd; i++) out[at++] = code[i]!;
      at = put(out, at, detailsKey);
    } else at = put(out, at, detailsOnly);
    if (referral) {
      at += out.write(`"userBName":${JSON.stringify(shown(friendName, ascii))},"userBId":"`, at, 'utf8');
      at = put(out, at, friendId);
      at += out.write(`","userAName":${JSON.stringify(shown(userName, ascii))},"userAId":"`, at, 'utf8');
      at = put(out, at, userId);
      at += out.write('","reward_reason":"referred_a_friend",', at, 'latin1');
    }
    at = put(out, at, category);
    at = put(out, at, currencies[c]!);
    return put(out, at, campaign);
  };
  return { maxBytes, write };
}

export function compileCustomerglu(event: string, variant: string | undefined, ascii: boolean): CompiledTemplate | undefined {
  if (event !== 'reward') return undefined;
  return compileReward(variant ?? 'spinthewheel', ascii);
}
