// Runs graphql-http's GraphQL-over-HTTP audit against a Lysøen server:
//   node audit.mjs http://127.0.0.1:8080/graphql
// Exits 1 if any audit (MUST, SHOULD or MAY) is not ok, and lists those.
// Only loopback URLs are accepted.
import { auditServer } from 'graphql-http';

const url = process.argv[2] || process.env.GRAPHQL_URL || 'http://127.0.0.1:8080/graphql';
const host = new URL(url).hostname;
if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) && !host.startsWith('127.')) {
  console.error(`refusing ${url}: the audit only runs against this machine`);
  process.exit(2);
}

const results = await auditServer({ url });
let mustFailed = 0;
const notOk = [];
for (const r of results) {
  if (r.status === 'ok') continue;
  let body = '';
  try {
    body = (await r.response.text()).slice(0, 300);
  } catch {}
  const level = r.name.split(' ')[0];
  if (level === 'MUST') mustFailed++;
  notOk.push({ level, id: r.id, name: r.name, status: r.status, reason: r.reason, httpStatus: r.response?.status, body });
}
const ok = results.length - notOk.length;
for (const n of notOk) {
  console.log(`${n.status.toUpperCase()} [${n.id}] ${n.name}\n    reason: ${n.reason}\n    response: ${n.httpStatus} ${n.body}`);
}
console.log(`graphql-http audit of ${url}: ${results.length} audits, ${ok} ok, ${notOk.length} not ok (${mustFailed} MUST)`);
console.log(`${ok} passed, ${mustFailed} failed`);
process.exit(notOk.length > 0 ? 1 : 0);
