// run.mjs - the browser driver of tests/web.sh: Debian's Chromium, driven by
// playwright-core, against memscope-exporter's page and memscope report's
// files. It prints a line per check, "ok - WHAT", "not ok - WHAT" or
// "skip - WHAT", and "# ..." for notes; web.sh turns them into TAP. Every
// wait is bounded, so a broken page is a "not ok", never a hang.
//
// Its input comes from the environment (web.sh sets it): BASE (the
// exporter's URL), GROW_PID and GROW_OUT (the grow helper and its report
// file), EVIL_PID, EVIL_OUT, EVIL_NAME (a grow helper with a hostile name),
// REGIONS_PID (50,000 regions), REPORT1 and REPORT2 (memscope report of one
// and of two snapshots), SNAP_A, SNAP_B and DIFF (two snapshot files and
// memscope diff --json of them), TLS_URL, TLS_USER, TLS_PASSWORD (a second
// exporter, TLS and basic auth), SCREENSHOTS (a folder) and DOCS_SHOT (a
// file for the process view's picture, when asked).
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const env = process.env;
const WAIT = 15000; // ms: the longest any one step may take
const MIB = 1024 * 1024;

setTimeout(() => { console.log('not ok - the browser driver finished within 6 minutes'); process.exit(1); }, 360000).unref();

function say(line) { console.log(line); }
async function check(what, fn) {
	try {
		const r = await fn();
		if (r === true || r === undefined) say(`ok - ${what}`);
		else say(`not ok - ${what} (${r})`);
	} catch (e) {
		say(`not ok - ${what} (${String(e.message || e).split('\n')[0].slice(0, 300)})`);
	}
}

// the region lines a grow helper printed: {heap: [start, end], ...}
function regionsOf(file) {
	const out = {};
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const m = /^region (\S+) (0x[0-9a-f]+) (0x[0-9a-f]+)$/.exec(line);
		if (m) out[m[1]] = { start: m[2], end: m[3] };
	}
	return out;
}
async function touchMore(pid, out) {
	const before = (readFileSync(out, 'utf8').match(/^touched /gm) || []).length;
	process.kill(pid, 'SIGUSR1');
	for (let i = 0; i < 100; i++) {
		if ((readFileSync(out, 'utf8').match(/^touched /gm) || []).length > before) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('the helper did not say "touched"');
}

// What every page must not do: log an error, throw, break the CSP, or run
// script from data (an onerror that would set window.__pwned).
const TRAP = () => {
	window.__csp = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
		console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
	});
	window.alert = () => { window.__pwned = true; };
	window.__pwnedTrap = () => { window.__pwned = true; };
};
const problems = [];
// expected: a console message the browser itself writes for an error answer
// the test asked for (the 403 of the unreadable process)
function watch(page, label, expected) {
	page.on('console', (m) => {
		if (m.type() === 'error' && !(expected && expected.test(m.text()))) problems.push(`${label}: console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
	page.on('dialog', (d) => { problems.push(`${label}: a dialog opened: ${d.message()}`); d.dismiss(); });
}

async function newPage(browser, label, options = {}, expected = null) {
	const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...options });
	await context.addInitScript(TRAP);
	context.setDefaultTimeout(WAIT);
	const page = await context.newPage();
	watch(page, label, expected);
	return { context, page };
}

async function shot(page, name) {
	if (!env.SCREENSHOTS) return;
	await page.screenshot({ path: `${env.SCREENSHOTS}/web-${name}.png` });
}

// every region row of the address space, top to bottom: the list draws the
// rows on screen only, so it is scrolled through from the top
async function allRegionRows(page) {
	return page.evaluate(async () => {
		const list = document.querySelector('.sp-list');
		const seen = new Map();
		const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
		for (let y = 0; ; y += list.clientHeight / 2) {
			list.scrollTop = y;
			list.dispatchEvent(new Event('scroll'));
			await frame();
			await frame();
			for (const row of list.querySelectorAll('.sp-region')) {
				seen.set(Number(row.closest('.vl-row').dataset.row), {
					start: row.dataset.start, cls: row.dataset.class, rss: row.dataset.rss });
			}
			if (y >= list.scrollHeight) break;
		}
		list.scrollTop = 0;
		return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
	});
}

// ---- the process table
async function processes(browser) {
	const { page } = await newPage(browser, 'processes');
	const pid = Number(env.GROW_PID);
	const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/processes'));
	await page.goto(env.BASE + '/#/');
	const served = await (await answer).json();
	const mine = served.processes.find((p) => p.pid === pid);
	await check('the process table lists the grow helper with the RSS /api/v1/processes gives it', async () => {
		await page.fill('input.filter', String(pid));
		const row = page.locator(`.ps-row[data-pid="${pid}"]`);
		await row.waitFor();
		const rss = Number(await row.getAttribute('data-rss'));
		const shown = await row.locator('.n [data-bytes]').first().getAttribute('title');
		if (!mine || rss !== mine.rss) return `page ${rss}, API ${mine && mine.rss}`;
		if (!shown.includes(mine.rss.toLocaleString('en-US'))) return `its title says ${shown}`;
	});
	await page.fill('input.filter', '');
	await check('a click on a header sorts by it, Enter on it reverses the order', async () => {
		await page.click('.ps-head button:has-text("RSS")');
		const down = await page.$$eval('.ps-row', (rs) => rs.map((r) => Number(r.dataset.rss || -1)));
		await page.focus('.ps-head button:has-text("RSS")');
		await page.keyboard.press('Enter');
		const up = await page.$$eval('.ps-row', (rs) => rs.map((r) => Number(r.dataset.rss || -1)));
		const sorted = (a, sign) => a.filter((x) => x >= 0).every((x, i, s) => i === 0 || sign * (x - s[i - 1]) >= 0);
		if (down.length < 3) return `${down.length} rows`;
		if (!sorted(down, -1)) return 'not descending after the click';
		if (!sorted(up, 1)) return 'not ascending after Enter';
	});
	await check('the totals row gives the document\'s totals', async () => {
		const t = await page.getAttribute('.ps-total .n:nth-of-type(6) [data-bytes]', 'data-bytes');
		if (Number(t) !== served.totals.rss) return `${t}, not ${served.totals.rss}`;
	});
	await page.fill('input.filter', String(pid));
	await shot(page, 'processes');
	await check('Enter on the focused row opens the process', async () => {
		// the filter may keep other rows too (a command line holding the
		// PID's digits): the arrow keys go down to the helper's
		const at = Number(await page.getAttribute(`.ps-list .ps-row[data-pid="${pid}"]`, 'data-row'));
		await page.focus('.ps-list');
		for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForFunction((p) => location.hash === `#/pid/${p}`, pid);
		await page.locator('.sp-region').first().waitFor();
	});
	await page.context().close();
}

// an unreadable process, as another user's is without root, from a
// document the test serves in place of the exporter's
async function unreadable(browser) {
	const { context, page } = await newPage(browser, 'unreadable', {}, /^Failed to load resource: .* 403 /);
	const doc = await (await fetch(env.BASE + '/api/v1/processes')).json();
	const p = doc.processes[0];
	Object.assign(p, { rss: null, pss: null, uss: null, swap: null, swap_pss: null, pss_anon: null,
		pss_file: null, pss_shmem: null, error: 'permission denied' });
	await context.route('**/api/v1/processes', (r) => r.fulfill({ json: doc }));
	await context.route('**/api/v1/snapshot/*', (r) => r.fulfill({ status: 403, contentType: 'text/plain', body: 'permission denied' }));
	await page.goto(env.BASE + '/#/');
	await check('an unreadable process says "permission denied", not 0', async () => {
		await page.fill('input.filter', String(p.pid));
		const row = page.locator(`.ps-row[data-pid="${p.pid}"]`);
		const text = await row.locator('.denied').textContent();
		if (text !== 'permission denied') return `it says '${text}'`;
		if (await row.locator('[data-bytes]').count()) return 'it shows byte counts';
	});
	await check('a snapshot answered 403 shows "permission denied (HTTP 403)"', async () => {
		await page.goto(env.BASE + `/#/pid/${p.pid}`);
		await page.locator('.msg:has-text("permission denied (HTTP 403)")').waitFor();
	});
	await context.close();
}

// ---- one process: its address space
async function space(browser) {
	const { page } = await newPage(browser, 'process');
	const pid = Number(env.GROW_PID), where = regionsOf(env.GROW_OUT);
	const answer = page.waitForResponse((r) => /\/api\/v1\/snapshot\/\d+$/.test(r.url()));
	await page.goto(env.BASE + `/#/pid/${pid}`);
	const snap = await (await answer).json();
	await page.locator('.sp-region').first().waitFor();
	const rows = await allRegionRows(page);
	await check('the regions are drawn from the highest address down, as the snapshot has them', async () => {
		const want = snap.regions.map((r) => r.start).reverse();
		const got = rows.map((r) => r.start);
		if (got.join() !== want.join()) return `${got.length} rows, the snapshot ${want.length}; first ${got[0]} vs ${want[0]}`;
	});
	await check('each region is drawn with its class, and every class of the snapshot is there', async () => {
		const byStart = new Map(snap.regions.map((r) => [r.start, r.class]));
		const wrong = rows.find((r) => byStart.get(r.start) !== r.cls);
		if (wrong) return `${wrong.start} is ${wrong.cls}`;
		const classes = new Set(rows.map((r) => r.cls));
		const missing = Object.keys(snap.classes).filter((c) => snap.classes[c].count && !classes.has(c));
		if (missing.length) return `missing ${missing}`;
	});
	await check('the heap and the thread stack are where the helper says, the heap below the stack', async () => {
		const at = (s) => rows.findIndex((r) => r.start === s);
		const heap = at(where.heap.start), ts = at(where['thread-stack'].start);
		if (heap < 0 || rows[heap].cls !== 'heap') return `no heap row at ${where.heap.start}`;
		if (ts < 0 || rows[ts].cls !== 'thread-stack') return `no thread-stack row at ${where['thread-stack'].start}`;
		if (!(ts < heap)) return 'the thread stack is drawn below the heap';
	});
	await check('the break and the stack\'s top are marked', async () => {
		await page.goto(env.BASE + `/#/pid/${pid}/region/${where.heap.start}`);
		await page.locator('.sp-region[data-class="heap"] .sp-mark:has-text("break")').waitFor();
		await page.evaluate(() => { const l = document.querySelector('.sp-list'); l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); });
		await page.locator('.sp-region[data-class="stack"] .sp-mark:has-text("stack top")').waitFor();
	});
	await check('#/pid/PID/region/ADDR selects that region and shows its figures', async () => {
		await page.goto(env.BASE + `/#/pid/${pid}`);
		await page.goto(env.BASE + `/#/pid/${pid}/region/${where.grow.start}`);
		const sel = page.locator('.sp-region.vl-row[aria-selected="true"]');
		await page.waitForFunction((s) => {
			const r = document.querySelector('.vl-row[aria-selected="true"]');
			return r && r.dataset.start === s;
		}, where.grow.start);
		const text = await page.locator('.details').textContent();
		if (!text.includes(where.grow.start) || !text.includes('64.0 MiB') && !text.includes('64 MiB')) return `details: ${text.slice(0, 200)}`;
		if (await sel.count() !== 1) return 'not one selected row';
	});
	await check('hover and the arrow keys show a region\'s figures, a null as "—" with "not known"', async () => {
		await page.hover(`.sp-region[data-start="${where.grow.start}"] .sp-box`);
		await page.locator(`.details:has-text("${where.grow.start}")`).waitFor();
		await page.focus('.sp-list');
		await page.keyboard.press('ArrowDown');
		const active = await page.getAttribute('.sp-list', 'aria-activedescendant');
		if (!active) return 'no active row after ArrowDown';
		const unknown = await page.evaluate(() => { // a null count, drawn by the page's own helper
			const n = window.memscope.util.size(null);
			return n.textContent + '|' + n.title;
		});
		if (unknown !== '—|not known') return unknown;
	});
	await check('the pages toggle draws a strip per region from ?pages=1', async () => {
		await page.click('button:has-text("Pages")');
		await page.locator(`.sp-region[data-start="${where.grow.start}"] .sp-pages`).waitFor();
		const w = await page.$eval(`.sp-region[data-start="${where.grow.start}"] .pg-present`, (e) => parseFloat(e.style.width));
		if (!(w > 0)) return `present ${w}%`;
	});
	await shot(page, 'process');
	if (env.DOCS_SHOT) await page.screenshot({ path: env.DOCS_SHOT });
	await page.context().close();
}

async function live(browser) {
	const { page } = await newPage(browser, 'live');
	const pid = Number(env.GROW_PID), where = regionsOf(env.GROW_OUT);
	await page.goto(env.BASE + `/#/pid/${pid}/region/${where.grow.start}`);
	const row = `.sp-region[data-start="${where.grow.start}"]`;
	await page.locator(row).waitFor();
	const before = Number(await page.getAttribute(row, 'data-rss'));
	await check('live mode shows the region grow after the helper touches 8 MiB more', async () => {
		await page.click('button:has-text("Live")');
		await touchMore(pid, env.GROW_OUT);
		await page.waitForFunction(([sel, b]) => {
			const r = document.querySelector(sel);
			return r && Number(r.dataset.rss) >= b + 8 * 1024 * 1024 && r.querySelector('.sp-grew');
		}, [row, before], { timeout: 20000 });
		const badge = await page.textContent(`${row} .sp-grew`);
		if (!/\+(8\.0|[89]\.\d|\d\d) MiB/.test(badge)) return `the badge says '${badge}'`;
		await page.locator('.growth tr[data-class="anon"]').waitFor();
	});
	await page.click('button:has-text("Live")'); // off
	await page.context().close();
}

async function compare(browser) {
	const { page } = await newPage(browser, 'compare');
	const pid = Number(env.GROW_PID), where = regionsOf(env.GROW_OUT);
	await page.goto(env.BASE + `/#/compare/${pid}`);
	await check('compare: mark, touch 8 MiB, compare with now shows the region grown', async () => {
		await page.click('button.cmp-mark');
		await page.locator('.mark-when:has-text("marked")').waitFor();
		await touchMore(pid, env.GROW_OUT);
		await page.click('button.cmp-now');
		const r = page.locator(`.cmp-regions tr[data-start="${where.grow.start}"]`);
		await r.waitFor();
		const change = await r.getAttribute('data-change'), d = Number(await r.getAttribute('data-delta-rss'));
		if (change !== 'grown' || d < 8 * MIB) return `${change}, RSS ${d}`;
		const anon = Number(await page.getAttribute('.cmp-classes tr[data-class="anon"]', 'data-delta-rss'));
		if (anon < 8 * MIB) return `anon's RSS changed by ${anon}`;
	});
	await shot(page, 'compare');
	await page.context().close();
}

// the compare view fed two files gives memscope diff --json's figures
async function parity(browser) {
	const { page } = await newPage(browser, 'upload');
	const want = JSON.parse(readFileSync(env.DIFF, 'utf8'));
	await page.goto(env.BASE + '/#/compare');
	await page.setInputFiles('#cmp-file-a', env.SNAP_A);
	await page.setInputFiles('#cmp-file-b', env.SNAP_B);
	await page.click('button.cmp-files-go');
	await page.locator('.cmp-result').waitFor().catch(() => {});
	const keys = ['size', 'rss', 'pss', 'uss', 'swap'];
	await check('two uploaded snapshots: the per-class changes are memscope diff --json\'s', async () => {
		const got = await page.$$eval('.cmp-classes tbody tr', (rs) => rs.map((r) => ({ ...r.dataset })));
		const names = Object.keys(want.classes).concat(['total']);
		if (got.length !== names.length) return `${got.length} rows, ${names.length} classes`;
		for (const g of got) {
			const d = (g.class === 'total' ? want.total : want.classes[g.class]).delta;
			for (const k of keys.concat(['count'])) {
				if (String(d[k] === null ? 'null' : d[k]) !== g['delta' + k[0].toUpperCase() + k.slice(1)]) return `${g.class}.${k}`;
			}
		}
	});
	await check('two uploaded snapshots: the regions changed are memscope diff --json\'s, in its order', async () => {
		const got = await page.$$eval('.cmp-regions tbody tr', (rs) => rs.map((r) => ({ ...r.dataset })));
		const regions = want.regions.slice(0, 1000);
		if (!regions.length) return 'the diff has no region: nothing to compare';
		if (got.length !== regions.length) return `${got.length} rows, ${regions.length} regions`;
		for (let i = 0; i < got.length; i++) {
			const w = regions[i], g = got[i];
			if (g.change !== w.change || g.start !== (w.b || w.a).start) return `row ${i}: ${g.change} ${g.start}`;
			for (const k of keys) if (String(w.delta[k]) !== g['delta' + k[0].toUpperCase() + k.slice(1)]) return `row ${i}.${k}`;
		}
	});
	await page.context().close();
}

async function machine(browser) {
	const { page } = await newPage(browser, 'machine');
	const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/kernel'));
	await page.goto(env.BASE + '/#/machine');
	const doc = await (await answer).json();
	await page.locator('.ledger-bar .seg').first().waitFor();
	await check('the RAM ledger\'s parts, unaccounted included, add up to MemTotal', async () => {
		const parts = await page.$$eval('.ledger-bar .seg', (s) => s.map((e) => Number(e.dataset.bytes)));
		const total = Number(await page.getAttribute('.machine', 'data-mem-total'));
		const sum = parts.reduce((a, b) => a + b, 0) - doc.overcounted;
		if (total !== doc.mem_total || sum !== total) return `parts ${sum}, MemTotal ${total}`;
		if (parts.length !== doc.ledger.length + 1) return `${parts.length} parts`;
		const named = await page.$$eval('table.ledger tr[data-part]', (r) => r.length);
		if (named !== parts.length) return `${named} parts named in the table`;
	});
	await check('the buddy allocator\'s free blocks per zone and order are shown', async () => {
		const cells = await page.$$eval('table.buddy [data-blocks]', (c) => c.map((e) => Number(e.dataset.blocks)));
		const want = doc.buddy.flatMap((z) => z.free_blocks);
		if (cells.join() !== want.join()) return `${cells.length} cells, ${want.length} counts`;
	});
	await check('slab caches and vmalloc: shown, or said to need --collector.kernel.privileged', async () => {
		if (doc.slab) await page.locator('table.slab').waitFor();
		else await page.locator('.msg:has-text("--collector.kernel.privileged")').first().waitFor();
	});
	await shot(page, 'machine');
	await page.context().close();
}

// ---- 50,000 regions: drawn soon after the data arrives, few nodes
async function large(browser) {
	const { page } = await newPage(browser, 'large');
	const pid = Number(env.REGIONS_PID);
	const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/snapshot/${pid}`), { timeout: 60000 });
	await page.goto(env.BASE + `/#/pid/${pid}`);
	await check('50,000 regions: the first picture within 2 s of the data, at most 3,000 nodes', async () => {
		const res = await answer;
		await res.finished();
		const arrived = Date.now();
		await page.locator('.sp-region').first().waitFor({ timeout: 20000 });
		const took = Date.now() - arrived;
		const count = await page.evaluate(() => document.getElementsByTagName('*').length);
		await page.evaluate(() => { const l = document.querySelector('.sp-list'); l.scrollTop = l.scrollHeight / 2; });
		await page.waitForTimeout(200);
		const middle = await page.evaluate(() => document.getElementsByTagName('*').length);
		const regions = await page.evaluate(() => document.querySelector('.sub').textContent);
		say(`# 50,000 regions: drawn ${took} ms after the data arrived; ${count} nodes, ${middle} scrolled halfway; ${regions.split('·')[1]}`);
		if (took > 2000) return `${took} ms`;
		if (Math.max(count, middle) > 3000) return `${Math.max(count, middle)} nodes`;
	});
	await page.context().close();
}

// ---- a hostile name: text, never markup
async function hostile(browser) {
	const { page } = await newPage(browser, 'hostile');
	const pid = Number(env.EVIL_PID), named = regionsOf(env.EVIL_OUT).named;
	await page.goto(env.BASE + '/#/');
	await check('a command named like markup shows as text in the process table', async () => {
		await page.fill('input.filter', String(pid));
		const comm = await page.textContent(`.ps-row[data-pid="${pid}"] span:nth-child(3)`);
		if (comm !== env.EVIL_NAME.slice(0, 15)) return `'${comm}'`;
	});
	await page.goto(env.BASE + `/#/pid/${pid}/region/${named.start}`);
	await check('a mapped path like markup shows as text in the process view, and runs nothing', async () => {
		const path = page.locator(`.sp-region[data-start="${named.start}"] .sp-path`);
		await path.waitFor();
		const title = await path.getAttribute('title');
		if (!title.endsWith(env.EVIL_NAME)) return `title '${title}'`;
		if (await page.evaluate(() => document.querySelectorAll('img').length)) return 'an <img> was made';
		if (await page.evaluate(() => window.__pwned)) return 'script ran';
	});
	await page.context().close();
}

// ---- report files, from disk, with every request blocked and counted
async function report(browser, file, what, expect) {
	const { context, page } = await newPage(browser, 'report ' + what);
	let attempts = 0;
	await context.route('**', (r) => {
		if (r.request().url().startsWith('file:')) return r.continue();
		attempts++;
		return r.abort();
	});
	await page.goto(pathToFileURL(file).href);
	await check(`the report of ${what} opens from a file and fetches nothing`, async () => {
		const wrong = await expect(page);
		if (wrong) return wrong;
		await page.waitForTimeout(300);
		if (attempts) return `${attempts} requests`;
		if (await page.evaluate(() => window.__pwned || document.querySelectorAll('img').length)) return 'script ran';
	});
	if (what === 'two snapshots') await shot(page, 'report');
	await context.close();
}

async function tls(browser) {
	if (!env.TLS_URL) { say('skip - TLS and basic auth: needs openssl and Python\'s crypt'); return; }
	const { page } = await newPage(browser, 'tls', { ignoreHTTPSErrors: true,
		httpCredentials: { username: env.TLS_USER, password: env.TLS_PASSWORD } });
	const pid = Number(env.GROW_PID);
	await check('over TLS with basic auth: the process table and a snapshot', async () => {
		await page.goto(env.TLS_URL + '/#/');
		await page.fill('input.filter', String(pid));
		await page.locator(`.ps-row[data-pid="${pid}"]`).waitFor();
		await page.goto(env.TLS_URL + `/#/pid/${pid}`);
		await page.locator('.sp-region[data-class="heap"]').first().waitFor();
	});
	await page.context().close();
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', timeout: 30000,
	args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
	for (const step of [processes, unreadable, space, live, compare, parity, machine, large, hostile, tls]) {
		await step(browser).catch((e) => say(`not ok - ${step.name} ran (${String(e.message).split('\n')[0]})`));
	}
	if (env.REPORT1 && existsSync(env.REPORT1)) {
		await report(browser, env.REPORT1, 'one snapshot', async (page) => {
			await page.locator('.sp-region').first().waitFor();
			const comm = await page.textContent('.who .comm');
			if (comm !== `(${env.EVIL_NAME.slice(0, 15)})`) return `the command shows as '${comm}'`;
		});
	} else say('not ok - memscope report wrote the report of one snapshot');
	if (env.REPORT2 && existsSync(env.REPORT2)) {
		const where = regionsOf(env.GROW_OUT);
		await report(browser, env.REPORT2, 'two snapshots', async (page) => {
			const r = page.locator(`.cmp-regions tr[data-start="${where.grow.start}"][data-change="grown"]`);
			await r.waitFor();
			if (Number(await r.getAttribute('data-delta-rss')) < 8 * MIB) return 'no growth';
			await page.goto(pathToFileURL(env.REPORT2).href + '#/report/b');
			await page.locator(`.sp-region[data-start="${where.grow.start}"]`).waitFor();
		});
	} else say('not ok - memscope report wrote the report of two snapshots');
	say(problems.length ? `not ok - no console error, page error or CSP violation (${problems.length}: ${problems.slice(0, 3).join('; ')})`
		: 'ok - no console error, page error or CSP violation on any page');
} finally {
	await browser.close();
}
