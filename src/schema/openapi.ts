import type { EventDef, ProviderDef } from '../providers/types.js';
import { VERSION } from '../version.js';
import { documentedExamples, generatedExamples } from './examples.js';
import { describeEvent, eventSchema, type JsonSchema } from './json-schema.js';
import { pascal } from './names.js';

export const OPENAPI_VERSION = '3.1.0';

type Parameter = { name: string; in: 'header' | 'query'; required: boolean; description: string; schema: JsonSchema; example?: string };

/** How a provider authenticates its deliveries, as OpenAPI: parameters, security schemes and requirements. */
interface Auth {
  parameters: Parameter[];
  securitySchemes: Record<string, JsonSchema>;
  /** Alternatives (OR); each lists schemes that all apply (AND). Empty: no credential. */
  security: Array<Record<string, string[]>>;
  /** The body signature in machine-readable form (OpenAPI has no security scheme for an HMAC of the body). */
  signature?: JsonSchema;
}

const DIGEST_BYTES = { md5: 16, sha1: 20, sha256: 32, sha512: 64 } as const;

function signatureAuth(p: ProviderDef, header: string, required: boolean): Auth {
  const { algorithm = 'sha256', encoding = 'hex', altHeaders = [] } = p.signing;
  const bytes = DIGEST_BYTES[algorithm];
  const pattern = encoding === 'hex' ? `^[0-9a-fA-F]{${bytes * 2}}$` : `^[A-Za-z0-9+/]{${Math.ceil((bytes * 4) / 3)}}={0,2}$`;
  const schema = { type: 'string', pattern };
  const parameters: Parameter[] = [
    { name: header, in: 'header', required, description: `${p.signing.description}. Compute it over the raw body bytes, before parsing, and compare in constant time.`, schema },
    ...altHeaders.map((alt): Parameter => ({ name: alt, in: 'header', required: false, description: `Another name for ${header}: the same signature.`, schema })),
  ];
  const signature = { header, altHeaders, algorithm: `HMAC-${algorithm.toUpperCase()}`, encoding, signs: 'the raw request body', required };
  return { parameters, securitySchemes: {}, security: [], signature };
}

function apiKeyScheme(p: ProviderDef, name: string, where: 'header' | 'query', description: string): JsonSchema {
  return { type: 'apiKey', in: where, name, description: `${p.name}: ${description}` };
}

/** The signing scheme as OpenAPI. Credentials become security schemes named `<provider><Kind>`. */
export function authOf(p: ProviderDef): Auth {
  const id = pascal(p.id);
  const key = `${id[0]!.toLowerCase()}${id.slice(1)}`;
  const s = p.signing;
  switch (s.scheme) {
    case 'none':
      return { parameters: [], securitySchemes: {}, security: [] };
    case 'basic':
      return {
        parameters: [],
        securitySchemes: { [`${key}BasicAuth`]: { type: 'http', scheme: 'basic', description: `${p.name}: ${s.description}` } },
        // Optional: the empty requirement means "or no credential at all".
        security: [{ [`${key}BasicAuth`]: [] }, {}],
      };
    case 'api-key': {
      const name = s.header ?? 'X-API-KEY';
      return { parameters: [], securitySchemes: { [`${key}ApiKey`]: apiKeyScheme(p, name, 'header', s.description) }, security: [{ [`${key}ApiKey`]: [] }] };
    }
    case 'segment': {
      const signed = signatureAuth(p, s.header ?? 'X-Signature', false);
      const scheme = apiKeyScheme(p, 'X-API-KEY', 'header', 'your CustomerGlu key, set in the Segment destination');
      return { ...signed, securitySchemes: { [`${key}ApiKey`]: scheme }, security: [{ [`${key}ApiKey`]: [] }] };
    }
    case 'webengage':
      return {
        parameters: [{ name: 'eventType', in: 'query', required: false, description: 'The WebEngage event type of this webhook.', schema: { type: 'string' } }],
        securitySchemes: {
          [`${key}LicenseCode`]: apiKeyScheme(p, 'licenseCode', 'query', 'your license code (public: it names the account).'),
          [`${key}Secret`]: apiKeyScheme(p, 'secret', 'query', 'md5hex("<licenseCode>:<webhookSecretKey>"), which proves the sender knows your webhook secret key; the body is not signed.'),
        },
        security: [{ [`${key}LicenseCode`]: [], [`${key}Secret`]: [] }],
      };
    default:
      return s.header ? signatureAuth(p, s.header, s.secretRequired) : { parameters: [], securitySchemes: {}, security: [] };
  }
}

/** Headers the provider sends besides the signature (User-Agent, x-request-id): described, never required. */
function otherHeaders(p: ProviderDef, sample: unknown): Parameter[] {
  // OpenAPI ignores header parameters named Content-Type, Accept and Authorization.
  const ignored = new Set(['content-type', 'accept', 'authorization']);
  const fixed = Object.entries(p.headers)
    .filter(([name]) => !ignored.has(name.toLowerCase()))
    .map(([name, value]): Parameter => ({ name, in: 'header', required: false, description: `Sent as "${value}".`, schema: { type: 'string' }, example: value }));
  const perDelivery = Object.keys(p.deliveryHeaders?.(sample) ?? {}).map((name): Parameter => ({
    name,
    in: 'header',
    required: false,
    description: 'Identifies the delivery: a retry of it carries the same value, so it is the key to drop duplicates.',
    schema: { type: 'string' },
  }));
  return [...fixed, ...perDelivery];
}

function responses(p: ProviderDef): JsonSchema {
  const retry = p.retry.attempts > 1 ? 'the provider retries it (see x-retry-policy)' : 'no retry is documented';
  const ok = p.retry.success === '200'
    ? { '200': { description: 'Only 200 counts as success: any other status, 2xx included, is a failed delivery.' } }
    : { '2XX': { description: 'Any 2xx acknowledges the delivery.' } };
  return { ...ok, default: { description: `Any other answer is a failed delivery: ${retry}.` } };
}

function operation(p: ProviderDef, event: EventDef, auth: Auth): JsonSchema {
  const { name } = eventSchema(p, event);
  const generated = generatedExamples(p, event);
  const examples = [...documentedExamples(p, event), ...generated];
  const endpoint = p.endpoint ? ` ${p.name} sends it to ${p.endpoint}.` : '';
  const op: JsonSchema = {
    operationId: name,
    summary: `${p.name} ${event.name}`,
    description: `${describeEvent(p, event)}${endpoint}`,
    tags: [p.name],
  };
  const parameters = [...auth.parameters, ...otherHeaders(p, generated[0]?.value)];
  if (parameters.length > 0) op.parameters = parameters;
  if (auth.security.length > 0) op.security = auth.security;
  op.requestBody = {
    required: true,
    content: {
      'application/json': {
        schema: { $ref: `#/components/schemas/${name}` },
        examples: Object.fromEntries(examples.map((e) => [e.key, { summary: e.summary, value: e.value }])),
      },
    },
  };
  op.responses = responses(p);
  const { attempts, delaysMs, success, origin, description } = p.retry;
  op['x-retry-policy'] = { attempts, delaysMs, success, documented: origin === 'DOC', description };
  if (p.timeoutMs !== undefined) op['x-timeout-ms'] = p.timeoutMs;
  if (auth.signature) op['x-signature'] = auth.signature;
  op['x-cg-hooks'] = { provider: p.id, event: event.name, origin: event.origin, aliases: event.aliases ?? [], variants: (event.variants ?? []).map((v) => v.name) };
  return op;
}

/** Which events go in the document: every event of the given providers, or the one asked for. */
export interface Selection {
  provider: ProviderDef;
  events: EventDef[];
}

/** An OpenAPI 3.1 document with one `webhooks` entry per event, keyed `<provider>/<event>`. */
export function openApiDocument(selection: Selection[], title: string): JsonSchema {
  const webhooks: JsonSchema = {};
  const schemas: JsonSchema = {};
  const securitySchemes: JsonSchema = {};
  for (const { provider, events } of selection) {
    const auth = authOf(provider);
    Object.assign(securitySchemes, auth.securitySchemes);
    for (const event of events) {
      const converted = eventSchema(provider, event);
      schemas[converted.name] = converted.schema;
      webhooks[`${provider.id}/${event.name}`] = { post: operation(provider, event, auth) };
    }
  }
  const components: JsonSchema = { schemas };
  if (Object.keys(securitySchemes).length > 0) components.securitySchemes = securitySchemes;
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title,
      version: VERSION,
      description:
        'The requests these providers send to your receiver: body schemas, signature and credentials, retry policy and examples. ' +
        `Generated by cg-hooks ${VERSION} from the schemas its listener validates with.`,
    },
    tags: selection.map(({ provider }) => ({ name: provider.name, description: provider.description })),
    webhooks,
    components,
  };
}
