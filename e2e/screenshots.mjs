// `make screenshots`: regenerates docs/screenshots/graphiql.png,
// docs/screenshots/explorer.png and the explorer's first views
// (explorer-thailand.png: the 1999 text; explorer-canada-all-sources.png:
// the imported data too, fan-out grouped) with the browser-test harness
// (real server, test Neo4j from NEO4J_URI with the seed and everything
// `lysoen import` loads, as `make run` serves; Debian's Chromium).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { repo, startServer, launchBrowser, watch, importReference } from './harness.mjs';

const out = path.join(repo, 'docs', 'screenshots');
await mkdir(out, { recursive: true });
const server = await startServer();
importReference();
const browser = await launchBrowser();
let failed = false;
try {
  let page = await browser.context.newPage();
  const problems = watch(page, server.url);

  // GraphiQL with the first example run.
  await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.graphiql-container');
  await page.waitForSelector('.graphiql-doc-explorer >> text=Query');
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(() => /"data"/.test(document.querySelector('.graphiql-response')?.textContent || ''));
  await page.waitForTimeout(500); // let Monaco finish painting
  await page.screenshot({ path: path.join(out, 'graphiql.png') });
  const graphiqlProblems = [...problems];
  await page.close(); // (aborts whatever GraphiQL still loads: not a problem)

  // The explorer: Norway's neighbourhood, the path from Thailand to the ICRC,
  // and the evidence of its first relationship.
  page = await browser.context.newPage();
  const explorerProblems = watch(page, server.url);
  await page.goto(`${server.url}/explore`, { waitUntil: 'networkidle' });
  await page.fill('#search-text', 'Norway');
  await page.click('#search-button');
  await page.click('#search-results li[data-id="country:NOR"]');
  const settle = async () => {
    await page.waitForFunction(() => window.lysoenExplorer && !document.body.classList.contains('busy'));
    await page.evaluate(() => window.lysoenExplorer.layoutDone.then(() => true));
  };
  await settle();
  await page.evaluate(() => {
    const x = window.lysoenExplorer;
    x.setPathEnd('from', x.cy.getElementById('country:THA'));
    x.setPathEnd('to', x.cy.getElementById('org:icrc'));
  });
  await page.click('#path-button');
  await page.waitForSelector('#messages .msg >> text=Path of length');
  await settle();
  await page.evaluate(() => {
    const x = window.lysoenExplorer;
    const e = x.cy.edges('.path').first();
    x.cy.$(':selected').unselect();
    e.select();
    x.showEdge(e);
    x.cy.stop(true, true); // the path's own zoom animation
    x.cy.fit(x.cy.elements('.path'), 60); // the path, its labels readable
  });
  await page.waitForSelector('#details .evidence cite');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'explorer.png') });
  await page.close();

  // The first views: Thailand as the explorer opens (the 1999 text), and
  // Canada with all sources, its treaty actions grouped.
  page = await browser.context.newPage();
  const firstProblems = watch(page, server.url);
  const firstView = async (name, id, sources, file) => {
    await page.goto(`${server.url}/explore`, { waitUntil: 'networkidle' });
    await page.selectOption('#scope-sources', sources);
    await page.fill('#search-text', name);
    await page.click('#search-button');
    await page.click(`#search-results li[data-id="${id}"]`);
    await page.waitForFunction(() => window.lysoenExplorer && !document.body.classList.contains('busy'));
    await page.evaluate(() => window.lysoenExplorer.layoutDone.then(() => true));
    await page.evaluate(() => { const { cy } = window.lysoenExplorer; cy.stop(true, true); cy.fit(undefined, 30); });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, file) });
  };
  await firstView('Thailand', 'country:THA', 'source:human-security-1999', 'explorer-thailand.png');
  await firstView('Canada', 'country:CAN', '', 'explorer-canada-all-sources.png');
  const all = [...graphiqlProblems, ...explorerProblems, ...firstProblems];
  if (all.length > 0) {
    failed = true;
    console.error('problems on the pages:\n' + all.join('\n'));
  }
} finally {
  await browser.close();
  await server.stop();
}
if (failed) process.exit(1);
console.log(`wrote graphiql.png, explorer.png, explorer-thailand.png and explorer-canada-all-sources.png in ${out}`);
