// Entry point of the graph explorer (built by ../build.mjs into
// ../dist/explorer.js and ../dist/explorer.css, served at /explore by
// ../web.go). It talks only to the GraphQL endpoint named by the mount
// element's data-endpoint attribute, on the page's own origin, through four
// fields: search, neighborhood, connectionPath and (optionally) brokers.
import './explorer.css';

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);

// ------------------------------------------------------------------ constants

const RELATIONSHIP_TYPES = [
  'MEMBER_OF', 'PARTICIPATED_IN', 'SIGNATORY_OF', 'ADDRESSES', 'PART_OF',
  'FOLLOWS', 'HELD_IN', 'ESTABLISHED_BY', 'SEEKS_PARTNERSHIP_WITH',
];

// Colour per node label (colour-blind-friendly Okabe–Ito palette).
const LABEL_COLOURS = {
  Country: '#0072B2',
  Organization: '#009E73',
  IssueArea: '#E69F00',
  Initiative: '#CC79A7',
  Event: '#56B4E9',
  Agreement: '#D55E00',
  Source: '#999999',
};
const OTHER_COLOUR = '#6b7585';
const ACTOR_LABELS = new Set(['Country', 'Organization']);

// Above these sizes the page trades looks for speed.
// (Measured in headless Chromium on 2 shared cores, 1,000 nodes + 2,500
// edges: draft fCoSE without component packing ~4.6 s, with packing ~13 s,
// concentric ~1.7 s.)
const BIG_GRAPH = 1500; // elements: no animation, draft fCoSE, haystack edges
const HUGE_GRAPH = 3000; // elements: concentric layout instead of fCoSE

const NODE_FIELDS = 'nodeId label name properties';
const EDGE_FIELDS = 'id type source target properties evidence { sourceId quote }';

const SEARCH_QUERY = `query ExplorerSearch($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    label
    score
    node {
      id
      ... on Country { name }
      ... on Organization { name acronym }
      ... on IssueArea { name }
      ... on Initiative { name }
      ... on Event { name }
      ... on Agreement { name }
      ... on Source { title }
    }
  }
}`;

const NEIGHBORHOOD_QUERY = `query ExplorerNeighborhood($id: ID!, $depth: Int, $types: [RelationshipType!], $limit: Int) {
  neighborhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit) {
    nodes { ${NODE_FIELDS} }
    edges { ${EDGE_FIELDS} }
    truncated
  }
}`;

const PATH_QUERY = `query ExplorerPath($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!]) {
  connectionPath(from: $from, to: $to, maxHops: $maxHops, relationshipTypes: $types) {
    length
    nodes { ${NODE_FIELDS} }
    edges { ${EDGE_FIELDS} }
  }
}`;

const BROKERS_QUERY = `query ExplorerBrokers($first: Int) {
  brokers(first: $first) { score actor { id } }
}`;

const SOURCE_QUERY = `query ExplorerSource($id: ID!) {
  node(id: $id) { id ... on Source { title date url file } }
}`;

// ------------------------------------------------------------------ helpers

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'hidden') e.hidden = true;
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function sameOrigin(raw, fallback) {
  const url = new URL(raw || fallback, window.location.href);
  if (url.origin !== window.location.origin) {
    throw new Error(`refusing cross-origin URL ${url.href}`);
  }
  return url.href;
}

function colourOf(label) {
  return LABEL_COLOURS[label] || OTHER_COLOUR;
}

function displayValue(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function download(filename, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ------------------------------------------------------------------ messages

// Messages appear above the graph; errors stay until closed or replaced by
// the next action, information fades on its own.
const messages = {
  box: null,
  show(kind, text, { key, sticky } = {}) {
    if (key) this.clear(key);
    const m = el('div', { class: `msg ${kind}`, 'data-kind': kind, 'data-key': key || '' },
      el('span', { class: 'text' }, text),
      el('button', { class: 'close', type: 'button', 'aria-label': 'Dismiss', onclick: () => m.remove() }, '×'));
    this.box.append(m);
    if (kind === 'info' && !sticky) setTimeout(() => m.remove(), 6000);
    return m;
  },
  clear(key) {
    for (const m of [...this.box.children]) {
      if (key === undefined || m.dataset.key === key) m.remove();
    }
  },
};

// ------------------------------------------------------------------ GraphQL

class APIError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

// describeError turns a GraphQL error into one readable sentence.
function describeError(err) {
  const code = err.extensions && err.extensions.code;
  const arg = err.extensions && err.extensions.argument;
  const msg = err.message || 'unknown error';
  switch (code) {
    case 'BAD_USER_INPUT':
      return `Bad input${arg ? ` (${arg})` : ''}: ${msg}`;
    case 'NOT_FOUND':
      return `Not found: ${msg}`;
    case 'UNAUTHENTICATED':
      return `Not signed in: ${msg.replace(/^unauthenticated:\s*/i, '')}. Set a token under “Authorization” on the left.`;
    case 'FORBIDDEN':
      return `Not allowed: ${msg}`;
    case 'TIMEOUT':
      return `The query took too long and was stopped: ${msg}. Try a smaller depth or limit.`;
    case 'SERVICE_UNAVAILABLE':
      return `The database is unavailable: ${msg}. Try again shortly.`;
    case 'RATE_LIMITED':
    case 'TOO_MANY_REQUESTS': {
      const secs = err.extensions.retryAfterSeconds;
      return `Too many requests from this browser: wait ${Number.isFinite(secs) ? `${secs} s` : 'a moment'} and try again.`;
    }
    case 'GRAPHQL_VALIDATION_FAILED':
      return `This server does not offer what the explorer needs: ${msg}`;
    default:
      return code ? `${code}: ${msg}` : msg;
  }
}

class Client {
  constructor(endpoint, tokenInput) {
    this.endpoint = endpoint;
    this.tokenInput = tokenInput;
  }

  headers() {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const token = this.tokenInput.value.trim();
    if (token) headers.Authorization = /^bearer\s/i.test(token) ? token : `Bearer ${token}`;
    return headers;
  }

  // exportView asks the server for a file of the given nodes and the
  // relationships among them (POST /export/view, beside the GraphQL
  // endpoint): GEXF or GraphML with every property, the evidence and the
  // dataset version, read again from the database. Returns the file's
  // name and contents.
  async exportView(format, ids, relationshipTypes) {
    const url = new URL(`export/view?format=${encodeURIComponent(format)}`, this.endpoint);
    let res;
    try {
      res = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: this.headers(),
        body: JSON.stringify({ ids, relationshipTypes: relationshipTypes || [] }),
      });
    } catch (e) {
      throw new APIError(`Cannot reach the server (${e.message}).`, 'NETWORK');
    }
    if (!res.ok) {
      let first = null;
      try {
        first = (await res.json()).errors[0];
      } catch {
        first = null;
      }
      if (first) throw new APIError(describeError(first), (first.extensions && first.extensions.code) || `HTTP_${res.status}`);
      throw new APIError(`The server answered HTTP ${res.status}`, `HTTP_${res.status}`);
    }
    const disposition = res.headers.get('Content-Disposition') || '';
    const m = /filename="([^"]+)"/.exec(disposition);
    return { name: m ? m[1] : `lysoen-view.${format}`, blob: await res.blob() };
  }

  async request(query, variables) {
    const headers = this.headers();
    let res;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers,
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new APIError(`Cannot reach the server (${e.message}).`, 'NETWORK');
    }
    let body = null;
    const text = await res.text();
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (body && Array.isArray(body.errors) && body.errors.length > 0) {
      const first = body.errors[0];
      const code = first.extensions && first.extensions.code;
      throw new APIError(describeError(first), code || `HTTP_${res.status}`);
    }
    if (!res.ok) {
      const why = {
        401: 'Not signed in: set a token under “Authorization” on the left.',
        403: 'Not allowed with this token.',
        413: 'The request is too large.',
        429: 'Too many requests: wait a moment and try again.',
        503: 'The server is not ready (database unavailable).',
      }[res.status];
      throw new APIError(why || `The server answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, `HTTP_${res.status}`);
    }
    if (!body || typeof body.data !== 'object') {
      throw new APIError('The server sent an answer the explorer cannot read.', 'BAD_RESPONSE');
    }
    return body.data;
  }
}

// ------------------------------------------------------------------ the graph

const style = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)',
      width: 'data(size)',
      height: 'data(size)',
      label: 'data(name)',
      'font-size': 11,
      'min-zoomed-font-size': 7,
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-wrap': 'ellipsis',
      'text-max-width': 140,
      color: '#1d2430',
      'text-outline-color': '#fbfcfd',
      'text-outline-width': 2,
      'border-width': 1,
      'border-color': '#ffffff',
    },
  },
  { selector: 'node[label = "IssueArea"]', style: { shape: 'round-rectangle' } },
  { selector: 'node[label = "Initiative"]', style: { shape: 'hexagon' } },
  { selector: 'node[label = "Event"]', style: { shape: 'diamond' } },
  { selector: 'node[label = "Agreement"]', style: { shape: 'rectangle' } },
  { selector: 'node.expanded', style: { 'border-width': 2, 'border-color': '#1d2430' } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#b3bac6',
      'target-arrow-color': '#b3bac6',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8,
      'curve-style': 'bezier',
      label: 'data(type)',
      'font-size': 8,
      'min-zoomed-font-size': 9,
      color: '#6b7585',
      'text-rotation': 'autorotate',
      'text-outline-color': '#fbfcfd',
      'text-outline-width': 2,
    },
  },
  { selector: 'edge.evidenced', style: { 'line-style': 'solid' } },
  { selector: ':selected', style: { 'overlay-color': '#1f3a5f', 'overlay-opacity': 0.18, 'overlay-padding': 4 } },
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d62728', opacity: 1 } },
  {
    selector: 'edge.path',
    style: {
      width: 5, 'line-color': '#d62728', 'target-arrow-color': '#d62728', opacity: 1, 'z-index': 10,
      'min-zoomed-font-size': 1, color: '#d62728',
    },
  },
  { selector: '.filtered', style: { display: 'none' } },
];

class Explorer {
  constructor(root) {
    this.client = new Client(sameOrigin(root.dataset.endpoint, '/graphql'), $('token'));
    this.expanded = new Set();
    this.pathFrom = null;
    this.pathTo = null;
    this.brokerScores = null;
    this.sourceCache = new Map();
    this.busy = 0;
    this.layoutDone = Promise.resolve();

    this.cy = cytoscape({
      container: $('cy'),
      style,
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
    });
    window.lysoenExplorer = this; // for tests and the browser console

    this.buildFilters();
    this.bind();
    this.updateView();
  }

  // ------------------------------------------------------------ controls

  buildFilters() {
    const types = $('type-filters');
    for (const t of RELATIONSHIP_TYPES) {
      types.append(el('label', {},
        el('input', { type: 'checkbox', value: t, checked: true, 'data-filter': 'type', onchange: () => this.applyFilters() }),
        t));
    }
    const labels = $('label-filters');
    const legend = $('legend');
    legend.append(el('h2', {}, 'Legend'));
    for (const [l, c] of Object.entries(LABEL_COLOURS)) {
      const swatch = () => { const s = el('span', { class: 'swatch' }); s.style.background = c; return s; };
      labels.append(el('label', {},
        el('input', { type: 'checkbox', value: l, checked: true, 'data-filter': 'label', onchange: () => this.applyFilters() }),
        swatch(), l));
      legend.append(el('div', { class: 'legend-item' }, swatch(), l));
    }
    legend.append(el('p', { class: 'hint' }, 'Actors are sized by degree or broker score; red marks a connection path; a dark ring marks an expanded node.'));
  }

  checked(kind) {
    return [...document.querySelectorAll(`input[data-filter="${kind}"]`)].filter((i) => i.checked).map((i) => i.value);
  }

  // selectedTypes is the relationshipTypes argument: null (all) when every
  // box is ticked.
  selectedTypes() {
    const t = this.checked('type');
    return t.length === RELATIONSHIP_TYPES.length ? null : t;
  }

  bind() {
    $('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.search($('search-text').value);
    });
    $('search-text').addEventListener('keydown', (e) => {
      if (e.key === 'Escape') $('search-results').hidden = true;
      if (e.key === 'ArrowDown') {
        const first = $('search-results').querySelector('li');
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    document.addEventListener('click', (e) => {
      if (!$('search-form').contains(e.target)) $('search-results').hidden = true;
    });

    this.cy.on('tap', 'node', (e) => {
      const n = e.target;
      this.showNode(n);
      if (!this.expanded.has(n.id())) this.expand(n.id());
    });
    this.cy.on('tap', 'edge', (e) => this.showEdge(e.target));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) this.showNothing();
    });

    $('path-button').addEventListener('click', () => this.findPath());
    $('path-clear').addEventListener('click', () => this.clearPath(true));
    $('fit').addEventListener('click', () => this.cy.animate({ fit: { padding: 30 } }, { duration: 300 }));
    $('relayout').addEventListener('click', () => this.layout(this.cy.elements(':visible'), { randomize: true }));
    $('clear').addEventListener('click', () => this.clear());
    $('export-png').addEventListener('click', () => this.exportPNG());
    $('export-json').addEventListener('click', () => this.exportJSON());
    $('export-gexf').addEventListener('click', () => this.exportFile('gexf'));
    $('export-graphml').addEventListener('click', () => this.exportFile('graphml'));
    $('size-by').addEventListener('change', () => this.resize());
  }

  async run(what, fn) {
    messages.clear('error'); // an error stays until the next action
    this.busy++;
    document.body.classList.add('busy');
    try {
      return await fn();
    } catch (e) {
      messages.show('error', `${what}: ${e.message}`, { key: 'error' });
      if (e.code === 'UNAUTHENTICATED' || e.code === 'HTTP_401') {
        // Open the Authorization box the message points to.
        const box = $('token').closest('details');
        if (box) box.open = true;
      }
      return undefined;
    } finally {
      if (--this.busy === 0) document.body.classList.remove('busy');
    }
  }

  // ------------------------------------------------------------ search

  async search(raw) {
    const text = raw.trim();
    const list = $('search-results');
    list.hidden = true;
    list.textContent = '';
    messages.clear('search');
    if (text === '') {
      messages.show('warn', 'Type part of a name to search, e.g. “Norway”, “landmines” or “ICRC”.', { key: 'search' });
      return;
    }
    if (!/[\p{L}\p{N}]/u.test(text)) {
      messages.show('warn', `“${text}” has no letters or digits to search for.`, { key: 'search' });
      return;
    }
    const data = await this.run('Search', () => this.client.request(SEARCH_QUERY, { text, first: 15 }));
    if (!data) return;
    const hits = data.search || [];
    if (hits.length === 0) {
      messages.show('warn', `Nothing matches “${text}”. Search matches whole words or their beginnings in names and acronyms.`, { key: 'search' });
      return;
    }
    for (const h of hits) {
      const name = h.node.name || h.node.title || h.node.id;
      const label = el('span', { class: 'label' }, h.label);
      label.style.background = colourOf(h.label);
      const li = el('li', {
        tabindex: 0,
        'data-id': h.node.id,
        onclick: () => { list.hidden = true; this.open(h.node.id); },
        onkeydown: (e) => {
          if (e.key === 'Enter') { list.hidden = true; this.open(h.node.id); }
          if (e.key === 'ArrowDown' && li.nextSibling) { e.preventDefault(); li.nextSibling.focus(); }
          if (e.key === 'ArrowUp') { e.preventDefault(); (li.previousSibling || $('search-text')).focus(); }
          if (e.key === 'Escape') { list.hidden = true; $('search-text').focus(); }
        },
      }, label, el('span', { class: 'name' }, name, h.node.acronym && h.node.acronym !== name ? ` (${h.node.acronym})` : ''),
      el('span', { class: 'id' }, h.node.id));
      list.append(li);
    }
    list.hidden = false;
  }

  // open draws a node's neighbourhood (adding it to what is shown) and
  // selects the node.
  async open(id) {
    await this.expand(id);
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      this.cy.$(':selected').unselect();
      n.select();
      this.showNode(n);
      this.cy.animate({ center: { eles: n } }, { duration: 250 });
    }
  }

  // ------------------------------------------------------------ neighbourhoods

  limit() {
    const v = parseInt($('limit').value, 10);
    return Number.isFinite(v) ? v : 200;
  }

  async expand(id) {
    const depth = parseInt($('depth').value, 10);
    const limit = this.limit();
    const data = await this.run('Neighbourhood', () =>
      this.client.request(NEIGHBORHOOD_QUERY, { id, depth, types: this.selectedTypes(), limit }));
    if (!data) return;
    const sub = data.neighborhood;
    this.expanded.add(id);
    const added = this.merge(sub.nodes, sub.edges, id);
    const name = (sub.nodes.find((n) => n.nodeId === id) || {}).name || id;
    this.cy.getElementById(id).addClass('expanded');
    if (sub.truncated && sub.nodes.length >= limit) {
      messages.show('warn', `The neighbourhood of ${name} is larger than the node limit (${limit}): showing ${sub.nodes.length} nodes and ${sub.edges.length} relationships. ${limit < 1000 ? 'Raise the limit (the API allows at most 1000) or lower the depth.' : 'That is the API’s cap: lower the depth or untick relationship types to see the rest.'}`, { key: 'cap' });
    } else if (sub.truncated) {
      // The API also caps the relationships it reads per node of the limit.
      messages.show('warn', `The neighbourhood of ${name} has more relationships than the API returns at once: showing ${sub.nodes.length} nodes and ${sub.edges.length} relationships. Lower the depth or untick relationship types to see the rest.`, { key: 'cap' });
    } else if (added === 0) {
      messages.show('info', `Nothing new around ${name}.`, { key: 'cap' });
    } else {
      messages.clear('cap');
    }
  }

  // merge adds nodes and edges that are not shown yet, in one batch, places
  // the new nodes near `around` and lays the graph out. Returns how many
  // elements were added.
  merge(nodes, edges, around) {
    const cy = this.cy;
    const centre = around && cy.getElementById(around).nonempty() ? cy.getElementById(around).position() : null;
    const add = [];
    for (const n of nodes) {
      if (cy.getElementById(n.nodeId).nonempty()) continue;
      add.push({
        group: 'nodes',
        data: { id: n.nodeId, label: n.label, name: n.name || n.nodeId, properties: n.properties || {}, colour: colourOf(n.label), size: 24 },
        position: centre ? { x: centre.x + (Math.random() - 0.5) * 120, y: centre.y + (Math.random() - 0.5) * 120 } : undefined,
      });
    }
    const ids = new Set(add.map((a) => a.data.id));
    for (const e of edges) {
      if (cy.getElementById(e.id).nonempty()) continue;
      if (cy.getElementById(e.source).empty() && !ids.has(e.source)) continue;
      if (cy.getElementById(e.target).empty() && !ids.has(e.target)) continue;
      add.push({
        group: 'edges',
        data: { id: e.id, type: e.type, source: e.source, target: e.target, properties: e.properties || {}, evidence: e.evidence || null },
        classes: e.evidence ? 'evidenced' : '',
      });
    }
    if (add.length === 0) return 0;
    let added;
    cy.batch(() => {
      added = cy.add(add);
    });
    this.applyFilters(false);
    this.resize();
    const first = cy.nodes().length === added.nodes().length;
    this.layout(cy.elements(':visible'), { randomize: first });
    this.updateView();
    return added.length;
  }

  layout(eles, { randomize }) {
    const n = eles.length;
    if (n === 0) return;
    let opts;
    if (n > HUGE_GRAPH) {
      // O(n) and predictable: rings by degree.
      opts = {
        name: 'concentric', animate: false, fit: true, padding: 20, minNodeSpacing: 4,
        concentric: (node) => node.degree(), levelWidth: () => 4,
      };
    } else {
      const big = n > BIG_GRAPH;
      opts = {
        name: 'fcose',
        quality: big ? 'draft' : 'default',
        randomize: randomize || big,
        animate: !big && !randomize,
        animationDuration: 400,
        fit: true,
        padding: 30,
        nodeDimensionsIncludeLabels: false,
        numIter: big ? 600 : 2500,
        nodeRepulsion: () => 6500,
        idealEdgeLength: () => 70,
        packComponents: !big,
      };
    }
    this.cy.style().selector('edge').style('curve-style', n > BIG_GRAPH ? 'haystack' : 'bezier').update();
    const l = eles.layout(opts);
    // Tests and scripts wait on this before clicking on node positions.
    // (Resolves to nothing: the event would drag the whole graph along.)
    this.layoutDone = l.promiseOn('layoutstop').then(() => undefined);
    l.run();
  }

  // ------------------------------------------------------------ filters and sizes

  applyFilters(relayout = true) {
    const types = new Set(this.checked('type'));
    const labels = new Set(this.checked('label'));
    this.cy.batch(() => {
      // Only elements whose state changes are touched (style updates are
      // what costs on big graphs).
      const hidden = new Set();
      this.cy.nodes().forEach((n) => {
        const hide = !labels.has(n.data('label'));
        if (hide) hidden.add(n.id());
        if (n.hasClass('filtered') !== hide) n.toggleClass('filtered', hide);
      });
      this.cy.edges().forEach((e) => {
        const d = e.data();
        const hide = !types.has(d.type) || hidden.has(d.source) || hidden.has(d.target);
        if (e.hasClass('filtered') !== hide) e.toggleClass('filtered', hide);
      });
    });
    this.updateView();
    if (relayout && this.cy.nodes().length > 0) this.resize();
  }

  async resize() {
    const by = $('size-by').value;
    if (by === 'brokers' && !this.brokerScores) {
      const data = await this.run('Broker scores', () => this.client.request(BROKERS_QUERY, { first: 100 }));
      if (!data) { $('size-by').value = 'degree'; return this.resize(); }
      this.brokerScores = new Map(data.brokers.map((b) => [b.actor.id, b.score]));
    }
    const actors = this.cy.nodes().filter((n) => ACTOR_LABELS.has(n.data('label')));
    let value;
    if (by === 'brokers') {
      value = (n) => this.brokerScores.get(n.id()) || 0;
    } else {
      // Edges shown: applyFilters marks every hidden edge (its own type
      // or a hidden endpoint) .filtered, which is much cheaper to test
      // than ':visible' on a big graph.
      value = (n) => n.connectedEdges().filter((e) => !e.hasClass('filtered')).length;
    }
    const values = new Map();
    let max = 0;
    actors.forEach((n) => {
      const v = value(n);
      values.set(n.id(), v);
      max = Math.max(max, v);
    });
    this.cy.batch(() => {
      actors.forEach((n) => {
        const size = 22 + (max > 0 ? 38 * Math.sqrt(values.get(n.id()) / max) : 0);
        // Only changed sizes: each data change restyles the node.
        if (Math.abs(n.data('size') - size) > 0.01) n.data('size', size);
      });
    });
  }

  // ------------------------------------------------------------ connection path

  setPathEnd(which, node) {
    this[which === 'from' ? 'pathFrom' : 'pathTo'] = { id: node.id(), name: node.data('name') };
    this.renderPathEnds();
  }

  renderPathEnds() {
    $('path-from').textContent = this.pathFrom ? this.pathFrom.name : '— pick a node';
    $('path-to').textContent = this.pathTo ? this.pathTo.name : '— pick a node';
    $('path-button').disabled = !(this.pathFrom && this.pathTo);
  }

  clearPath(ends) {
    this.cy.elements().removeClass('path faded');
    if (ends) {
      this.pathFrom = null;
      this.pathTo = null;
      this.renderPathEnds();
      messages.clear('path');
    }
  }

  async findPath() {
    if (!this.pathFrom || !this.pathTo) return;
    const { pathFrom: from, pathTo: to } = this;
    messages.clear('path');
    this.clearPath(false);
    if (from.id === to.id) {
      messages.show('warn', 'Pick two different nodes for a connection path.', { key: 'path' });
      return;
    }
    const maxHops = parseInt($('max-hops').value, 10);
    const data = await this.run('Connection path', () =>
      this.client.request(PATH_QUERY, { from: from.id, to: to.id, maxHops, types: this.selectedTypes() }));
    if (!data) return;
    const p = data.connectionPath;
    if (!p) {
      messages.show('warn', `No connection between ${from.name} and ${to.name} within ${maxHops} hops${this.selectedTypes() ? ' over the ticked relationship types' : ''}.`, { key: 'path' });
      return;
    }
    this.merge(p.nodes, p.edges, from.id);
    const ids = new Set([...p.nodes.map((n) => n.nodeId), ...p.edges.map((e) => e.id)]);
    const onPath = this.cy.elements().filter((e) => ids.has(e.id()));
    this.cy.batch(() => {
      this.cy.elements().addClass('faded');
      onPath.removeClass('faded filtered').addClass('path');
    });
    const names = p.nodes.map((n) => n.name);
    messages.show('info', `Path of length ${p.length}: ${names.join(' → ')}`, { key: 'path', sticky: true });
    this.cy.animate({ fit: { eles: onPath, padding: 60 } }, { duration: 300 });
  }

  // ------------------------------------------------------------ details panel

  showNothing() {
    const d = $('details');
    d.textContent = '';
    d.append(el('p', { class: 'hint' }, 'Select a node or a relationship to see its properties and the sentence it rests on.'));
  }

  propertiesTable(props, skip = []) {
    const rows = Object.keys(props || {}).filter((k) => !skip.includes(k)).sort()
      .map((k) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, displayValue(props[k]))));
    if (rows.length === 0) return el('p', { class: 'hint' }, 'No other properties.');
    return el('table', { class: 'props' }, el('tbody', {}, rows));
  }

  evidenceBlock(quote, sourceId) {
    if (!quote) return el('p', { class: 'hint' }, 'No evidence sentence recorded.');
    const src = el('div', { class: 'source' }, 'Source: ', sourceId || 'unknown');
    if (sourceId) this.describeSource(sourceId, src);
    return el('div', { class: 'evidence' }, el('h2', {}, 'Evidence'), el('blockquote', {}, `“${quote}”`), src);
  }

  async describeSource(id, into) {
    let s = this.sourceCache.get(id);
    if (!s) {
      s = this.client.request(SOURCE_QUERY, { id }).then((d) => d.node).catch(() => null);
      this.sourceCache.set(id, s);
    }
    const node = await s;
    if (!node || !node.title) return;
    into.textContent = '';
    into.append('Source: ', el('cite', {}, node.title), node.date ? ` (${node.date})` : '', ` — ${id}`);
    if (node.file) into.append(el('div', {}, `File: ${node.file}`));
    if (node.url) into.append(el('div', {}, `URL: ${node.url}`)); // shown, not linked: the page stays offline
  }

  showNode(n) {
    const d = $('details');
    d.textContent = '';
    const data = n.data();
    const props = data.properties || {};
    const label = el('span', { class: 'label-chip' }, data.label);
    d.append(
      el('h3', {}, data.name),
      el('p', { class: 'sub' }, label, ' · ', data.id, ` · ${n.degree()} relationship${n.degree() === 1 ? '' : 's'} in view`),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'node-expand', onclick: () => this.expand(data.id) }, this.expanded.has(data.id) ? 'Expand again' : 'Expand'),
        el('button', { type: 'button', id: 'path-set-from', onclick: () => this.setPathEnd('from', n) }, 'Path from here'),
        el('button', { type: 'button', id: 'path-set-to', onclick: () => this.setPathEnd('to', n) }, 'Path to here'),
        el('button', { type: 'button', onclick: () => { n.remove(); this.expanded.delete(data.id); this.showNothing(); this.updateView(); } }, 'Remove')),
      el('h2', {}, 'Properties'),
      this.propertiesTable(props, ['id', 'name', 'evidence', 'sourceId']),
    );
    if (props.evidence) d.append(this.evidenceBlock(props.evidence, props.sourceId));
  }

  showEdge(e) {
    const d = $('details');
    d.textContent = '';
    const data = e.data();
    const ev = data.evidence || {};
    d.append(
      el('h3', {}, data.type),
      el('p', { class: 'sub' }, `${e.source().data('name')} → ${e.target().data('name')}`),
      el('h2', {}, 'Properties'),
      this.propertiesTable(data.properties, ['evidence', 'sourceId']),
      this.evidenceBlock(ev.quote || (data.properties || {}).evidence, ev.sourceId || (data.properties || {}).sourceId),
    );
  }

  // ------------------------------------------------------------ view

  updateView() {
    // (Counting the .filtered class is much cheaper than ':visible'.)
    const nodes = this.cy.nodes().length;
    const edges = this.cy.edges().length;
    const shownNodes = nodes - this.cy.nodes('.filtered').length;
    const shownEdges = edges - this.cy.edges('.filtered').length;
    $('empty').hidden = nodes > 0;
    $('stats').textContent = nodes === 0 ? '' :
      `${shownNodes} of ${nodes} nodes, ${shownEdges} of ${edges} relationships shown`;
  }

  clear() {
    this.cy.elements().remove();
    this.expanded.clear();
    this.clearPath(true);
    messages.clear();
    this.showNothing();
    this.updateView();
  }

  exportPNG() {
    if (this.cy.nodes().length === 0) {
      messages.show('warn', 'Nothing to export yet: draw a neighbourhood first.', { key: 'export' });
      return;
    }
    const blob = this.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff', maxWidth: 8000, maxHeight: 8000 });
    download('lysoen-graph.png', blob);
  }

  // viewJSON is what Export JSON writes: the visible nodes and edges in the
  // API's own shape.
  viewJSON() {
    const nodes = this.cy.nodes(':visible').map((n) => ({
      nodeId: n.id(), label: n.data('label'), name: n.data('name'), properties: n.data('properties'),
    }));
    const edges = this.cy.edges(':visible').map((e) => ({
      id: e.id(), type: e.data('type'), source: e.data('source'), target: e.data('target'),
      properties: e.data('properties'), evidence: e.data('evidence'),
    }));
    return { nodes, edges };
  }

  exportJSON() {
    if (this.cy.nodes().length === 0) {
      messages.show('warn', 'Nothing to export yet: draw a neighbourhood first.', { key: 'export' });
      return;
    }
    const body = JSON.stringify(this.viewJSON(), null, 2);
    download('lysoen-graph.json', new Blob([body + '\n'], { type: 'application/json' }));
  }

  // exportFile downloads what is on screen — the visible nodes and the
  // relationships among them of the ticked types — as GEXF (Gephi,
  // networkx) or GraphML (Cytoscape, igraph), written by the server.
  async exportFile(format) {
    const ids = this.cy.nodes(':visible').map((n) => n.id());
    if (ids.length === 0) {
      messages.show('warn', 'Nothing to export yet: draw a neighbourhood first.', { key: 'export' });
      return;
    }
    const file = await this.run(`Export ${format === 'gexf' ? 'GEXF' : 'GraphML'}`, () =>
      this.client.exportView(format, ids, this.selectedTypes()));
    if (file) download(file.name, file.blob);
  }
}

function main() {
  const root = document.getElementById('explorer');
  messages.box = $('messages');
  try {
    new Explorer(root);
  } catch (e) {
    console.error(e);
    messages.box.append(el('div', { class: 'msg error' }, `The explorer failed to start: ${e.message}`));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
