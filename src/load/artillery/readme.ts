// README.md of an exported directory: how to run it on one machine and on many, and what it measures.
import { ARTILLERY_VERSION, FILES, phases, type ScriptSettings } from './files.js';

export function readme(s: ScriptSettings, command: string): string {
  const total = phases(s).reduce((n, p) => n + Number(p.duration), 0);
  const env = s.secretEnv;
  const needs =
    s.signing.credential === 'none'
      ? `${s.provider} does not sign its deliveries: no secret is needed.`
      : `Set \`${env}\` to ${s.signing.holds}${s.signing.credential === 'optional' ? ' (optional: without it the requests carry no credential)' : ''}. It is read from the environment by every load generator and is written to no file here.`;
  const fargateSecret =
    s.signing.credential === 'none'
      ? ''
      : [
          `Workers do not inherit your shell's environment. Store the secret once in AWS SSM Parameter Store under`,
          `\`/artilleryio/${env}\` (in the region you run in) and name it with \`--secret\`:`,
          '',
          '```sh',
          `aws ssm put-parameter --region us-east-1 --name /artilleryio/${env} --type SecureString --value "$${env}"`,
          `npx artillery@${ARTILLERY_VERSION} run-fargate --region us-east-1 --count 10 --secret ${env} ${FILES.script}`,
          '```',
        ].join('\n');
  return `# Load test: ${s.provider} webhooks → ${s.to.origin}

Made by ${s.madeBy} for **Artillery ${ARTILLERY_VERSION}** with:

\`\`\`sh
${command}
\`\`\`

Every virtual user sends one delivery to \`${s.to.href}\`: a ${s.events.join(' / ')} delivery taken from
\`${FILES.corpus}\` (${s.corpusSize} generated deliveries${s.seed !== undefined ? `, seed ${s.seed}` : ''}), given fresh ids and timestamps (every
occurrence of an id changes together), and signed for its exact bytes as ${s.provider} signs them. A share of
${(s.dupRatio * 100).toFixed(1)}% are exact duplicates of earlier deliveries: the same bytes and ids, and the headers a
provider's retry carries${s.signing.kind === 'hmac' && s.signing.resignOnRetry ? ' (re-signed for the retry\'s time, as this scheme does)' : ' (the same signature)'}. A receiver must acknowledge them (2xx) and credit nothing twice.

Load: ${s.rampS > 0 ? `a ramp from 1 to ${s.rate} deliveries/s over ${s.rampS} s, then ` : ''}${s.rate} deliveries/s for ${s.durationS - s.rampS} s (${total} s in all).

## Run it on this machine

${needs}

\`\`\`sh
export ${env}=…            # never commit it
npx artillery@${ARTILLERY_VERSION} run --output report.json ${FILES.script}
npx cg-hooks import artillery report.json        # requests, rps, statuses, p50/p95/p99, errors, duplicates
\`\`\`

\`--target https://staging.example.com\` sends the same test elsewhere (the path stays \`${s.to.pathname}\`).
Artillery ${ARTILLERY_VERSION} declares Node.js 22.18 or later; cg-hooks ran it on Node.js 20 as well.

## Run it past one machine (AWS Fargate)

Each load generator runs the whole test: \`--count 10\` sends ten times the rate above.

${fargateSecret}

The processor, \`${FILES.config}\` and \`${FILES.corpus}\` are shipped to every worker (\`includeFiles\` in the script).
Duplicates are drawn from each worker's own earlier deliveries.

## Pass or fail

Artillery exits 1 when a check in \`ensure\` fails: p95 under ${s.thresholds.p95Ms} ms, p99 under ${s.thresholds.p99Ms} ms, and at most
${s.thresholds.maxErrorRatePct}% errors. An error is a request with no answer (timeout ${s.timeoutS} s, refused, reset) or an answer
${s.provider} would not count as delivered (${s.success === '200' ? 'anything but 200' : 'anything but 2xx'}): the virtual user fails with \`not acknowledged: HTTP <status>\`.

## Files

- \`${FILES.script}\`: the Artillery script (phases, thresholds).
- \`${FILES.processor}\`: builds, signs and checks each request; needs only Node.js built-ins.
- \`${FILES.config}\`: what the processor signs and sends (the variable's name, not its value).
- \`${FILES.corpus}\`: the generated deliveries, one JSON object a line, ids and timestamps marked.
`;
}
