// Entry point of the offline GraphiQL bundle (built by ../build.mjs into
// ../dist/graphiql.js and ../dist/graphiql.css, embedded by ../web.go).
//
// Configuration comes from data attributes on the mount element:
//   <div id="graphiql" data-endpoint="/graphql" data-examples="/examples.json">
// or, as a fallback, from globalThis.LYSOEN_GRAPHIQL = { endpoint, examples }.
// Every URL is resolved against the page and must be same-origin.
import './workers.js';
import './graphiql.css';

import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { DOC_EXPLORER_PLUGIN } from '@graphiql/plugin-doc-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';

const DEFAULT_ENDPOINT = '/graphql';
const DEFAULT_EXAMPLES = '/examples.json';

function sameOrigin(raw, fallback) {
  const url = new URL(raw || fallback, window.location.href);
  if (url.origin !== window.location.origin) {
    throw new Error(`refusing cross-origin URL ${url.href}`);
  }
  return url.href;
}

// fetchExamples returns GraphiQL tab definitions, or [] if examples are
// unavailable: the page must stay usable without them.
async function fetchExamples(url) {
  try {
    const res = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const list = await res.json();
    if (!Array.isArray(list)) throw new Error('examples.json is not an array');
    return list
      .filter((e) => e && typeof e.query === 'string')
      .map((e) => ({ query: e.query }));
  } catch (err) {
    console.warn('GraphiQL examples unavailable:', err);
    return [];
  }
}

async function main() {
  const el = document.getElementById('graphiql');
  const cfg = globalThis.LYSOEN_GRAPHIQL || {};
  const endpoint = sameOrigin(el.dataset.endpoint || cfg.endpoint, DEFAULT_ENDPOINT);
  const examplesURL = sameOrigin(el.dataset.examples || cfg.examples, DEFAULT_EXAMPLES);

  const tabs = await fetchExamples(examplesURL);
  const fetcher = createGraphiQLFetcher({ url: endpoint });

  const props = {
    fetcher,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: true,
    referencePlugin: DOC_EXPLORER_PLUGIN,
    visiblePlugin: DOC_EXPLORER_PLUGIN,
  };
  // defaultTabs apply only while no tab state is stored (first visit); the
  // first tab is then the initial query. No initialQuery here: it would
  // override the stored state and add a tab on every reload.
  if (tabs.length > 0) props.defaultTabs = tabs;

  el.textContent = '';
  // The default logo links to the GraphiQL repository; ours stays local.
  createRoot(el).render(
    <GraphiQL {...props}>
      <GraphiQL.Logo>Lysøen</GraphiQL.Logo>
    </GraphiQL>,
  );
}

main().catch((err) => {
  console.error(err);
  const el = document.getElementById('graphiql');
  if (el) el.textContent = `GraphiQL failed to start: ${err.message}`;
});
