// Shared by the browser tests and `make screenshots`: builds and starts the
// real server against the test Neo4j, and launches Debian's Chromium through
// playwright-core with a fresh profile, watching every page for console
// errors, uncaught exceptions, failed requests and requests to other hosts.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repo = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// buildOnce builds bin/lysoen (once per test process) and returns its path.
let built = null;
function buildOnce() {
  if (!built) {
    built = path.join(repo, 'bin', 'lysoen');
    execFileSync('go', ['build', '-o', built, '.'], { cwd: repo, stdio: 'inherit' });
  }
  return built;
}

// importReference loads the reference data (every ISO country, the UN
// treaties and every state's treaty actions) as `lysoen import` does, next
// to whatever the database holds: the graph `make run` serves.
export function importReference() {
  execFileSync(buildOnce(), ['import'], {
    cwd: repo, env: { ...process.env, LYSOEN_REQUEST_TIMEOUT: '2m' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
}

// loadSynthetic loads the synthetic graph of e2e/synthload (scale "e2e",
// seed 1: hub country "Synthland XAA", id country:XAA) next to whatever the
// database holds, and returns the line it prints (counts and time).
export function loadSynthetic() {
  return execFileSync('go', ['run', './e2e/synthload'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString().trim();
}

// startServer builds bin/lysoen, loads the seed into the Neo4j at NEO4J_URI
// (unless seed is false) and serves on a free port of 127.0.0.1 with the
// environment plus env. Returns { url, stop, logs }.
export async function startServer({ env = {}, seed = true } = {}) {
  if (!process.env.NEO4J_URI) {
    throw new Error('NEO4J_URI must name the test Neo4j (e.g. bolt://127.0.0.1:7688); `make e2e` sets it');
  }
  const bin = buildOnce();
  // (A cold Neo4j on a busy machine can take longer than the default
  // request timeout, which is also the transaction timeout, for the seed.)
  if (seed) {
    execFileSync(bin, ['seed'], {
      cwd: repo, env: { ...process.env, LYSOEN_REQUEST_TIMEOUT: '2m' }, stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const logs = [];
  const proc = spawn(bin, ['serve', '-addr', addr], {
    cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (b) => logs.push(b.toString()));
  proc.stderr.on('data', (b) => logs.push(b.toString()));
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = `http://${addr}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${logs.join('')}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGTERM');
      throw new Error(`server not ready after 60 s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    logs,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}

// launchBrowser starts Chromium headless with a fresh profile directory.
export async function launchBrowser() {
  const profile = await mkdtemp(path.join(tmpdir(), 'lysoen-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// watch records everything on a page that must fail a test: console errors,
// uncaught exceptions, failed or erroring requests, and any request to a
// host other than the server's.
export function watch(page, serverURL) {
  const origin = new URL(serverURL).origin;
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    if (new URL(u).origin !== origin) problems.push(`request to another host: ${u}`);
  });
  page.on('requestfailed', (r) => {
    const u = r.url();
    const why = (r.failure() && r.failure().errorText) || '';
    // A download that the page starts through a blob: URL is "aborted" once
    // Chromium hands it to the download manager.
    if (u.startsWith('blob:') && why === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.method()} ${u} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

// newKey creates an API key with `lysoen new-key` and returns the key and
// its configuration line for LYSOEN_API_KEYS.
export function newKey(name, role) {
  const out = execFileSync(buildOnce(), ['new-key', '-name', name, '-role', role], { cwd: repo }).toString();
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const key = lines.find((l) => /^lsn_/.test(l));
  const line = lines.find((l) => l.startsWith(`${name}:${role}:`));
  if (!key || !line) throw new Error(`unexpected output of lysoen new-key:\n${out}`);
  return { key, line };
}
