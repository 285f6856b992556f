// The config history viewer in a real browser: Debian's chromium, driven by playwright-core,
// against the real `nbsync daemon` serving what real cycles stored from the real nbsync-lab.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Stack, site1Token, superToken } from './stack.mjs';

const output = process.env.NBSYNC_BROWSER_OUTPUT || join(process.cwd(), 'output');
const stack = new Stack();
let browser;
let failed = false;
const consoleProblems = []; // every console error (CSP violations are reported there) and page error

// A new browser context (no cookies) whose pages report their console errors.
async function newPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      consoleProblems.push(`${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleProblems.push(`${page.url()}: ${error.message}`));
  return page;
}

// The changed device's page: an exact URL, as the sign-in page's own (?next=/devices/N)
// would match a pattern.
function devicePage() {
  return `${stack.base}/devices/${stack.changed}`;
}

// Drops the console message a test caused on purpose.
function forgiveProblem(url, text) {
  const index = consoleProblems.findIndex((p) => p.startsWith(url) && p.includes(text));
  if (index >= 0) {
    consoleProblems.splice(index, 1);
  }
}

// Opens the changed device's page through sign-in with the superuser's token.
async function openDeviceSignedIn(page) {
  await page.goto(devicePage());
  await signIn(page, superToken);
  await page.waitForURL(devicePage());
}

async function signIn(page, token) {
  await page.fill('input[name="token"]', token);
  await page.click('button[type="submit"]');
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(output, `${name}.png`), fullPage: true });
}

// The text of version `n` of a device (the changed one unless named), as the JSON twin gives
// it (same session).
async function versionText(page, n, device = stack.changed) {
  const response = await page.request.get(`${stack.base}/api/devices/${device}/versions/${n}`);
  assert.equal(response.status(), 200);
  return (await response.json()).text;
}

// A search pattern for the first line of a device's config that names it (its hostname line,
// however the platform writes it), and that line.
async function nameLine(page, device) {
  const line = (await versionText(page, 2, device)).split('\n').find((l) => l.includes(stack.names[device]));
  assert.ok(line, `device ${device}'s config names it`);
  return { line, pattern: `^\\Q${line}\\E$` };
}

before(async () => {
  mkdirSync(output, { recursive: true });
  await stack.start();
  // CI runs as root, where chromium's sandbox cannot start.
  const args = process.getuid() === 0 ? ['--no-sandbox'] : [];
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
});

after(async () => {
  await browser?.close();
  await stack.stop({ keepFiles: failed });
  if (failed) {
    console.log(`test files kept in ${stack.dir}; viewer log:\n${stack.viewerLog()}`);
  }
});

// Marks the run failed (files kept) when `body` throws.
function it(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      failed = true;
      throw error;
    }
  });
}

describe('the config history viewer in chromium', () => {
  it('the NetBox custom link leads to sign-in, then back to the device with its versions', async () => {
    const page = await newPage();
    // The link netbox-setup put on NetBox's device pages, as NetBox renders it for the device.
    const links = await (await stack.labRequest('GET', '/api/extras/custom-links/')).json();
    const custom = links.results.find((l) => l.name === 'nbsync config history');
    assert.ok(custom, `netbox-setup created the custom link: ${JSON.stringify(links)}`);
    assert.ok(custom.link_url.includes('{{ object.id }}'), custom.link_url);
    const link = custom.link_url.replace('{{ object.id }}', String(stack.changed));
    assert.equal(link, `${stack.base}/devices/${stack.changed}`);
    await page.goto(link);
    assert.match(page.url(), /\/sign-in\?next=%2Fdevices%2F\d+$|\/sign-in\?next=\/devices\/\d+$/);
    assert.equal(await page.locator('h1').textContent(), 'Sign in');
    await signIn(page, superToken);
    await page.waitForURL(link);
    assert.equal(await page.locator('h1').textContent(), stack.names[stack.changed]);
    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), 2, 'two stored versions, newest first');
    assert.equal(await rows.nth(0).locator('td').first().textContent(), '2');
    assert.equal(await rows.nth(1).locator('td').first().textContent(), '1');
    await screenshot(page, 'device');

    await page.click('table tbody tr:nth-child(2) td:first-child a');
    await page.waitForURL(`${link}/versions/1`);
    assert.equal(await page.locator('pre').textContent(), await versionText(page, 1));
    await page.context().close();
  });

  it('diffs two versions unified and side by side, with the changed words marked', async () => {
    const page = await newPage();
    await openDeviceSignedIn(page);
    await page.selectOption('select[name="from"]', '1');
    await page.selectOption('select[name="to"]', '2');
    await page.click('form.inline button[type="submit"]');
    await page.waitForURL(/\/diff\?from=1&to=2$/);
    const added = await page.locator('pre.unified span.add').allTextContents();
    const removed = await page.locator('pre.unified span.del').allTextContents();
    assert.ok(added.length > 0 && removed.length > 0, 'the change has added and removed lines');
    const v2 = (await versionText(page, 2)).split('\n');
    for (const line of added) {
      assert.ok(v2.includes(line.slice(1)), `an added line is in version 2: ${line}`);
    }
    await screenshot(page, 'diff-unified');

    await page.click('nav.layout a');
    await page.waitForURL(/view=split/);
    assert.equal(await page.locator('nav.layout strong').textContent(), 'Side by side');
    const pairs = page.locator('table.split tr:has(td.del):has(td.add)');
    assert.ok(await pairs.count() > 0, 'removed and added lines face each other');
    const firstPair = pairs.first();
    const oldMarks = await firstPair.locator('td.del mark').allTextContents();
    const newMarks = await firstPair.locator('td.add mark').allTextContents();
    assert.ok(oldMarks.length + newMarks.length > 0, 'the words that changed are marked');
    const oldLine = await firstPair.locator('td.del').textContent();
    const newLine = await firstPair.locator('td.add').textContent();
    assert.ok(removed.some((l) => l.slice(1) === oldLine), `the left side is a removed line: ${oldLine}`);
    assert.ok(added.some((l) => l.slice(1) === newLine), `the right side is an added line: ${newLine}`);
    for (const word of newMarks) {
      assert.ok(!oldLine.includes(word) || oldMarks.length > 0, `a marked word is new: ${word}`);
    }
    await screenshot(page, 'diff-side-by-side');
    await page.click('nav.layout a');
    await page.waitForURL(/view=unified/);
    assert.ok(await page.locator('pre.unified').count() === 1, 'and back to unified');
    await page.context().close();
  });

  it('downloads a version as a file, byte for byte', async () => {
    const page = await newPage({ acceptDownloads: true });
    await openDeviceSignedIn(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('table tbody tr:nth-child(1) a:text("download")'),
    ]);
    assert.match(download.suggestedFilename(), /-v2\.txt$/);
    const saved = join(output, download.suggestedFilename());
    await download.saveAs(saved);
    assert.equal(readFileSync(saved, 'utf8'), await versionText(page, 2));
    await page.context().close();
  });

  it('searches the latest configs from the header and opens a matching device', async () => {
    const page = await newPage();
    await openDeviceSignedIn(page);
    const { line, pattern } = await nameLine(page, stack.changed);
    await page.click('header nav a:text("Search")');
    await page.fill('input[name="q"]', pattern);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/search\?q=/);
    const row = page.locator('main table tbody tr', { hasText: stack.names[stack.changed] }).first();
    assert.equal(await row.locator('code').textContent(), line);
    await screenshot(page, 'search');
    await row.locator('a').click();
    await page.waitForURL(devicePage());
    await page.context().close();
  });

  it('lists recent changes, in a window and in a date range', async () => {
    const page = await newPage();
    await openDeviceSignedIn(page);
    await page.click('header nav a:text("Changes")');
    await page.waitForURL(/\/changes/);
    const names = () => page.locator('main table tbody tr td:first-child a').allTextContents();
    assert.deepEqual(new Set(await names()), new Set([stack.names[stack.changed], stack.names[stack.other]]));
    const today = new Date().toISOString().slice(0, 10);
    await page.fill('input[name="from"]', today);
    await page.fill('input[name="to"]', today);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/from=\d{4}-\d{2}-\d{2}&to=/);
    assert.equal((await names()).length, 2, 'both changed today');
    await page.fill('input[name="from"]', '2020-01-01');
    await page.fill('input[name="to"]', '2020-01-31');
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/from=2020-01-01/);
    assert.deepEqual(await names(), [], 'nothing changed then');
    await page.context().close();
  });

  it('signs out: the device leads to sign-in again', async () => {
    const page = await newPage();
    await openDeviceSignedIn(page);
    await page.click('header button:text("Sign out")');
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${stack.base}/devices/${stack.changed}`);
    assert.match(page.url(), /\/sign-in\?next=/);
    await page.context().close();
  });

  it("a token limited to one site cannot open another site's device: URL, API, changes, search", async () => {
    const page = await newPage();
    await page.goto(`${stack.base}/devices/${stack.changed}`);
    await signIn(page, site1Token);
    await page.waitForURL(devicePage());
    assert.equal(await page.locator('h1').textContent(), stack.names[stack.changed], 'its own site: shown');
    const hidden = `${stack.base}/devices/${stack.other}`;
    const response = await page.goto(hidden);
    assert.equal(response.status(), 404);
    forgiveProblem(hidden, 'status of 404'); // chromium logs every 404 it loads; this one is the point
    assert.equal(await page.locator('h1').textContent(), 'Not found');
    assert.ok(!(await page.content()).includes(stack.names[stack.other]), 'the name is not shown');
    const api = await page.request.get(`${stack.base}/api/devices/${stack.other}/versions/1`);
    assert.equal(api.status(), 404);

    // Nor through the fleet pages: the other site's change and config lines are not listed
    // (the superuser's token finds them, so the pattern is right).
    const superPage = await newPage();
    await openDeviceSignedIn(superPage);
    const otherLine = (await nameLine(superPage, stack.other)).pattern;
    const found = await (await superPage.request.get(`${stack.base}/api/search?q=${encodeURIComponent(otherLine)}`)).json();
    assert.ok(found.matches.some((m) => m.device_id === stack.other), JSON.stringify(found));
    await superPage.context().close();
    await page.goto(`${stack.base}/changes?since=24h`);
    const changed = await page.locator('main table tbody tr td:first-child a').allTextContents();
    assert.deepEqual(changed, [stack.names[stack.changed]], 'only its own site\'s change');
    await page.goto(`${stack.base}/search?q=${encodeURIComponent(otherLine)}`);
    assert.equal(await page.locator('h1').textContent(), 'Search configs');
    assert.ok(!(await page.content()).includes(`/devices/${stack.other}"`), 'no link to the other site\'s device');
    const apiChanges = await (await page.request.get(`${stack.base}/api/changes?since=24h`)).json();
    assert.deepEqual(apiChanges.devices.map((d) => d.id), [stack.changed]);
    const apiSearch = await (await page.request.get(`${stack.base}/api/search?q=${encodeURIComponent(otherLine)}`)).json();
    assert.ok(!apiSearch.matches.some((m) => m.device_id === stack.other), JSON.stringify(apiSearch));
    await page.context().close();
  });

  it('the keyboard alone reaches the sign-in form and the diff form', async () => {
    const page = await newPage();
    await page.goto(`${stack.base}/devices/${stack.changed}`);
    const focused = () => page.evaluate(() => {
      const e = document.activeElement;
      return e ? `${e.tagName.toLowerCase()}${e.name ? `[${e.name}]` : ''}${e.type === 'submit' ? ':submit' : ''}` : '';
    });
    // Tab from the top of the page until the token field has the focus.
    await page.evaluate(() => document.activeElement?.blur());
    const tabTo = async (target, limit = 20) => {
      for (let i = 0; i < limit && (await focused()) !== target; ++i) {
        await page.keyboard.press('Tab');
      }
      assert.equal(await focused(), target);
    };
    await tabTo('input[token]');
    await page.keyboard.type(superToken);
    await page.keyboard.press('Enter');
    await page.waitForURL(devicePage());
    await page.evaluate(() => document.activeElement?.blur());
    await tabTo('select[from]');
    await tabTo('select[to]');
    await tabTo('button:submit');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/diff\?from=1&to=2$/);
    assert.ok(await page.locator('pre.unified span.add').count() > 0);
    await page.context().close();
  });

  it('dark mode follows the system setting', async () => {
    const page = await newPage();
    await page.goto(`${stack.base}/sign-in`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal(await background(), 'rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await background(), 'rgb(13, 17, 23)');
    await signIn(page, superToken);
    await page.goto(`${stack.base}/devices/${stack.changed}/diff?from=1&to=2&view=split`);
    await screenshot(page, 'diff-side-by-side-dark');
    await page.context().close();
  });

  it('on a phone the page never scrolls sideways', async () => {
    const page = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await page.goto(`${stack.base}/sign-in`);
    await signIn(page, superToken);
    await page.waitForURL(`${stack.base}/`);
    const device = `${stack.base}/devices/${stack.changed}`;
    for (const path of ['', '/versions/2', '/diff?from=1&to=2', '/diff?from=1&to=2&view=split']) {
      await page.goto(device + path);
      assert.equal(await page.locator('h1').count(), 1, path);
      const width = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(width.scroll <= width.client, `${path || 'device'}: page ${width.scroll} px wide in ${width.client}`);
    }
    await screenshot(page, 'phone-diff-side-by-side');
    await page.context().close();
  });

  it('the Back up now button asks NetBox as the signed-in user, and the journal names them', async () => {
    const page = await newPage();
    await openDeviceSignedIn(page);
    await page.click('form.backup-now button[type="submit"]');
    await page.waitForURL(`${devicePage()}/backup-now`);
    assert.match(await page.locator('main').textContent(), /NetBox took your request/);
    await screenshot(page, 'backup-now');
    // NetBox's event rule sends the daemon a signed webhook; the daemon backs the device up
    // and writes the journal entry through NetBox's API.
    const path = `/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=${stack.changed}`;
    let comments = [];
    for (let waited = 0; waited < 30000; waited += 250) {
      const journal = await (await stack.labRequest('GET', path)).json();
      comments = journal.results.map((entry) => entry.comments);
      if (comments.some((c) => c.includes('Back up now, asked by admin'))) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(comments.some((c) => c.includes('Back up now, asked by admin (custom field nbsync_backup_now): backed up')),
      `the journal names who asked: ${JSON.stringify(comments)}`);
    const device = await (await stack.labRequest('GET', `/api/dcim/devices/${stack.changed}/`)).json();
    assert.notEqual(device.custom_fields.nbsync_backup_now, true, 'the trigger is cleared');
    await page.context().close();
  });

  it('no page reported a console error or a CSP violation', async () => {
    assert.deepEqual(consoleProblems, []);
    // The watch itself works: a violation of the policy is seen.
    const page = await newPage();
    await page.goto(`${stack.base}/sign-in`);
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      document.body.append(image);
    });
    await page.waitForTimeout(200);
    assert.ok(consoleProblems.some((p) => p.includes('Content Security Policy')), consoleProblems.join('\n'));
    consoleProblems.length = 0;
    await page.context().close();
  });
});
