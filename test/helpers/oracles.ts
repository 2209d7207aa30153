// The platforms' own webhook libraries, as oracles: how each one signs a delivery, how each one verifies one,
// and a receiver built on each, exactly as its documentation shows. cg-hooks must agree with all of them.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import { getHmac as shopifyHmac } from '@shopify/shopify-api/test-helpers';
import { App, HTTPReceiver, LogLevel, isValidSlackRequest } from '@slack/bolt';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import type { SchemeId } from '../../src/index.js';

export type Headers = Record<string, string>;

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

export interface Oracle {
  /** The library's name, for test titles. */
  name: string;
  /** The cg-hooks scheme that speaks the platform's signature. */
  scheme: SchemeId;
  /** A secret in the platform's format. */
  secret: string;
  /** Whether secrets are arbitrary text (else they have a format, e.g. whsec_ + base64). */
  anySecret: boolean;
  /** The library's own verification (lower-case header names): true when it accepts the delivery. */
  accepts(body: string, headers: Headers, secret?: string): Promise<boolean>;
  /** The headers the platform sends, made by its library (or its documented recipe where the library has no signer). */
  signs(body: string, at: { timestamp: number; id: string }, secret?: string): Promise<Headers>;
  /** `cg-hooks verify` arguments that carry those headers (`--signature`, and `--timestamp`/`--id` where signed). */
  verifyArgs(headers: Headers): string[];
  /** Headers the platform sends beside the signature and its library insists on (Shopify's topic, shop, …). */
  extraHeaders?: Headers;
  /** A node:http receiver on 127.0.0.1 that verifies with the library, as its documentation shows. */
  receiver(secret?: string): Promise<Receiver>;
  /**
   * Conformance cases a receiver built on this library fails although the platform's own documentation requires
   * them: real findings, asserted so that they stay visible (and so a fix in the library shows up here).
   */
  knownGaps?: Record<string, string>;
}

/** A receiver around `handle`: buffers the raw body (the bytes that were signed), answers the status it returns. */
async function serve(handle: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => Promise<number | undefined>): Promise<Receiver> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).then(
        (status) => status !== undefined && res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status)),
        () => res.writeHead(500).end('500'),
      );
    });
  });
  return listen(server);
}

async function listen(server: http.Server): Promise<Receiver> {
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Parses the verified body as the receiver's framework would: a body that is not JSON is a 400. */
function parsed(body: Buffer): number {
  try {
    JSON.parse(body.toString('utf8'));
    return 200;
  } catch {
    return 400;
  }
}

/** True when `f` returns, false when it throws (Stripe and Standard Webhooks verify by throwing). */
const attempt = async (f: () => unknown): Promise<boolean> => {
  try {
    await f();
    return true;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------- Stripe (stripe-node)
const stripe = new Stripe('sk_test_cg_hooks_oracle');
const STRIPE_SECRET = 'whsec_cg0racle5ecretF0rStripeTests';
export const stripeOracle: Oracle = {
  name: 'stripe',
  scheme: 'stripe',
  secret: STRIPE_SECRET,
  anySecret: true,
  accepts: (body, headers, secret = STRIPE_SECRET) => attempt(() => stripe.webhooks.constructEvent(body, headers['stripe-signature'] ?? '', secret)),
  signs: async (body, { timestamp }, secret = STRIPE_SECRET) => ({
    'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
  }),
  verifyArgs: (h) => ['--signature', h['stripe-signature']!],
  // Stripe's documented endpoint: constructEvent on the raw body, 400 when it throws.
  receiver: (secret = STRIPE_SECRET) =>
    serve(async (req, body) => {
      try {
        stripe.webhooks.constructEvent(body, header(req, 'stripe-signature') ?? '', secret);
        return 200;
      } catch {
        return 400;
      }
    }),
};

// ---------------------------------------------------------------- Svix (svix, Standard Webhooks with svix-* headers)
const SVIX_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const svixOracle: Oracle = {
  name: 'svix',
  scheme: 'standard-webhooks',
  secret: SVIX_SECRET,
  anySecret: false,
  accepts: (body, headers, secret = SVIX_SECRET) => attempt(() => new SvixWebhook(secret).verify(body, headers)),
  signs: async (body, { timestamp, id }, secret = SVIX_SECRET) => ({
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': new SvixWebhook(secret).sign(id, new Date(timestamp * 1000), body),
  }),
  verifyArgs: (h) => ['--signature', h['svix-signature']!, '--id', h['svix-id']!, '--timestamp', h['svix-timestamp']!],
  receiver: (secret = SVIX_SECRET) =>
    serve(async (req, body) => {
      try {
        new SvixWebhook(secret).verify(body, req.headers as Headers);
        return 200;
      } catch {
        return 400;
      }
    }),
};

// ---------------------------------------------------------------- Standard Webhooks (standardwebhooks)
export const standardWebhooksOracle: Oracle = {
  ...svixOracle,
  name: 'standardwebhooks',
  accepts: (body, headers, secret = SVIX_SECRET) => attempt(() => new StandardWebhook(secret).verify(body, headers)),
  signs: async (body, { timestamp, id }, secret = SVIX_SECRET) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new StandardWebhook(secret).sign(id, new Date(timestamp * 1000), body),
  }),
  verifyArgs: (h) => ['--signature', h['webhook-signature']!, '--id', h['webhook-id']!, '--timestamp', h['webhook-timestamp']!],
  receiver: (secret = SVIX_SECRET) =>
    serve(async (req, body) => {
      try {
        new StandardWebhook(secret).verify(body.toString('utf8'), req.headers as Headers);
      } catch {
        return 401;
      }
      return parsed(body);
    }),
};

// ---------------------------------------------------------------- GitHub (@octokit/webhooks-methods)
const GITHUB_SECRET = "It's a Secret to Everybody";
export const octokitOracle: Oracle = {
  name: '@octokit/webhooks-methods',
  scheme: 'github',
  secret: GITHUB_SECRET,
  anySecret: true,
  accepts: async (body, headers, secret = GITHUB_SECRET) => octokitVerify(secret, body, headers['x-hub-signature-256'] ?? '').catch(() => false),
  signs: async (body, _at, secret = GITHUB_SECRET) => ({ 'x-hub-signature-256': await octokitSign(secret, body) }),
  verifyArgs: (h) => ['--signature', h['x-hub-signature-256']!],
  receiver: (secret = GITHUB_SECRET) =>
    serve(async (req, body) => {
      const signature = header(req, 'x-hub-signature-256');
      if (!signature) return 400; // @octokit/webhooks' middleware: a missing header is a bad request
      if (!(await octokitVerify(secret, body.toString('utf8'), signature))) return 401;
      return parsed(body);
    }),
};

// ---------------------------------------------------------------- Shopify (@shopify/shopify-api)
const SHOPIFY_SECRET = 'shpss_cg0racle5ecretF0rShopify';
const SHOPIFY_HEADERS: Headers = {
  'x-shopify-topic': 'orders/create',
  'x-shopify-shop-domain': 'cg-hooks-test.myshopify.com',
  'x-shopify-api-version': ApiVersion.October25,
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
};
const shopifyFor = (secret: string) =>
  shopifyApi({
    apiKey: 'cg-hooks-oracle',
    apiSecretKey: secret,
    scopes: [],
    hostName: 'localhost',
    apiVersion: ApiVersion.October25,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error, log: async () => {} },
  });
const shopify = shopifyFor(SHOPIFY_SECRET);
export const shopifyOracle: Oracle = {
  name: '@shopify/shopify-api',
  scheme: 'shopify',
  secret: SHOPIFY_SECRET,
  anySecret: true,
  extraHeaders: SHOPIFY_HEADERS,
  accepts: async (body, headers, secret = SHOPIFY_SECRET) => {
    const api = secret === SHOPIFY_SECRET ? shopify : shopifyFor(secret);
    const rawRequest = { headers: { ...SHOPIFY_HEADERS, ...headers }, method: 'POST', url: '/webhook' };
    return (await api.webhooks.validate({ rawBody: body, rawRequest, rawResponse: {} })).valid;
  },
  signs: async (body, _at, secret = SHOPIFY_SECRET) => ({ 'x-shopify-hmac-sha256': shopifyHmac(body, secret), ...SHOPIFY_HEADERS }),
  verifyArgs: (h) => ['--signature', h['x-shopify-hmac-sha256']!],
  receiver: (secret = SHOPIFY_SECRET) => {
    const api = shopifyFor(secret);
    return serve(async (req, body, res) => {
      const check = await api.webhooks.validate({ rawBody: body.toString('utf8'), rawRequest: req, rawResponse: res });
      if (!check.valid) return 401;
      return parsed(body);
    });
  },
};

// ---------------------------------------------------------------- Slack (@slack/bolt)
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'; // the example signing secret of Slack's docs
/** Slack's documented recipe (Bolt has no signer): v0=hex(hmac_sha256(secret, "v0:" + timestamp + ":" + body)). */
const slackSignature = (secret: string, timestamp: number, body: string) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
export const slackOracle: Oracle = {
  name: '@slack/bolt',
  scheme: 'slack',
  secret: SLACK_SECRET,
  knownGaps: {
    // Slack's "Verifying requests" recipe rejects a timestamp more than five minutes away in either direction
    // (abs(now - timestamp) > 300); Bolt's verifyRequestSignature only rejects old ones.
    'future-timestamp': 'Bolt accepts a request timestamped an hour in the future; Slack\'s documented check rejects it',
  },
  anySecret: true,
  accepts: async (body, headers, secret = SLACK_SECRET) =>
    isValidSlackRequest({
      signingSecret: secret,
      body,
      headers: { 'x-slack-signature': headers['x-slack-signature'] ?? '', 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      logger: silentLogger(),
    }),
  signs: async (body, { timestamp }, secret = SLACK_SECRET) => ({
    'x-slack-signature': slackSignature(secret, timestamp, body),
    'x-slack-request-timestamp': String(timestamp),
  }),
  verifyArgs: (h) => ['--signature', h['x-slack-signature']!, '--timestamp', h['x-slack-request-timestamp']!],
  // Bolt's own HTTPReceiver (signature check, 401; JSON parse, 400) inside an App. The bodies are CustomerGlu's,
  // not Slack events, so the App finds no listener: the unhandled-request handler acknowledges them at once.
  receiver: async (secret = SLACK_SECRET) => {
    const receiver = new HTTPReceiver({
      signingSecret: secret,
      endpoints: '/webhook',
      logLevel: LogLevel.ERROR,
      logger: silentLogger(),
      unhandledRequestTimeoutMillis: 1,
      unhandledRequestHandler: ({ response }) => {
        if (!response.headersSent) response.writeHead(200).end();
      },
    });
    new App({ receiver, token: 'xoxb-cg-hooks-oracle', tokenVerificationEnabled: false, logger: silentLogger() });
    return listen(http.createServer(receiver.requestListener));
  },
};

function silentLogger() {
  const noop = () => {};
  return { debug: noop, info: noop, warn: noop, error: noop, setLevel: noop, getLevel: () => LogLevel.ERROR, setName: noop };
}

/** Every library that signs and verifies (Standard Webhooks itself is cross-checked in its own test file). */
export const SIGNING_ORACLES: Oracle[] = [stripeOracle, svixOracle, octokitOracle, shopifyOracle, slackOracle];
/** Every library a receiver is built on. */
export const RECEIVER_ORACLES: Oracle[] = [...SIGNING_ORACLES, standardWebhooksOracle];
