// Entry point of the graph explorer (built by ../build.mjs into
// ../dist/explorer.js and ../dist/explorer.css, served at /explore by
// ../web.go). It talks only to the GraphQL endpoint named by the mount
// element's data-endpoint attribute, on the page's own origin, through four
// fields: search, neighborhood, connectionPath and (optionally) brokers,
// the last three within the scope the Scope controls set (sources and
// date, with a year slider), and with high-degree fan-out summarized into
// group nodes; blocs colours the countries by voting bloc and likeMinded
// fills a selected country's panel.
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

// GraphNode names its node in nodeId; the explorer keys drawn nodes by it
// (aliased to id), as Cytoscape does.
const NODE_FIELDS = 'id: nodeId label name properties';
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

const NEIGHBORHOOD_QUERY = `query ExplorerNeighborhood($id: ID!, $depth: Int, $types: [RelationshipType!], $limit: Int, $scope: Scope) {
  neighborhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit, scope: $scope) {
    nodes { ${NODE_FIELDS} }
    edges { ${EDGE_FIELDS} }
    truncated
  }
}`;

const PATH_QUERY = `query ExplorerPath($from: ID!, $to: ID!, $maxHops: Int, $types: [RelationshipType!], $scope: Scope) {
  connectionPath(from: $from, to: $to, maxHops: $maxHops, relationshipTypes: $types, scope: $scope) {
    length
    nodes { ${NODE_FIELDS} }
    edges { ${EDGE_FIELDS} }
  }
}`;

const BROKERS_QUERY = `query ExplorerBrokers($first: Int, $scope: Scope) {
  brokers(first: $first, scope: $scope) { score actor { id } }
}`;

// The explorer opens on the 1999 text: the reference data (every state's
// treaty actions, later votes and memberships) fans out into hundreds of
// nodes around any country. The Scope controls widen it.
const TEXT_1999 = 'source:human-security-1999';
const SCOPE_SOURCES = [
  { value: TEXT_1999, text: 'The 1999 text' },
  { value: '', text: 'All sources' },
];
// Children of one node over one relationship type beyond this many are
// drawn as one group node (click it to draw them).
const GROUP_THRESHOLD = 12;
const GROUP_LABEL = 'Group';
const DATE_SHAPE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

// The voting measures (UN General Assembly roll calls, 1946-01 to 2020-01).
const BLOCS_QUERY = `query ExplorerBlocs($from: Date, $to: Date) {
  blocs(from: $from, to: $to) { states rollCalls modularity blocs { index size members { id name } } }
}`;
const LIKE_MINDED_QUERY = `query ExplorerLikeMinded($id: ID!, $from: Date, $to: Date, $first: Int) {
  likeMinded(actorId: $id, from: $from, to: $to, first: $first) { score votes agreed actor { id name } }
}`;
// Bloc colours (Paul Tol's "bright" scheme, apart from the label colours
// only by hue order; a bloc beyond the eighth is grey).
const BLOC_COLOURS = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB', '#332288'];
const NO_BLOC_COLOUR = '#dddddd';
const FIRST_YEAR = 1945; // the year slider's range: the UN's first year …
const LAST_YEAR = new Date().getUTCFullYear(); // … to now
const YEAR_SHAPE = /^\d{4}$/;

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
    selector: `node[label = "${GROUP_LABEL}"]`,
    style: {
      shape: 'round-rectangle', 'background-opacity': 0.25, 'border-width': 2, 'border-style': 'dashed',
      'border-color': 'data(colour)', 'font-style': 'italic', 'text-valign': 'center', 'text-margin-y': 0,
    },
  },
  { selector: 'node.label-top', style: { 'text-valign': 'top', 'text-margin-y': -3 } },
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
  { selector: '.faded', style: { opacity: 0.15, 'text-opacity': 0 } },
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
    this.groups = new Map(); // group node id -> the nodes and edges it stands for
    this.lastOpened = null;
    this.blocOf = null; // country id -> bloc index, while countries are coloured by bloc
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
    this.buildScopeControls();
    this.buildVotingControls();
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
      if (n.data('label') === GROUP_LABEL) {
        this.expandGroup(n.id());
        return;
      }
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
    this.lastOpened = id;
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
    const scope = this.scope();
    if (scope === undefined) return;
    const data = await this.run('Neighbourhood', () =>
      this.client.request(NEIGHBORHOOD_QUERY, { id, depth, types: this.selectedTypes(), limit, scope }));
    if (!data) return;
    const sub = data.neighborhood;
    this.expanded.add(id);
    const view = this.summarize(sub.nodes, sub.edges, id);
    const added = this.merge(view.nodes, view.edges, id);
    this.reportGroups(view.groups);
    const name = (sub.nodes.find((n) => n.id === id) || {}).name || id;
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
      if (cy.getElementById(n.id).nonempty()) continue;
      add.push({
        group: 'nodes',
        data: {
          id: n.id, label: n.label, name: n.name || n.id, properties: n.properties || {},
          colour: colourOf(n.memberLabel || n.label), size: n.group ? 34 : 24, memberLabel: n.memberLabel,
        },
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
    this.applyBlocColours(); // new countries take their bloc's colour while blocs are on
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
        // Labels count as part of a node, so the layout keeps them apart (the
        // first views are checked for overlapping labels by the browser tests).
        nodeDimensionsIncludeLabels: !big,
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
        const hide = !labels.has(n.data('memberLabel') || n.data('label'));
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
      const scope = this.scope();
      const data = scope === undefined ? undefined
        : await this.run('Broker scores', () => this.client.request(BROKERS_QUERY, { first: 100, scope }));
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
    this.cy.elements().removeClass('path faded label-top');
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
    const scope = this.scope();
    if (scope === undefined) return;
    const data = await this.run('Connection path', () =>
      this.client.request(PATH_QUERY, { from: from.id, to: to.id, maxHops, types: this.selectedTypes(), scope }));
    if (!data) return;
    const p = data.connectionPath;
    if (!p) {
      messages.show('warn', `No connection between ${from.name} and ${to.name} within ${maxHops} hops${this.selectedTypes() ? ' over the ticked relationship types' : ''} in the scope (${this.scopeText()}).`, { key: 'path' });
      return;
    }
    this.merge(p.nodes, p.edges, from.id);
    await this.layoutDone;
    const ids = new Set([...p.nodes.map((n) => n.id), ...p.edges.map((e) => e.id)]);
    const onPath = this.cy.elements().filter((e) => ids.has(e.id()));
    this.cy.batch(() => {
      this.cy.elements().addClass('faded');
      onPath.removeClass('faded filtered').addClass('path');
    });
    this.placePath(p.nodes.map((n) => n.id));
    const names = p.nodes.map((n) => n.name);
    messages.show('info', `Path of length ${p.length}: ${names.join(' → ')}`, { key: 'path', sticky: true });
    this.cy.animate({ fit: { eles: onPath, padding: 60 } }, { duration: 300 });
  }

  // ------------------------------------------------------------ scope and fan-out groups

  // buildScopeControls adds the Scope section (sources, a date, grouping)
  // below the Neighbourhood controls.
  buildScopeControls() {
    const sources = el('select', { id: 'scope-sources' },
      SCOPE_SOURCES.map((o) => el('option', { value: o.value }, o.text)));
    const asOf = el('input', {
      id: 'scope-asof', type: 'text', inputmode: 'numeric', maxlength: 10, placeholder: 'any time, e.g. 1999',
      'aria-label': 'As of (YYYY, YYYY-MM or YYYY-MM-DD)',
    });
    const group = el('input', { id: 'scope-group', type: 'checkbox', checked: true });
    const year = el('input', {
      id: 'scope-year', type: 'range', min: FIRST_YEAR, max: LAST_YEAR, step: 1, value: 1999,
      'aria-label': 'Year: the neighbourhood as of that year',
    });
    const yearText = el('output', { id: 'scope-year-text', for: 'scope-year' }, 'any time');
    const anyTime = el('button', { type: 'button', id: 'scope-any-time' }, 'Any time');
    const section = el('section', { id: 'scope-controls' },
      el('h2', {}, 'Scope'),
      el('label', {}, 'Sources ', sources),
      el('label', {}, 'As of ', asOf),
      el('label', { class: 'year' }, 'Year ', year, ' ', yearText),
      el('div', { class: 'row' }, anyTime),
      el('label', {}, group, ` Group more than ${GROUP_THRESHOLD} like neighbours`),
      el('p', { class: 'hint' }, 'The view opens on the 1999 text; “All sources” adds the imported data (treaty actions, memberships and UN votes of every state). A date keeps what held then.'));
    const first = $('controls').querySelector('section');
    first.after(section);
    const redraw = () => this.rescope();
    sources.addEventListener('change', redraw);
    group.addEventListener('change', redraw);
    asOf.addEventListener('change', () => { this.syncYear(); redraw(); });
    asOf.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); this.syncYear(); redraw(); } });
    // The year slider: dragging shows the year, letting go redraws the
    // last opened node as of that year (the As of date, at year precision).
    year.addEventListener('input', () => { yearText.value = year.value; });
    year.addEventListener('change', () => { asOf.value = year.value; yearText.value = year.value; redraw(); });
    anyTime.addEventListener('click', () => { asOf.value = ''; this.syncYear(); redraw(); });
  }

  // syncYear moves the year slider to the As of date's year ("any time"
  // when there is none).
  syncYear() {
    const at = $('scope-asof').value.trim();
    const y = at.slice(0, 4);
    if (DATE_SHAPE.test(at)) $('scope-year').value = y;
    $('scope-year-text').value = at === '' ? 'any time' : at;
  }

  // ------------------------------------------------------------ voting blocs and like-minded states

  // buildVotingControls adds the Voting section: a window of years, a
  // button that colours the drawn countries by the blocs of that window
  // (with a legend), and the window the like-minded panel uses.
  buildVotingControls() {
    const from = el('input', { id: 'vote-from', type: 'text', inputmode: 'numeric', maxlength: 4, value: '1995', 'aria-label': 'Voting window: first year' });
    const to = el('input', { id: 'vote-to', type: 'text', inputmode: 'numeric', maxlength: 4, value: '2004', 'aria-label': 'Voting window: last year' });
    const section = el('section', { id: 'voting-controls' },
      el('h2', {}, 'UN General Assembly votes'),
      el('label', { class: 'years' }, 'From ', from, ' to ', to),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'blocs-button', onclick: () => this.colourBlocs() }, 'Colour by bloc'),
        el('button', { type: 'button', id: 'blocs-clear', onclick: () => this.clearBlocs() }, 'Label colours')),
      el('div', { id: 'bloc-legend', class: 'bloc-legend' }),
      el('p', { class: 'hint' }, 'Blocs: states that voted together in the window (Louvain on voting agreement). Select a country for the states that voted most like it. The voting data run from 1946 to January 2020.'));
    $('scope-controls').after(section);
  }

  // voteWindow is the from/to of the Voting controls, or undefined after
  // a message when a year cannot be read.
  voteWindow() {
    const from = $('vote-from').value.trim();
    const to = $('vote-to').value.trim();
    messages.clear('votes');
    for (const y of [from, to]) {
      if (y !== '' && !YEAR_SHAPE.test(y)) {
        messages.show('warn', `“${y}” is not a year: write four digits, e.g. 1995.`, { key: 'votes' });
        return undefined;
      }
    }
    if (from && to && from > to) {
      messages.show('warn', `The voting window is empty: ${to} is before ${from}.`, { key: 'votes' });
      return undefined;
    }
    return { from: from || null, to: to || null };
  }

  // colourBlocs asks for the blocs of the window and colours every drawn
  // country by its bloc (grey: in no bloc, e.g. too few votes).
  async colourBlocs() {
    const w = this.voteWindow();
    if (!w) return;
    const data = await this.run('Blocs', () => this.client.request(BLOCS_QUERY, w));
    if (!data) return;
    const p = data.blocs;
    this.blocOf = new Map();
    p.blocs.forEach((b) => b.members.forEach((m) => this.blocOf.set(m.id, b.index)));
    this.blocWindow = w;
    this.applyBlocColours();
    const legend = $('bloc-legend');
    legend.textContent = '';
    legend.append(el('p', { class: 'sub' }, `${p.blocs.length} bloc${p.blocs.length === 1 ? '' : 's'} of ${p.states} states, ${p.rollCalls} roll calls ${w.from || '…'}–${w.to || '…'} (modularity ${p.modularity.toFixed(3)})`));
    for (const b of p.blocs) {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = this.blocColour(b.index);
      const names = b.members.slice(0, 3).map((m) => m.name).join(', ');
      legend.append(el('div', { class: 'legend-item', 'data-bloc': b.index }, sw,
        `Bloc ${b.index + 1}: ${b.size} states (${names}${b.size > 3 ? ', …' : ''})`));
    }
    const none = el('span', { class: 'swatch' });
    none.style.background = NO_BLOC_COLOUR;
    legend.append(el('div', { class: 'legend-item', 'data-bloc': 'none' }, none, 'In no bloc (too few votes, or no vote in the window)'));
    if (p.blocs.length === 0) messages.show('warn', 'No state voted in this window: no blocs to colour.', { key: 'votes' });
  }

  blocColour(index) {
    return index === undefined ? NO_BLOC_COLOUR : BLOC_COLOURS[index] || BLOC_COLOURS[BLOC_COLOURS.length - 2];
  }

  // applyBlocColours colours the drawn countries by bloc, while blocs are on.
  applyBlocColours() {
    if (!this.blocOf) return;
    this.cy.batch(() => {
      this.cy.nodes('[label = "Country"]').forEach((n) => {
        const c = this.blocColour(this.blocOf.get(n.id()));
        if (n.data('colour') !== c) n.data('colour', c);
        n.data('bloc', this.blocOf.has(n.id()) ? this.blocOf.get(n.id()) : -1);
      });
    });
  }

  clearBlocs() {
    this.blocOf = null;
    $('bloc-legend').textContent = '';
    this.cy.batch(() => {
      this.cy.nodes('[label = "Country"]').forEach((n) => {
        n.data('colour', colourOf('Country'));
        n.removeData('bloc');
      });
    });
  }

  // likeMinded fills the panel of a selected country with the states that
  // voted most like it in the window.
  async likeMinded(id, into) {
    const w = this.voteWindow();
    if (!w) return;
    const data = await this.run('Like-minded states', () => this.client.request(LIKE_MINDED_QUERY, { id, ...w, first: 10 }));
    if (!data) return;
    into.textContent = '';
    if (data.likeMinded.length === 0) {
      into.append(el('p', { class: 'hint' }, `No state shared at least 10 roll calls with it in ${w.from || '…'}–${w.to || '…'}.`));
      return;
    }
    into.append(el('ol', { class: 'like-minded' }, data.likeMinded.map((x) =>
      el('li', { 'data-id': x.actor.id }, `${x.actor.name}: ${x.agreed} of ${x.votes} votes alike (${x.score.toFixed(3)})`))));
  }

  // scope is the Scope argument of the controls: null for the whole graph,
  // undefined (after a message) when the date cannot be read.
  scope() {
    const src = $('scope-sources').value;
    const at = $('scope-asof').value.trim();
    messages.clear('scope');
    if (at !== '' && !DATE_SHAPE.test(at)) {
      messages.show('warn', `“${at}” is not a date: write a year (1999), a month (1999-06) or a day (1999-06-30).`, { key: 'scope' });
      return undefined;
    }
    const scope = {};
    if (src) scope.sources = [src];
    if (at) scope.asOf = at;
    return Object.keys(scope).length === 0 ? null : scope;
  }

  scopeText() {
    const src = SCOPE_SOURCES.find((o) => o.value === $('scope-sources').value);
    const at = $('scope-asof').value.trim();
    return `${src ? src.text.toLowerCase() : 'all sources'}${at ? `, as of ${at}` : ''}`;
  }

  // rescope redraws the last opened node in the new scope.
  async rescope() {
    this.brokerScores = null;
    const id = this.lastOpened;
    if (!id || this.cy.nodes().length === 0) return;
    if (this.scope() === undefined) return;
    this.clear();
    await this.open(id);
  }

  // summarize replaces high-degree fan-out by group nodes. Walking the
  // answer breadth-first from the expanded node, a node's children (the
  // nodes one level further away) over one relationship type become one
  // group node when there are more than GROUP_THRESHOLD of them (except
  // the root's children over openType: a group being opened). Nodes reached
  // only through a group's members belong to that group too, so the groups
  // account for every node of the answer that is not drawn. Nodes already
  // drawn are never grouped. Returns { nodes, edges, groups }.
  summarize(nodes, edges, root, openType = null) {
    if (!$('scope-group').checked) return { nodes, edges, groups: [] };
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const adj = new Map();
    const link = (a, b, e) => { if (!adj.has(a)) adj.set(a, []); adj.get(a).push({ other: b, edge: e }); };
    for (const e of edges) { link(e.source, e.target, e); link(e.target, e.source, e); }
    const depth = new Map([[root, 0]]);
    const order = [root];
    for (let i = 0; i < order.length; i++) {
      const x = order[i];
      for (const { other } of adj.get(x) || []) {
        if (!depth.has(other)) { depth.set(other, depth.get(x) + 1); order.push(other); }
      }
    }
    const drawn = (id) => this.cy.getElementById(id).nonempty();
    const visible = new Set([root]);
    const candidates = []; // { hub, type, members }
    let frontier = [root];
    while (frontier.length > 0) {
      const next = [];
      for (const h of frontier) {
        const byType = new Map();
        for (const { other, edge } of adj.get(h) || []) {
          if (depth.get(other) !== depth.get(h) + 1) continue;
          if (!byType.has(edge.type)) byType.set(edge.type, new Set());
          byType.get(edge.type).add(other);
        }
        for (const [type, kids] of byType) {
          const fresh = [...kids].filter((k) => !drawn(k));
          const group = fresh.length > GROUP_THRESHOLD && !(h === root && type === openType);
          if (group) candidates.push({ hub: h, type, members: fresh });
          for (const k of group ? [...kids].filter(drawn) : kids) {
            if (!visible.has(k)) { visible.add(k); next.push(k); }
          }
        }
      }
      frontier = next;
    }
    for (const n of nodes) if (drawn(n.id)) visible.add(n.id);
    // owner: the group a hidden node belongs to (its own, or its parent's).
    const owner = new Map();
    const live = candidates.map((c) => ({ ...c, members: c.members.filter((m) => !visible.has(m)) }))
      .filter((c) => c.members.length > 0);
    for (const c of live) {
      c.id = `group:${c.hub}|${c.type}`;
      for (const m of c.members) if (!owner.has(m)) owner.set(m, c);
    }
    for (const x of order) {
      if (visible.has(x) || owner.has(x)) continue;
      for (const { other } of adj.get(x) || []) {
        if (depth.get(other) === depth.get(x) - 1 && owner.has(other)) { owner.set(x, owner.get(other)); break; }
      }
    }
    const outNodes = nodes.filter((n) => visible.has(n.id));
    const outEdges = edges.filter((e) => visible.has(e.source) && visible.has(e.target));
    const groups = [];
    for (const c of live) {
      const own = nodes.filter((n) => owner.get(n.id) === c);
      const ownIds = new Set(own.map((n) => n.id));
      const labels = new Map();
      for (const m of c.members) {
        const l = (byId.get(m) || {}).label;
        labels.set(l, (labels.get(l) || 0) + 1);
      }
      const memberLabel = [...labels.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const noun = memberLabel === 'Country' ? 'countries' : `${memberLabel.toLowerCase()}s`;
      const beyond = own.length - c.members.length;
      const hubName = (byId.get(c.hub) || {}).name || this.cy.getElementById(c.hub).data('name') || c.hub;
      const group = {
        id: c.id, hub: c.hub, type: c.type, count: own.length, memberLabel, hubName,
        name: `${c.members.length} ${labels.size === 1 ? noun : 'nodes'} · ${c.type}${beyond > 0 ? ` (+${beyond} beyond)` : ''}`,
        nodes: own,
        edges: edges.filter((e) => ownIds.has(e.source) || ownIds.has(e.target)),
      };
      groups.push(group);
      this.groups.set(group.id, group);
      outNodes.push({ id: group.id, label: GROUP_LABEL, name: group.name, properties: { hub: c.hub, type: c.type, count: own.length }, group: true, memberLabel });
      const memberSet = new Set(c.members);
      const out = edges.some((e) => e.type === c.type && e.source === c.hub && memberSet.has(e.target));
      outEdges.push({
        id: `${group.id}|edge`, type: c.type, source: out ? c.hub : group.id, target: out ? group.id : c.hub,
        properties: { count: own.length }, evidence: null,
      });
    }
    return { nodes: outNodes, edges: outEdges, groups };
  }

  reportGroups(groups) {
    messages.clear('groups');
    if (groups.length === 0) return;
    const hidden = groups.reduce((n, g) => n + g.count, 0);
    messages.show('info', `${hidden} nodes are summarized in ${groups.length} group${groups.length === 1 ? '' : 's'} (dashed boxes: ${groups.slice(0, 3).map((g) => `${g.name} of ${g.hubName}`).join('; ')}${groups.length > 3 ? '; …' : ''}). Click a group to draw its members.`, { key: 'groups', sticky: true });
  }

  // expandGroup draws the members of a group node in its place.
  expandGroup(id) {
    const g = this.groups.get(id);
    const n = this.cy.getElementById(id);
    if (!g || n.empty()) return;
    n.remove();
    this.groups.delete(id);
    // Its members are drawn; fan-out beyond them is grouped again.
    const view = this.summarize(g.nodes, g.edges, g.hub, g.type);
    const added = this.merge(view.nodes, view.edges, g.hub);
    if (added === 0) this.updateView();
    this.reportGroups(view.groups);
    messages.show('info', `Drew “${g.name}” of ${g.hubName}.`, { key: 'group-open' });
  }

  // placePath lines the path's nodes up from left to right in path order,
  // their labels alternately below and above, so that no two overlap.
  placePath(ids) {
    const nodes = ids.map((id) => this.cy.getElementById(id)).filter((n) => n.nonempty());
    if (nodes.length === 0) return;
    const bb = this.cy.collection(nodes).boundingBox();
    const cx = (bb.x1 + bb.x2) / 2;
    const cy = (bb.y1 + bb.y2) / 2;
    const step = 170;
    this.cy.batch(() => {
      nodes.forEach((n, i) => {
        n.position({ x: cx + (i - (nodes.length - 1) / 2) * step, y: cy });
        n.toggleClass('label-top', i % 2 === 1);
      });
    });
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
    if (data.label === GROUP_LABEL) {
      d.append(el('h3', {}, data.name),
        el('p', { class: 'sub' }, `${data.properties.count} neighbours of ${data.properties.hub} over ${data.properties.type}, summarized.`),
        el('div', { class: 'row' }, el('button', { type: 'button', id: 'group-expand', onclick: () => this.expandGroup(data.id) }, 'Draw them')));
      return;
    }
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
    if (data.label === 'Country') {
      const list = el('div', { id: 'like-minded' });
      d.append(el('h2', {}, 'Voted most like it'),
        el('div', { class: 'row' }, el('button', { type: 'button', id: 'like-minded-button', onclick: () => this.likeMinded(data.id, list) },
          'Like-minded states')),
        list);
    }
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
    this.groups.clear();
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
