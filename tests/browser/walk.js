// The browser walk of `corroborate serve`: headless Debian chromium (driven by playwright-core,
// which downloads nothing: the browser is the system's) walks the web app as a user would,
// index -> search -> story -> article -> entity -> outlet -> upload, checks what each page shows,
// runs axe-core in every page, saves a screenshot of each, and checks that hostile articles
// inject nothing. Run by crates/cli/tests/it/browser.rs, which builds the store and starts the
// server; by hand: `node tests/browser/walk.js CONFIG.json`.
//
// CONFIG: { base, out, chromium, seeds_story, basil_story, hostile_articles: [id],
//           hostile_stories: [id], upload: path, upload_story }
// Prints one JSON report on stdout; exit 0 when every check passed, 1 otherwise (each failure
// named on stderr). Never touches any address but `base` (loopback): every other request is
// aborted and counted as a failure.

'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const failures = [];
const report = { pages: [], failures };

function check(ok, what) {
  if (!ok) failures.push(what);
  return ok;
}

// A whole-walk bound, so a hung page never hangs the test.
setTimeout(() => {
  console.error('browser walk: timed out after 240 s');
  process.exit(1);
}, 240_000).unref();

const sameOrigin = (u) => {
  try {
    return new URL(u, cfg.base).origin === new URL(cfg.base).origin;
  } catch {
    return false;
  }
};

/// The text of the element `sel`, '' when absent.
async function text(page, sel) {
  const el = await page.$(sel);
  return el ? (await el.innerText()).trim() : '';
}

/// The same-origin hrefs under `sel` whose path starts with `prefix`.
async function links(page, sel, prefix) {
  return page.$$eval(`${sel} a[href]`, (as, prefix) =>
    as.map((a) => a.href).filter((h) => new URL(h).pathname.startsWith(prefix)), prefix);
}

/// Everything a hostile article could have slipped into the page: its scripts having run (the
/// `data-pwned` mark they set, a dialog), script elements not served by the app, event-handler
/// attributes, `javascript:` links, images from elsewhere.
async function injected(page, where) {
  const found = await page.evaluate(() => {
    const out = [];
    const origin = (u) => {
      try {
        return new URL(u, location.href).origin;
      } catch {
        return 'unparsable';
      }
    };
    if (document.documentElement.outerHTML.includes('data-pwned="')) out.push('a script set data-pwned');
    if (window.__pwned) out.push('window.__pwned set');
    for (const s of document.querySelectorAll('script')) {
      if (!s.src || origin(s.src) !== location.origin) out.push(`script element: ${s.outerHTML.slice(0, 120)}`);
    }
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) out.push(`event handler ${a.name} on <${el.tagName.toLowerCase()}>`);
      }
    }
    for (const a of document.querySelectorAll('[href],[src],[action],[formaction]')) {
      for (const k of ['href', 'src', 'action', 'formaction']) {
        const v = a.getAttribute(k);
        if (v && /^\s*(javascript|data|vbscript):/i.test(v)) out.push(`${k}="${v.slice(0, 80)}" on <${a.tagName.toLowerCase()}>`);
      }
    }
    for (const img of document.querySelectorAll('img,iframe,object,embed')) {
      if (img.getAttribute('src') && origin(img.getAttribute('src')) !== location.origin) out.push(`foreign <${img.tagName.toLowerCase()}> ${img.src}`);
    }
    return out;
  });
  for (const f of found) check(false, `${where}: injected: ${f}`);
  return found.length === 0;
}

/// axe-core in the page (evaluated over the DevTools protocol, so the page's CSP, which forbids
/// inline scripts, does not stop it); a serious or critical violation is a failure.
async function axe(page, where) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      sample: v.nodes.slice(0, 2).map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      check(false, `${where}: axe ${v.impact} ${v.id} (${v.help}) on ${v.nodes} nodes, e.g. ${v.sample.join(', ')}`);
    }
  }
  return violations;
}

async function visit(page, name, { shot = true, response = null } = {}) {
  await page.waitForLoadState('load');
  const entry = { name, url: page.url(), title: await page.title() };
  if (response) {
    entry.status = response.status();
    check(response.status() === 200, `${name}: HTTP ${response.status()} for ${page.url()}`);
    const csp = response.headers()['content-security-policy'] || '';
    entry.csp = csp;
    check(/script-src|default-src/.test(csp), `${name}: no Content-Security-Policy restricting scripts (got "${csp}")`);
  }
  check(entry.title.length > 0, `${name}: page has no <title>`);
  entry.axe = await axe(page, name);
  await injected(page, name);
  if (shot) {
    const file = path.join(cfg.out, `${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    entry.screenshot = file;
  }
  report.pages.push(entry);
  return entry;
}

/// Follow the first link in `sel` whose path starts with `prefix` (a click, as a user would).
async function follow(page, sel, prefix, what) {
  const hrefs = await links(page, sel, prefix);
  if (!check(hrefs.length > 0, `${what}: no link to ${prefix}... under ${sel} on ${page.url()}`)) return null;
  const target = new URL(hrefs[0]).pathname;
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click(`${sel} a[href*="${target.replace(/"/g, '\\"')}"] >> nth=0`),
  ]);
  return response;
}

/// The smallest element under `sel` whose text contains `needle` (a table row, a list item).
async function rowWith(page, sel, needle) {
  return page.evaluate(({ sel, needle }) => {
    const root = document.querySelector(sel);
    if (!root) return null;
    let best = null;
    for (const el of root.querySelectorAll('*')) {
      if (el.innerText && el.innerText.includes(needle)) {
        if (!best || best.contains(el)) best = el;
      }
    }
    // Widen to the enclosing row or item, where the counts sit beside the text.
    const row = best && (best.closest('tr,li,article,section,details') || best);
    return row && root.contains(row) ? row.innerText : best ? best.innerText : null;
  }, { sel, needle });
}

(async () => {
  fs.mkdirSync(cfg.out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: cfg.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  // Loopback only: anything else the page asks for is refused and named.
  await context.route('**/*', (route) => {
    if (sameOrigin(route.request().url())) return route.continue();
    check(false, `request outside the app: ${route.request().url()}`);
    return route.abort();
  });
  try {
    await walk(page, context);
  } catch (e) {
    check(false, `walk stopped: ${e.stack || e}`);
  }
  check(dialogs.length === 0, `dialogs opened: ${dialogs.join('; ')}`);
  report.dialogs = dialogs;
  report.console_errors = consoleErrors;
  // A CSP report of a refused inline script means something was injected (and only CSP stopped it).
  for (const c of consoleErrors) {
    if (/Refused to (execute|load)/i.test(c)) check(false, `CSP had to refuse something: ${c}`);
  }
  await browser.close();
  console.log(JSON.stringify(report, null, 2));
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(failures.length ? 1 : 0);
})();

async function walk(page, context) {
  // Control: the injection check does see a script that ran and markup that could run one.
  await page.setContent(`<body><script>document.body.setAttribute('data-pwned','control')</script>` +
    `<a href="javascript:void(0)">x</a><img src="x.png" onerror="void 0"></body>`);
  const seen = await page.evaluate(() => document.body.getAttribute('data-pwned'));
  const before = failures.length;
  await injected(page, 'control');
  const caught = failures.splice(before);
  check(seen === 'control' && caught.length >= 3, `control: the injection check misses a running script (${caught.length} found)`);

  // 1. The index.
  let response = await page.goto(cfg.base + '/');
  await visit(page, 'index', { response });
  const storyLinks = await links(page, '#stories', '/stories/');
  check(storyLinks.length >= 10, `index: ${storyLinks.length} story links in #stories, expected at least 10`);

  // 2. Search "Chagos" through the page's search box.
  const q = await page.$('input[name="q"]');
  if (check(q !== null, 'index: no search box input[name="q"]')) {
    await q.fill('Chagos');
    [response] = await Promise.all([page.waitForNavigation(), q.press('Enter')]);
    check(/[?&]q=Chagos/.test(page.url()), `search: URL ${page.url()} does not carry q=Chagos`);
    await visit(page, 'search', { response });
    const found = await links(page, '#stories', '/stories/');
    check(found.some((h) => h.endsWith(`/stories/${cfg.seeds_story}`)),
      `search "Chagos": the seeds story ${cfg.seeds_story} not among ${JSON.stringify(found)}`);
    check(found.length < storyLinks.length, `search "Chagos": ${found.length} results, no narrower than the index`);
  }

  // 3. The seeds' story, by clicking its search result.
  const onSearch = page.url();
  const target = `/stories/${cfg.seeds_story}`;
  if (await page.$(`#stories a[href$="${target}"]`)) {
    [response] = await Promise.all([page.waitForNavigation(), page.click(`#stories a[href$="${target}"] >> nth=0`)]);
  } else {
    response = await page.goto(cfg.base + target);
  }
  await storyPage(page, response);

  // The back button returns to the search results.
  await page.goBack();
  check(page.url() === onSearch, `back button: at ${page.url()}, expected ${onSearch}`);
  await page.goForward();

  // 4. An article of the story, from the timeline.
  response = await follow(page, '#timeline', '/articles/', 'story -> article');
  if (response) await articlePage(page, response);

  // 5. An entity of the story.
  await page.goto(cfg.base + target);
  response = await follow(page, '#entities', '/entities/', 'story -> entity');
  if (response) {
    await visit(page, 'entity', { response });
    const back = await links(page, 'main', '/stories/');
    check(back.some((h) => h.endsWith(target)), `entity page ${page.url()}: no link back to ${target}`);
    check((await page.innerText('main')).length > 100, `entity page: almost empty`);
  }

  // 6. A BASIL story: its outlets by name; then an outlet page.
  response = await page.goto(cfg.base + `/stories/${cfg.basil_story}`);
  await visit(page, 'story-basil', { response, shot: false });
  const basilText = await page.innerText('body');
  for (const outlet of ['fox', 'nyt', 'hpo']) {
    check(new RegExp(`\\b${outlet}\\b`).test(basilText), `BASIL story ${cfg.basil_story}: outlet "${outlet}" not shown`);
  }
  // Its outlets link to their pages, from the story itself or from each article's metadata.
  if ((await links(page, 'main', '/outlets/')).length === 0) {
    response = await follow(page, '#timeline', '/articles/', 'BASIL story -> article');
  }
  response = await follow(page, 'main', '/outlets/', 'BASIL story -> outlet');
  if (response) {
    const outlet = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    check(['fox', 'nyt', 'hpo'].includes(outlet), `outlet page for "${outlet}", expected fox, nyt or hpo`);
    await visit(page, 'outlet', { response });
    const t = await page.innerText('main');
    check(/\d/.test(t) && t.includes(outlet), `outlet page: no counts or no name: ${t.slice(0, 200)}`);
    check((await links(page, 'main', '/stories/')).some((h) => h.endsWith(`/stories/${cfg.basil_story}`)),
      `outlet page: no link to the BASIL story ${cfg.basil_story}`);
  }

  // 7. Hostile articles and their stories: nothing injected, nothing run.
  for (const id of cfg.hostile_articles) {
    response = await page.goto(cfg.base + `/articles/${encodeURIComponent(id)}`);
    await visit(page, `hostile-article-${id}`, { response, shot: false });
    const t = await text(page, '#article-text');
    check(t.includes('<script') || t.includes('onerror'), `hostile article ${id}: its markup is not shown as text in #article-text`);
  }
  for (const id of cfg.hostile_stories) {
    response = await page.goto(cfg.base + `/stories/${id}`);
    const first = id === cfg.hostile_stories[0];
    await visit(page, first ? 'hostile-story' : `hostile-story-${id}`, { response, shot: first });
  }
  response = await page.goto(cfg.base + '/?q=pwned');
  await visit(page, 'hostile-search', { response, shot: false });
  check((await links(page, '#stories', '/stories/')).length > 0, 'search "pwned": the hostile stories are not found');
  for (const outlet of cfg.hostile_outlets || []) {
    response = await page.goto(cfg.base + `/outlets/${encodeURIComponent(outlet)}`);
    await visit(page, 'hostile-outlet', { response, shot: false });
  }
  // The JSON API answers as JSON, never as HTML a browser would render.
  for (const p of [`/api/stories/${cfg.seeds_story}`, `/api/articles/${encodeURIComponent(cfg.hostile_articles[0])}`, '/api/stories?q=Chagos']) {
    const r = await page.request.get(cfg.base + p);
    check(r.status() === 200, `GET ${p}: HTTP ${r.status()}`);
    check((r.headers()['content-type'] || '').startsWith('application/json'), `GET ${p}: content-type ${r.headers()['content-type']}`);
  }
  const api = await (await page.request.get(cfg.base + `/api/stories/${cfg.seeds_story}`)).json().catch(() => ({}));
  check(Array.isArray(api.facts) && Array.isArray(api.derivations), `/api/stories/${cfg.seeds_story}: not a schema-v1 story`);

  // 8. Upload through /add; the page says which story the article joined.
  response = await page.goto(cfg.base + '/add');
  await visit(page, 'add', { response });
  const csrf = await page.$('form input[type="hidden"]');
  check(csrf !== null, '/add: no hidden CSRF field in the form');
  const file = await page.$('input[type="file"]');
  if (check(file !== null, '/add: no file input')) {
    await file.setInputFiles(cfg.upload);
    const submit = await page.$('form [type="submit"], form button');
    [response] = await Promise.all([page.waitForNavigation(), submit ? submit.click() : file.evaluate((f) => f.form.submit())]);
    await visit(page, 'added', { response });
    const stem = path.basename(cfg.upload).replace(/\.[^.]*$/, '');
    const body = await page.innerText('body');
    check(body.includes(stem), `after upload: the article ${stem} is not named on ${page.url()}`);
    const joined = await links(page, 'body', '/stories/');
    check(joined.some((h) => h.endsWith(`/stories/${cfg.upload_story}`)),
      `after upload: no link to the story it joined (${cfg.upload_story}); links ${JSON.stringify(joined)}`);
    // And the story now lists it.
    const r = await page.request.get(cfg.base + `/api/stories/${cfg.upload_story}`);
    const s = await r.json().catch(() => ({}));
    check((s.articles || []).includes(stem), `/api/stories/${cfg.upload_story} does not list the uploaded ${stem}`);
  }
  // A POST without the CSRF token is refused, and stores nothing.
  const forged = await page.request.post(cfg.base + '/add', {
    multipart: { file: { name: 'forged.txt', mimeType: 'text/plain', buffer: Buffer.from('Forged article about Chagos.\n\nA forged upload without a token.\n') } },
  });
  report.forged_upload_status = forged.status();
  check(forged.status() >= 400 && forged.status() < 500, `POST /add without the CSRF token: HTTP ${forged.status()}, expected a 4xx refusal`);
  const f = await page.request.get(cfg.base + '/api/articles/forged');
  check(f.status() === 404, `after the forged POST /add, /api/articles/forged answers ${f.status()}`);
}

async function storyPage(page, response) {
  await visit(page, 'story', { response });
  const url = page.url();
  for (const id of ['#summary', '#facts', '#conflicts', '#quotes', '#timeline', '#rewrites', '#entities']) {
    check((await page.$(id)) !== null, `story ${url}: no ${id}`);
  }
  check((await text(page, '#summary')).length > 100, 'story: #summary is (almost) empty');
  // The facts with their independent sources: the backstop fact is stated by 4 independent
  // sources, a single-source detail by 1. Compared with the story's own JSON.
  const api = await (await page.request.get(cfg.base + `/api/stories/${cfg.seeds_story}`)).json().catch(() => null);
  if (check(api && Array.isArray(api.facts), 'story: /api/stories/ID gives no facts')) {
    const factsText = await text(page, '#facts');
    let shown = 0;
    for (const f of api.facts.slice(0, 5)) {
      const needle = f.text.slice(0, 40);
      const row = await rowWith(page, '#facts', needle);
      if (!check(row !== null, `story: fact "${needle}..." not in #facts`)) continue;
      shown += 1;
      check(new RegExp(`\\b${f.independent_sources}\\b`).test(row),
        `story: the row of fact "${needle}..." does not show its ${f.independent_sources} independent sources: ${row.slice(0, 300)}`);
    }
    check(shown > 0 && /independent/i.test(factsText + (await page.innerText('body'))), 'story: "independent" sources are not named');
  }
  // The rewrite of 003 by 000.
  const rw = (await text(page, '#rewrites')) + ' ' + (await links(page, '#rewrites', '/articles/')).join(' ');
  check(rw.includes('000_6b6353b012742a64') || rw.includes('/articles/000_'), `story: #rewrites does not name 000: ${rw.slice(0, 300)}`);
  check(rw.includes('003_d5daed31138c5547') || rw.includes('/articles/003_') || rw.includes('The Independent'),
    `story: #rewrites does not name 003 (The Independent): ${rw.slice(0, 300)}`);
  // The conflict: "April 2027" against "2027".
  const c = await text(page, '#conflicts');
  check(c.includes('April 2027') && /\b2027\b/.test(c.replace('April 2027', '')), `story: #conflicts lacks "April 2027" against "2027": ${c.slice(0, 300)}`);
  // The timeline: all five seeds, 003's date.
  const tl = await links(page, '#timeline', '/articles/');
  for (const id of ['000_', '001_', '002_', '003_', '004_']) {
    check(tl.some((h) => h.includes(`/articles/${id}`)), `story: #timeline has no link to article ${id}...`);
  }
  check((await text(page, '#timeline')).includes('2025-02-27') || (await text(page, '#timeline')).includes('27 Feb'),
    'story: #timeline does not show 003\'s date 2025-02-27');
  check((await text(page, '#quotes')).length > 20, 'story: #quotes is empty');
  // Links to the original articles: only http(s), never opening a window the page controls.
  const outs = await page.$$eval('a[href]', (as) => as.filter((a) => new URL(a.href).origin !== location.origin)
    .map((a) => ({ href: a.getAttribute('href'), rel: a.rel })));
  for (const o of outs) {
    check(/^https?:/i.test(o.href), `story: external link ${o.href} is not http(s)`);
    check(/noopener/.test(o.rel) && /noreferrer/.test(o.rel), `story: external link ${o.href} lacks rel="noopener noreferrer"`);
  }
}

async function articlePage(page, response) {
  await visit(page, 'article', { response });
  const t = await text(page, '#article-text');
  check(t.length > 200, `article ${page.url()}: #article-text is (almost) empty`);
  check((await links(page, 'main', '/stories/')).length > 0, `article ${page.url()}: no link to its story`);
}
