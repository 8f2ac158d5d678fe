// `make screenshots`: regenerates docs/screenshots/graphiql.png and
// docs/screenshots/explorer.png with the browser-test harness (real server,
// test Neo4j from NEO4J_URI, Debian's Chromium).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { repo, startServer, launchBrowser, watch } from './harness.mjs';

const out = path.join(repo, 'docs', 'screenshots');
await mkdir(out, { recursive: true });
const server = await startServer();
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
    x.cy.fit(undefined, 30);
  });
  await page.waitForSelector('#details .evidence cite');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'explorer.png') });
  const all = [...graphiqlProblems, ...explorerProblems];
  if (all.length > 0) {
    failed = true;
    console.error('problems on the pages:\n' + all.join('\n'));
  }
} finally {
  await browser.close();
  await server.stop();
}
if (failed) process.exit(1);
console.log(`wrote ${path.join(out, 'graphiql.png')} and ${path.join(out, 'explorer.png')}`);
