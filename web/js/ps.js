"use strict";
/* ps.js - the Processes view (#/): GET /api/v1/processes (memscope-ps/1,
 * docs/ps.md) as a table sorted by any column, filtered by a text box, with
 * totals; a row opens its process. Another user's process has null figures
 * and an error: it says so, never 0. */
(function (ms) {
	var u = ms.util;
	var ROW = 28;

	var COLUMNS = [
		{key: "pid", label: "PID", num: true},
		{key: "user", label: "user"},
		{key: "comm", label: "command"},
		{key: "cmdline", label: "command line"},
		{key: "threads", label: "threads", num: true},
		{key: "rss", label: "RSS", bytes: true, title: "resident: in RAM, each page counted whole"},
		{key: "pss", label: "PSS", bytes: true, title: "proportional: each page divided by the processes mapping it"},
		{key: "uss", label: "USS", bytes: true, title: "unique: mapped by this process alone, freed when it exits"},
		{key: "swap", label: "swap", bytes: true, title: "swapped out"}
	];
	var sort = {key: "pss", down: true}; /* kept across visits */
	var filterText = "";

	function compare(a, b) {
		var x = a[sort.key], y = b[sort.key];
		if (x === y) return a.pid - b.pid;
		if (x === null || x === undefined) return 1; /* unknown last, either way */
		if (y === null || y === undefined) return -1;
		var r = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
		return sort.down ? -r : r;
	}

	function matches(p, words) {
		var hay = [p.pid, p.comm, p.cmdline || "", p.user || "", p.uid === null ? "" : p.uid].join(" ").toLowerCase();
		return words.every(function (w) { return hay.indexOf(w) >= 0; });
	}

	function cell(p, col) {
		if (col.bytes) return u.el("span", {className: "n"}, u.size(p[col.key]));
		if (col.num) return u.el("span", {className: "n"}, String(p[col.key] === null ? "—" : p[col.key]));
		var text = p[col.key];
		if (col.key === "user" && text === null) text = p.uid === null ? "—" : String(p.uid);
		if (col.key === "cmdline" && text === null) return u.el("span", {className: "unknown", title: "not shown (show_cmdline is off)"}, "—");
		return u.el("span", {className: "t", title: text || ""}, text || "");
	}

	function row(p) {
		var r = u.el("div", {className: "ps-grid ps-row", "data-pid": p.pid, "data-rss": p.rss === null ? "" : p.rss,
			"data-comm": p.comm});
		COLUMNS.forEach(function (col) {
			if (col.key === "rss" && p.error) {
				r.appendChild(u.el("span", {className: "denied", title: "the figures could not be read: " + p.error}, p.error));
			} else if (!(col.bytes && p.error)) {
				r.appendChild(cell(p, col));
			}
		});
		return r;
	}

	function header(redraw) {
		var h = u.el("div", {className: "ps-grid ps-head", role: "group", "aria-label": "sort by"});
		COLUMNS.forEach(function (col) {
			var on = sort.key === col.key;
			var b = u.button([col.label, on ? (sort.down ? " ▼" : " ▲") : ""].join(""), function () {
				sort = {key: col.key, down: on ? !sort.down : !!(col.bytes || col.num)};
				redraw(true);
			}, {className: "sort" + (col.bytes || col.num ? " n" : ""), title: (col.title ? col.title + "; " : "") + "sort by " + col.label});
			b.setAttribute("aria-pressed", String(on));
			if (on) b.setAttribute("aria-label", col.label + ", sorted " + (sort.down ? "descending" : "ascending"));
			h.appendChild(b);
		});
		return h;
	}

	/* the totals: the document's own when nothing is filtered out, else the
	 * sum of the readable rows shown (null when one lacks the figure) */
	function totals(doc, rows) {
		var all = rows.length === doc.processes.length;
		var t = {pid: null, user: null, comm: "total", cmdline: null, threads: null};
		var readable = rows.filter(function (p) { return !p.error; });
		["rss", "pss", "uss", "swap"].forEach(function (k) {
			t[k] = all ? doc.totals[k] : readable.reduce(function (s, p) {
				return s === null || p[k] === null ? null : s + p[k];
			}, 0);
		});
		var r = u.el("div", {className: "ps-grid ps-total", "data-total": "true"});
		r.appendChild(u.el("span", {className: "t"}, "total"));
		r.appendChild(u.el("span", null, ""));
		r.appendChild(u.el("span", {className: "t"}, rows.length + " processes"));
		r.appendChild(u.el("span", {className: "t note"}, rows.length - readable.length ?
			(rows.length - readable.length) + " unreadable, not counted" : ""));
		r.appendChild(u.el("span", null, ""));
		["rss", "pss", "uss", "swap"].forEach(function (k) { r.appendChild(u.el("span", {className: "n"}, u.size(t[k]))); });
		return r;
	}

	function show(root, doc) {
		var filter = u.el("input", {type: "search", className: "filter", placeholder: "filter: command, command line, user or PID",
			value: filterText, "aria-label": "filter processes"});
		var head = u.el("div", {className: "ps-headwrap"});
		var foot = u.el("div", {className: "ps-footwrap"});
		var rows = [], list;
		function redraw(resort) {
			var words = filterText.toLowerCase().split(/\s+/).filter(Boolean);
			rows = doc.processes.filter(function (p) { return matches(p, words); }).sort(compare);
			u.clear(head).appendChild(header(redraw));
			u.clear(foot).appendChild(totals(doc, rows));
			list.reset(rows.length);
			if (resort) list.scrollToOffset(0);
		}
		list = ms.vlist.create({
			label: "processes", className: "ps-list", count: 0,
			height: function () { return ROW; },
			render: function (i) { return row(rows[i]); },
			onChoose: function (i) { location.hash = "#/pid/" + rows[i].pid; }
		});
		filter.addEventListener("input", function () { filterText = filter.value; redraw(true); });
		u.clear(root).appendChild(u.el("section", {className: "ps"},
			u.el("div", {className: "bar"}, u.el("h1", null, "Processes"), filter,
				u.el("span", {className: "note"}, "taken " + u.when(doc.taken_at) +
					(doc.unreadable ? "; " + doc.unreadable + " could not be read" : "")),
				u.button("Refresh", function () { ms.ps.open(root); })),
			u.el("p", {className: "hint"}, "Click a row, or move with the arrow keys and press Enter, to see its address space."),
			u.el("div", {className: "ps-table"}, head, list.node, foot)));
		redraw(false);
		return list;
	}

	async function open(root, signal) {
		u.clear(root).appendChild(u.message("reading the process table…", "info"));
		try {
			var doc = await ms.api.processes(signal);
			show(root, doc).node.focus({preventScroll: true});
		} catch (e) {
			if (e.name !== "AbortError") u.clear(root).appendChild(u.message("cannot show the process table: " + e.message));
		}
	}

	ms.ps = {open: open};
})(window.memscope = window.memscope || {});
