// Checks the live Lysøen schema and every GraphiQL example with the client
// tools people use, against a running server:
//   node check.mjs http://127.0.0.1:8080/graphql        (run.sh starts one)
//   LYSOEN_ANALYST_KEY: an analyst key of that server (the analysts' schema)
//   UPDATE=1: rewrite docs/schema/*.graphql from the server instead of comparing
// 1. The public schema (anonymous introspection) and the analysts' schema
//    (introspection with an analyst key) equal the committed
//    docs/schema/public.graphql and docs/schema/analyst.graphql.
// 2. graphql-schema-linter (.graphql-schema-linterrc) over the public schema.
// 3. graphql-inspector validate: every example against its schema (examples
//    named "Analysts only ..." against the analysts', the others against the
//    public one).
// 4. GraphQL Code Generator (typescript + typescript-operations) over the
//    examples, then tsc --strict.
// 5. relay-compiler over relay/, then relay-runtime against the server:
//    forward and backward paging of each connection in `connections` below
//    (its ConnectionHandler merges the pages), and a node(id:) refetch.
// 6. Apollo Client 4 (InMemoryCache with possibleTypes from introspection
//    and relayStylePagination): the same paging, and every query example.
// Each paging check compares with one plain HTTP read of the same list.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, getIntrospectionQuery, printSchema, parse, OperationTypeNode } from 'graphql';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const url = process.argv[2] || 'http://127.0.0.1:8080/graphql';
const host = new URL(url).hostname;
if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) && !host.startsWith('127.')) {
  console.error(`refusing ${url}: the check only runs against this machine`);
  process.exit(2);
}
const analystKey = process.env.LYSOEN_ANALYST_KEY || '';
const build = path.join(here, 'build');
fs.rmSync(build, { recursive: true, force: true });
fs.mkdirSync(path.join(build, 'examples', 'public'), { recursive: true });
fs.mkdirSync(path.join(build, 'examples', 'analyst'), { recursive: true });
fs.mkdirSync(path.join(build, 'generated'), { recursive: true });

let failures = 0;
function fail(msg) {
  failures++;
  console.log(`FAIL ${msg}`);
}
function ok(msg) {
  console.log(`ok   ${msg}`);
}
function assertEqual(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g === w) ok(what);
  else fail(`${what}: got ${g}, want ${w}`);
}
async function post(query, variables = {}, key = '') {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return res.json();
}
function bin(name, args, opts = {}) {
  return execFileSync(path.join(here, 'node_modules', '.bin', name), args, { cwd: here, encoding: 'utf8', stdio: 'pipe', ...opts });
}
function run(what, name, args) {
  try {
    bin(name, args);
    ok(what);
    return true;
  } catch (e) {
    fail(`${what}:\n${(e.stdout || '') + (e.stderr || '')}`.trimEnd());
    return false;
  }
}

// 1. The schemas.
const schemas = {};
for (const [name, key] of [['public', ''], ['analyst', analystKey]]) {
  const r = await post(getIntrospectionQuery(), {}, key);
  if (r.errors) {
    fail(`introspection (${name}): ${JSON.stringify(r.errors)}`);
    process.exit(1);
  }
  schemas[name] = { introspection: r.data, sdl: printSchema(buildClientSchema(r.data)) + '\n' };
  const file = path.join(root, 'docs', 'schema', `${name}.graphql`);
  if (process.env.UPDATE) {
    fs.writeFileSync(file, schemas[name].sdl);
    ok(`wrote docs/schema/${name}.graphql`);
  } else if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== schemas[name].sdl) {
    fail(`docs/schema/${name}.graphql differs from the ${name} introspection: run \`make clients-schema\` and commit it`);
  } else {
    ok(`docs/schema/${name}.graphql is what ${name === 'public' ? 'anonymous introspection' : 'introspection with an analyst key'} shows`);
  }
  fs.writeFileSync(path.join(build, `${name}.graphql`), schemas[name].sdl);
}
// A type the public schema leaves out must not answer __type anonymously either.
const publicTypes = new Set(schemas.public.introspection.__schema.types.map((t) => t.name));
for (const t of schemas.analyst.introspection.__schema.types) {
  if (publicTypes.has(t.name)) continue;
  const r = await post(`query HiddenType($name: String!) { __type(name: $name) { name } }`, { name: t.name });
  if (r.data?.__type) fail(`__type(name: "${t.name}") answers anonymously, but the type is not in the public schema`);
  else ok(`__type(name: "${t.name}") is null anonymously`);
}

// 2. graphql-schema-linter.
run('graphql-schema-linter: the public schema', 'graphql-schema-linter', ['--config-directory', here, path.join(build, 'public.graphql')]);

// 3. The examples, each against its schema.
const exampleDir = path.join(root, 'web', 'examples');
const examples = [];
for (const file of fs.readdirSync(exampleDir).filter((f) => f.endsWith('.graphql')).sort()) {
  const text = fs.readFileSync(path.join(exampleDir, file), 'utf8');
  const name = (text.match(/^#\s*name:\s*(.+)$/m) || [, file])[1].trim();
  const audience = /^Analysts only\b/.test(name) ? 'analyst' : 'public';
  fs.writeFileSync(path.join(build, 'examples', audience, file), text);
  examples.push({ file, name, text, audience, doc: parse(text) });
}
for (const audience of ['public', 'analyst']) {
  if (!fs.readdirSync(path.join(build, 'examples', audience)).length) continue;
  run(`graphql-inspector validate: ${audience} examples`, 'graphql-inspector', [
    'validate', `build/examples/${audience}/*.graphql`, `build/${audience}.graphql`,
  ]);
}

// 4. GraphQL Code Generator, then tsc --strict.
{
  const { generate } = await import('@graphql-codegen/cli');
  const generates = {};
  for (const audience of ['public', 'analyst']) {
    if (!fs.readdirSync(path.join(build, 'examples', audience)).length) continue;
    // typescript-operations 6 writes the enums it uses itself: the two
    // plugins go to separate files, as the plugin's docs advise.
    const config = { strictScalars: true, scalars: { Date: 'string', DateTime: 'string', JSON: 'unknown' } };
    generates[path.join(build, 'generated', `${audience}-schema.ts`)] = {
      schema: path.join(build, `${audience}.graphql`),
      plugins: ['typescript'],
      config,
    };
    generates[path.join(build, 'generated', `${audience}-operations.ts`)] = {
      schema: path.join(build, `${audience}.graphql`),
      documents: path.join(build, 'examples', audience, '*.graphql'),
      plugins: ['typescript-operations'],
      config,
    };
  }
  try {
    await generate({ generates, silent: true, errorsOnly: true }, true);
    ok('GraphQL Code Generator: typescript + typescript-operations over the examples');
    run('tsc --strict over the generated types', 'tsc', ['-p', 'tsconfig.json']);
  } catch (e) {
    fail(`GraphQL Code Generator: ${e.message}${e.errors ? '\n' + e.errors.map((x) => x.message || x).join('\n') : ''}`);
  }
}

// The truth for the paging checks: one plain read of the whole list.
// Each entry: the Relay fragment's pagination query and connection key,
// the Apollo query, the parent field, and how to read the list in one go.
const connections = [
  {
    name: 'Query.countries (root connection)',
    relayQuery: 'CountryListPaginationQuery',
    relayKey: 'CountryList_countries',
    parentId: null,
    field: 'countries',
    fieldArgs: 'orderBy: [{field: ISO3}]',
    relayFilters: { orderBy: [{ field: 'ISO3' }] },
    nodeKey: 'iso3',
    whole: async (n) => (await post(`query Whole($n: Int) { countries(first: $n, orderBy: [{field: ISO3}]) { edges { cursor node { iso3 } } } }`, { n })).data.countries.edges,
  },
  {
    name: 'Event.participantsConnection (relationship connection)',
    relayQuery: 'EventParticipantsPaginationQuery',
    relayKey: 'EventParticipants_participantsConnection',
    parentId: 'event:human-security-luncheon-1998',
    relayVariables: { id: 'event:human-security-luncheon-1998' },
    parentField: 'event',
    field: 'participantsConnection',
    fieldArgs: '',
    nodeKey: 'id',
    whole: async (n) => (await post(`query Whole($n: Int) { event(id: "event:human-security-luncheon-1998") { participantsConnection(first: $n) { edges { cursor node { id } } } } }`, { n })).data.event.participantsConnection.edges,
  },
];

// 5. Relay: compile, then page and refetch through relay-runtime.
{
  fs.rmSync(path.join(here, 'relay', '__generated__'), { recursive: true, force: true });
  fs.mkdirSync(path.join(here, 'relay', '__generated__'));
  if (run('relay-compiler: artifacts', 'relay-compiler', [])) {
    const { Environment, Network, RecordSource, Store, fetchQuery, ConnectionHandler } = await import('relay-runtime');
    const network = Network.create(async (params, variables) => post(params.text, variables));
    const env = () => new Environment({ network, store: new Store(new RecordSource(), { gcScheduler: () => {} }) });
    const readConnection = (e, key, parentId, filters) => {
      let out;
      e.commitUpdate((store) => {
        const parent = parentId ? store.get(parentId) : store.getRoot();
        const conn = parent && ConnectionHandler.getConnection(parent, key, filters);
        if (!conn) return;
        const pi = conn.getLinkedRecord('pageInfo');
        out = {
          nodes: conn.getLinkedRecords('edges').map((edge) => edge.getLinkedRecord('node').getValue('iso3') ?? edge.getLinkedRecord('node').getValue('id')),
          hasNextPage: pi.getValue('hasNextPage'),
          hasPreviousPage: pi.getValue('hasPreviousPage'),
          startCursor: pi.getValue('startCursor'),
          endCursor: pi.getValue('endCursor'),
        };
      });
      return out;
    };
    for (const c of connections) {
      const whole = await c.whole(6);
      const want = whole.map((e) => e.node[c.nodeKey]);
      const query = (await import(`./relay/__generated__/${c.relayQuery}.graphql.js`)).default;
      try {
        // Forward: first 3, then 3 after the end cursor (Relay appends).
        const fwd = env();
        await fetchQuery(fwd, query, { ...c.relayVariables, first: 3 }).toPromise();
        let conn = readConnection(fwd, c.relayKey, c.parentId, c.relayFilters);
        await fetchQuery(fwd, query, { ...c.relayVariables, first: 3, after: conn.endCursor }).toPromise();
        conn = readConnection(fwd, c.relayKey, c.parentId, c.relayFilters);
        assertEqual(`relay-runtime: ${c.name} forward, two pages`, conn.nodes, want);
        // Backward, as usePaginationFragment's loadPrevious asks: the 3
        // after the third, then last 3 before the start cursor with the
        // forward arguments null (Relay prepends).
        const back = env();
        await fetchQuery(back, query, { ...c.relayVariables, first: 3, after: whole[2].cursor }).toPromise();
        conn = readConnection(back, c.relayKey, c.parentId, c.relayFilters);
        await fetchQuery(back, query, { ...c.relayVariables, first: null, after: null, last: 3, before: conn.startCursor }).toPromise();
        conn = readConnection(back, c.relayKey, c.parentId, c.relayFilters);
        assertEqual(`relay-runtime: ${c.name} backward, two pages`, conn.nodes, want);
        assertEqual(`relay-runtime: ${c.name} backward reached the start`, conn.hasPreviousPage, false);
      } catch (e) {
        fail(`relay-runtime: ${c.name}: ${e.message}`);
      }
    }
    // node(id:) refetch.
    try {
      const want = (await post(`query Canada { country(iso3: "CAN") { id name } }`)).data.country;
      const e = env();
      const refetch = (await import('./relay/__generated__/CountryCardRefetchQuery.graphql.js')).default;
      await fetchQuery(e, refetch, { id: want.id }).toPromise();
      const rec = e.getStore().getSource().get(want.id);
      assertEqual('relay-runtime: node(id:) refetch of a Country', rec && { typename: rec.__typename, name: rec.name }, { typename: 'Country', name: want.name });
    } catch (e) {
      fail(`relay-runtime: node(id:) refetch: ${e.message}`);
    }
  }
}

// 6. Apollo Client 4.
{
  const { ApolloClient, InMemoryCache, HttpLink, gql } = await import('@apollo/client');
  const { relayStylePagination } = await import('@apollo/client/utilities');
  const possibleTypes = {};
  for (const t of schemas.public.introspection.__schema.types) {
    if (t.possibleTypes) possibleTypes[t.name] = t.possibleTypes.map((p) => p.name);
  }
  const client = () => new ApolloClient({
    link: new HttpLink({ uri: url }),
    cache: new InMemoryCache({
      possibleTypes,
      typePolicies: {
        Query: { fields: { countries: relayStylePagination(['where', 'orderBy']) } },
        Event: { fields: { participantsConnection: relayStylePagination(['where', 'orderBy']) } },
      },
    }),
  });
  for (const c of connections) {
    const whole = await c.whole(6);
    const want = whole.map((e) => e.node[c.nodeKey]);
    const page = `${c.field}(first: $first, after: $after, last: $last, before: $before${c.fieldArgs ? `, ${c.fieldArgs}` : ''}) {
        edges { cursor node { id ${c.nodeKey} } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }`;
    // A relationship connection is read through its parent's lookup.
    const Q = c.parentField
      ? gql`query ApolloPage($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { ${c.parentField}(id: $id) { id ${page} } }`
      : gql`query ApolloPage($first: Int, $after: String, $last: Int, $before: String) { ${page} }`;
    const conn = (data) => (c.parentField ? data[c.parentField][c.field] : data[c.field]);
    const v = (vars) => ({ ...c.relayVariables, ...vars });
    try {
      const fwd = client();
      let r = await fwd.query({ query: Q, variables: v({ first: 3 }) });
      await fwd.query({ query: Q, variables: v({ first: 3, after: conn(r.data).pageInfo.endCursor }), fetchPolicy: 'network-only' });
      r = fwd.readQuery({ query: Q, variables: v({ first: 3 }) });
      assertEqual(`Apollo Client: ${c.name} forward, two pages`, conn(r).edges.map((e) => e.node[c.nodeKey]), want);
      const back = client();
      r = await back.query({ query: Q, variables: v({ first: 3, after: whole[2].cursor }) });
      await back.query({ query: Q, variables: v({ last: 3, before: conn(r.data).pageInfo.startCursor }), fetchPolicy: 'network-only' });
      r = back.readQuery({ query: Q, variables: v({ first: 3, after: whole[2].cursor }) });
      assertEqual(`Apollo Client: ${c.name} backward, two pages`, conn(r).edges.map((e) => e.node[c.nodeKey]), want);
    } catch (e) {
      fail(`Apollo Client: ${c.name}: ${e.message}`);
    }
  }
  // Every public query example, through one normalized cache.
  const shared = client();
  for (const ex of examples.filter((x) => x.audience === 'public' && x.doc.definitions.every((d) => d.kind !== 'OperationDefinition' || d.operation === OperationTypeNode.QUERY))) {
    try {
      const r = await shared.query({ query: ex.doc, errorPolicy: 'all' });
      if (r.error || !r.data) fail(`Apollo Client: example ${ex.file}: ${r.error?.message ?? 'no data'}`);
      else ok(`Apollo Client: example ${ex.file}`);
    } catch (e) {
      fail(`Apollo Client: example ${ex.file}: ${e.message}`);
    }
  }
  const canada = (await post(`query Canada { country(iso3: "CAN") { id } }`)).data.country.id;
  const key = shared.cache.identify({ __typename: 'Country', id: canada });
  assertEqual('Apollo Client: the examples normalize (Canada is one cache record)', Boolean(shared.cache.extract()[key]), true);
}

console.log(failures ? `client tooling check: ${failures} failed` : 'client tooling check: all ok');
process.exit(failures ? 1 : 0);
