"use strict";
/* compare.js - what changed between two snapshots (#/compare, #/compare/PID):
 * mark a moment (the snapshot's text kept in memory), then compare it with
 * now; or two snapshot files chosen from disk. Either way both documents go
 * to POST /api/v1/diff, and the page shows the memscope-diff/1 document it
 * answers (docs/diff.md): the change per class, and the regions added,
 * removed, grown and shrunk. The page computes no difference itself. */
(function (ms) {
	var u = ms.util;
	var REGIONS_SHOWN = 1000; /* largest change first, as the document lists them */
	var marks = new Map(); /* pid → {text, doc}: lives as long as the page */

	function setMark(pid, snap) {
		marks.set(Number(pid), snap);
	}

	var DELTA_KEYS = ["size", "rss", "pss", "uss", "swap"];
	var DELTA_COLUMNS = [{label: "class"}, {label: "virtual", num: true}, {label: "RSS", num: true}, {label: "PSS", num: true},
		{label: "USS", num: true}, {label: "swap", num: true}, {label: "regions", num: true}, {label: "RSS in B", num: true}];

	function signedCount(n) {
		if (n === null || n === undefined) return u.count(null);
		return u.el("span", {"data-count": n}, (n > 0 ? "+" : "") + n);
	}

	function deltaAttrs(d, props) {
		DELTA_KEYS.concat(["count"]).forEach(function (k) {
			if (k in d) props["data-delta-" + k] = d[k] === null ? "null" : d[k];
		});
		return props;
	}

	function classRow(name, c, label) {
		return {cells: [label || u.classTag(name)].concat(DELTA_KEYS.map(function (k) { return u.size(c.delta[k], true); }),
			[signedCount(c.delta.count), u.size(c.b.rss)]),
		props: deltaAttrs(c.delta, {"data-class": name, className: label ? "total" : (isQuiet(c.delta) ? "quiet" : "")})};
	}

	function isQuiet(d) {
		return !DELTA_KEYS.concat(["count"]).some(function (k) { return d[k]; });
	}

	function classTable(diff) {
		var rows = u.CLASSES.filter(function (c) { return diff.classes[c]; }).map(function (c) { return classRow(c, diff.classes[c]); });
		rows.push(classRow("total", diff.total, "total"));
		return u.table(DELTA_COLUMNS, rows, {className: "figs delta cmp-classes"});
	}

	function fromTo(r, key) {
		var a = r.a ? r.a[key] : undefined, b = r.b ? r.b[key] : undefined;
		return u.el("span", {className: "fromto"}, r.a ? u.size(a) : "—", " → ", r.b ? u.size(b) : "—");
	}

	function regionRow(r) {
		var side = r.b || r.a;
		return {cells: [u.el("span", {className: "chg chg-" + r.change}, r.change), u.classTag(r["class"]),
			u.el("span", {className: "addr"}, side.start + "–" + side.end),
			fromTo(r, "size"), fromTo(r, "rss"), u.size(r.delta.rss, true), u.size(r.delta.pss, true), u.size(r.delta.uss, true),
			u.el("span", {className: "path", title: r.name + (r.deleted ? " (deleted)" : "")}, r.name + (r.deleted ? " (deleted)" : ""))],
		plain: true,
		props: deltaAttrs(r.delta, {"data-change": r.change, "data-start": side.start, "data-class": r["class"]})};
	}

	function regionTable(diff) {
		var shown = diff.regions.slice(0, REGIONS_SHOWN);
		return u.el("div", null,
			u.table([{label: "change"}, {label: "class"}, {label: "addresses"}, {label: "size, A → B"}, {label: "RSS, A → B"},
				{label: "RSS", num: true}, {label: "PSS", num: true}, {label: "USS", num: true}, {label: "name"}],
			shown.map(regionRow), {className: "figs cmp-regions"}),
			diff.regions.length > shown.length ? u.el("p", {className: "note"}, "the " + shown.length +
				" largest changes of " + diff.regions.length + " shown") : null);
	}

	function sideLine(name, s) {
		return u.el("li", null, u.el("b", null, name + ": "), "process " + s.pid + ", taken " + u.when(s.taken_at) + " ",
			u.el("span", {className: "path"}, s.source ? "(" + s.source + ")" : ""));
	}

	/* the diff document on screen */
	function render(diff) {
		var t = diff.total.delta;
		return u.el("div", {className: "cmp-result", "data-regions": diff.regions.length},
			u.el("ul", {className: "sides"}, sideLine("A", diff.a), sideLine("B", diff.b)),
			u.el("p", {className: "totals"}, "from A to B: RSS ", u.size(t.rss, true), " · PSS ", u.size(t.pss, true),
				" · USS ", u.size(t.uss, true), " · virtual ", u.size(t.size, true), " · swap ", u.size(t.swap, true)),
			u.el("div", {className: "cmp-cols"},
				u.el("div", null, u.el("h2", null, "Per class"), classTable(diff)),
				u.el("div", null, u.el("h2", null, diff.regions.length ? "Regions that changed (" + diff.regions.length +
					"), largest change first" : "No region changed"),
				diff.regions.length ? regionTable(diff) : null)));
	}

	function readFile(file) {
		return new Promise(function (resolve, reject) {
			var reader = new FileReader();
			reader.onload = function () { resolve(reader.result); };
			reader.onerror = function () { reject(new Error("cannot read " + file.name)); };
			reader.readAsText(file);
		});
	}

	/* run(work, out, status): shows what work() answers, or why it failed */
	async function run(work, out, status) {
		status.textContent = "comparing…";
		try {
			var diff = await work();
			u.clear(out).appendChild(render(diff));
			status.textContent = "";
		} catch (e) {
			if (e.name !== "AbortError") status.textContent = "cannot compare: " + e.message;
		}
	}

	function uploads(out, status, signal) {
		var a = u.el("input", {type: "file", accept: ".json,application/json", id: "cmp-file-a"});
		var b = u.el("input", {type: "file", accept: ".json,application/json", id: "cmp-file-b"});
		var go = u.button("Compare the files", function () {
			if (!a.files[0] || !b.files[0]) { status.textContent = "choose a file for A and one for B"; return; }
			run(async function () {
				return ms.api.diff(await readFile(a.files[0]), await readFile(b.files[0]), signal);
			}, out, status);
		}, {className: "cmp-files-go"});
		return u.el("fieldset", {className: "uploads"}, u.el("legend", null, "Two snapshot files (memscope snap PID -o FILE)"),
			u.el("label", {htmlFor: "cmp-file-a"}, "A, before "), a, u.el("label", {htmlFor: "cmp-file-b"}, " B, after "), b, " ", go);
	}

	function markPanel(pid, out, status, signal) {
		var when = u.el("span", {className: "mark-when"});
		function said() {
			var m = marks.get(pid);
			when.textContent = m ? "marked: snapshot taken " + u.when(m.doc.taken_at) : "nothing marked yet";
			now.disabled = !m;
		}
		var mark = u.button("Mark now", async function () {
			status.textContent = "reading process " + pid + "…";
			try {
				setMark(pid, await ms.api.snapshot(pid, false, signal));
				status.textContent = "";
			} catch (e) {
				if (e.name !== "AbortError") status.textContent = "cannot mark: " + e.message;
			}
			said();
		}, {className: "cmp-mark"});
		var now = u.button("Compare with now", function () {
			run(async function () {
				var snap = await ms.api.snapshot(pid, false, signal);
				return ms.api.diff(marks.get(pid).text, snap.text, signal);
			}, out, status);
		}, {className: "cmp-now"});
		said();
		return u.el("fieldset", {className: "marks"}, u.el("legend", null, "Process " + pid + ": a moment, then now"),
			mark, " ", now, " ", when, " ", u.el("a", {href: "#/pid/" + pid}, "its address space"));
	}

	function open(root, pid, signal) {
		var out = u.el("div", {className: "cmp-out"});
		var status = u.el("p", {className: "status", role: "status"});
		u.clear(root).appendChild(u.el("section", {className: "compare"},
			u.el("div", {className: "bar"}, u.el("h1", null, "Compare")),
			pid ? markPanel(Number(pid), out, status, signal) :
				u.el("p", {className: "hint"}, "To compare a process with itself later, open it from Processes and press Mark for compare; or choose two snapshot files:"),
			uploads(out, status, signal), status, out));
	}

	function openReport(root, diff) {
		u.clear(root).appendChild(u.el("section", {className: "compare"},
			u.el("div", {className: "bar"}, u.el("h1", null, "Compare")), render(diff)));
	}

	ms.compare = {setMark: setMark, open: open, openReport: openReport};
})(window.memscope = window.memscope || {});
