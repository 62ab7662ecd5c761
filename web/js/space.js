"use strict";
/* space.js - a process (#/pid/PID, #/pid/PID/region/0xADDR): its snapshot
 * (GET /api/v1/snapshot/PID, memscope-snapshot/1, docs/snapshot.md) drawn by
 * figure.js, the figures of the region under the pointer or the keyboard,
 * the sums per class and per mapped file; on request the pages (?pages=1)
 * and a live mode that shows what grew since the page opened, from the
 * exporter's diff of the first snapshot and the latest (never computed
 * here). */
(function (ms) {
	var u = ms.util;
	var LIVE_EVERY = 3000; /* ms between the end of one refresh and the next */
	var BYTES = ["size", "rss", "pss", "uss", "swap"];
	var FIGURE_COLUMNS = [{label: "virtual", num: true}, {label: "RSS", num: true, title: "resident"},
		{label: "PSS", num: true, title: "proportional"}, {label: "USS", num: true, title: "unique"}, {label: "swap", num: true}];

	function figures(o) {
		return BYTES.map(function (k) { return u.size(o[k]); });
	}

	function classTable(doc) {
		var rows = u.CLASSES.filter(function (c) { return doc.classes[c] && doc.classes[c].count; }).map(function (c) {
			return {cells: [u.classTag(c), u.count(doc.classes[c].count)].concat(figures(doc.classes[c])), props: {"data-class": c}};
		});
		rows.push({cells: ["total", u.count(doc.totals.count)].concat(figures(doc.totals)), props: {className: "total"}});
		return u.table([{label: "class"}, {label: "regions", num: true}].concat(FIGURE_COLUMNS), rows, {className: "figs"});
	}

	var OBJECTS_SHOWN = 30;
	function objectTable(doc) {
		var objs = doc.objects.slice().sort(function (a, b) { return (b.rss || 0) - (a.rss || 0); });
		var rows = objs.slice(0, OBJECTS_SHOWN).map(function (o) {
			return {cells: [u.el("span", {className: "path", title: o.path}, o.path), o.kind, u.count(o.count)].concat(figures(o))};
		});
		return u.el("div", null, u.table([{label: "file"}, {label: "kind"}, {label: "regions", num: true}].concat(FIGURE_COLUMNS),
			rows, {className: "figs objects"}),
			objs.length > OBJECTS_SHOWN ? u.el("p", {className: "note"}, (objs.length - OBJECTS_SHOWN) + " more, with less in RAM") : null);
	}

	function pagesLine(r, page) {
		var p = r.pages, all = r.size / page;
		return ["present", "swapped", "exclusive", "file"].map(function (k) {
			return u.el("span", {className: "pgv"}, u.el("span", {className: "pgkey pg-" + k, "aria-hidden": "true"}),
				k === "present" ? "in RAM " : k === "file" ? "file-backed " : k + " ",
				p[k] === null ? u.size(null) : u.el("span", {title: p[k] + " of " + all + " pages"}, u.human(p[k] * page)));
		});
	}

	/* the figures of one region, for the panel beside the drawing */
	function details(r, doc, growth) {
		if (!r) return u.el("p", {className: "hint"}, "Point at a region, or move through them with the arrow keys, to see its figures.");
		var rows = [
			["class", u.classTag(r["class"])],
			["addresses", r.start + " – " + r.end],
			["size", u.size(r.size)],
			["resident (RSS)", u.el("span", null, u.size(r.rss), r.rss === null ? "" : " (" + Math.round(u.percent(r.rss, r.size)) + "%)")],
			["proportional (PSS)", u.size(r.pss)], ["unique (USS)", u.size(r.uss)], ["swapped", u.size(r.swap)],
			["permissions", r.perms], ["offset", u.el("span", {title: u.exact(r.offset)}, "0x" + r.offset.toString(16))],
			["file", r.path ? r.path + (r.deleted ? " (deleted)" : "") : "none (anonymous)"],
			["object", r.object === null ? "—" : doc.objects[r.object].kind]
		];
		if (r.pages) rows.push(["pages", u.el("span", {className: "pgline"}, pagesLine(r, doc.page_size))]);
		var g = growth.get(r.start);
		if (g) rows.push(["since opened", u.el("span", null, g.change + ": size ", u.size(g.size, true), ", RSS ", u.size(g.rss, true))]);
		return u.el("dl", {className: "kv"}, rows.map(function (kv) {
			return [u.el("dt", null, kv[0]), u.el("dd", {className: kv[0] === "file" ? "path" : ""}, kv[1])];
		}).reduce(function (a, b) { return a.concat(b); }, []));
	}

	function heading(doc) {
		return u.el("div", {className: "who"},
			u.el("h1", null, "process " + doc.pid + " ", u.el("span", {className: "comm"}, "(" + doc.comm + ")")),
			u.el("p", {className: "sub"},
				u.el("span", {className: "path"}, doc.argv ? doc.argv.join(" ") : (doc.exe || "")),
				" · " + doc.regions.length.toLocaleString("en-US") + " regions · taken " + u.when(doc.taken_at) +
				" · read from " + doc.source + (doc.kernel ? " · Linux " + doc.kernel : "")));
	}

	function totalsLine(doc) {
		var t = doc.totals;
		return u.el("p", {className: "totals"}, "virtual ", u.size(t.size), " · in RAM (RSS) ", u.size(t.rss),
			" · PSS ", u.size(t.pss), " · USS ", u.size(t.uss), " · swapped ", u.size(t.swap));
	}

	/* the change per class since the page opened, from the diff document */
	function growthPanel(diff, since) {
		var rows = u.CLASSES.filter(function (c) {
			var d = diff.classes[c] && diff.classes[c].delta;
			return d && (d.size || d.rss || d.pss || d.uss || d.swap || d.count);
		}).map(function (c) {
			var d = diff.classes[c].delta;
			return {cells: [u.classTag(c)].concat(BYTES.map(function (k) { return u.size(d[k], true); })), props: {"data-class": c}};
		});
		var t = diff.total.delta;
		rows.push({cells: ["total"].concat(BYTES.map(function (k) { return u.size(t[k], true); })), props: {className: "total"}});
		return u.el("div", null, u.table([{label: "class"}].concat(FIGURE_COLUMNS), rows, {className: "figs delta"}),
			u.el("p", {className: "note"}, diff.regions.length + (diff.regions.length === 1 ? " region" : " regions") +
				" changed since " + since + ", " + u.when(diff.a.taken_at)));
	}

	function growthMap(diff) {
		var m = new Map();
		diff.regions.forEach(function (r) {
			if (r.b) m.set(r.b.start, {change: r.change, size: r.delta.size, rss: r.delta.rss});
		});
		return m;
	}

	/* View: one process on screen. first is the snapshot the page opened
	 * with ({text, doc}), the A side of every live diff. */
	function View(root, first, opt) {
		var self = this;
		this.root = root;
		this.opt = opt;
		this.first = first;
		this.latest = first;
		this.growth = new Map();
		this.pinned = null;
		this.detailsBox = u.el("div", {className: "details", "aria-live": "polite"});
		this.growthBox = u.el("div", {className: "growth", hidden: true});
		this.status = u.el("span", {className: "status", role: "status"});
		this.fig = ms.figure.create(first.doc, {
			onHover: function (r) { self.show(r); },
			onChoose: function (r) { self.choose(r); }
		});
		this.fig.list.node.addEventListener("mouseleave", function () { self.show(self.pinned); });
		this.layout();
	}

	View.prototype.controls = function () {
		var self = this, pid = this.first.doc.pid;
		if (this.opt.report) return u.el("div", {className: "controls"});
		return u.el("div", {className: "controls"},
			u.toggle("Live", function (on) { self.live(on); }, {title: "refresh every few seconds and show what grew since the page opened"}),
			u.toggle("Pages", function (on) { self.pages(on); }, {title: "read pagemap: per region, pages in RAM, swapped, exclusive, file-backed"}),
			u.button("Mark for compare", function () {
				ms.compare.setMark(pid, self.latest);
				location.hash = "#/compare/" + pid;
			}, {title: "keep this snapshot, to compare it with a later one"}),
			this.status);
	};

	View.prototype.layout = function () {
		var doc = this.first.doc;
		this.headBox = u.el("div", null, heading(doc), totalsLine(doc));
		this.classBox = u.el("div", null, classTable(doc));
		this.objectBox = u.el("div", null, objectTable(doc));
		this.legend = u.el("p", {className: "legend", hidden: !doc.pages_method},
			"pages: ", ["present", "swapped", "exclusive", "file"].map(function (k) {
				return u.el("span", {className: "pgv"}, u.el("span", {className: "pgkey pg-" + k, "aria-hidden": "true"}),
					{present: "in RAM", swapped: "swapped", exclusive: "exclusive", file: "file-backed"}[k]);
			}));
		u.clear(this.root).appendChild(u.el("section", {className: "space", "data-pid": doc.pid},
			u.el("div", {className: "bar"}, this.headBox, this.controls()),
			this.legend,
			u.el("div", {className: "sp-main"}, this.fig.node,
				u.el("aside", {className: "sp-side"},
					u.el("h2", null, "Region"), this.detailsBox, this.growthBox,
					u.el("h2", null, "Per class"), this.classBox,
					u.el("h2", null, "Per mapped file"), this.objectBox))));
		this.show(null);
		this.root.dataset.drawn = "true";
	};

	View.prototype.show = function (r) {
		u.clear(this.detailsBox).appendChild(details(r, this.latest.doc, this.growth));
	};

	/* a region chosen (click, Enter, or the URL): its figures stay, and the
	 * URL names it without making a new history entry */
	View.prototype.choose = function (r) {
		this.pinned = r;
		this.show(r);
		if (!this.opt.report) history.replaceState(null, "", "#/pid/" + this.first.doc.pid + "/region/" + r.start);
	};

	View.prototype.select = function (hex) {
		var r = this.fig.select(hex, true);
		if (r) { this.pinned = r; this.show(r); }
		else this.status.textContent = "no region holds " + hex;
	};

	/* a newer snapshot of the same process on screen */
	View.prototype.replace = function (snap) {
		this.latest = snap;
		this.fig.update(snap.doc);
		u.clear(this.headBox).appendChild(heading(snap.doc));
		this.headBox.appendChild(totalsLine(snap.doc));
		u.clear(this.classBox).appendChild(classTable(snap.doc));
		u.clear(this.objectBox).appendChild(objectTable(snap.doc));
		this.legend.hidden = !snap.doc.pages_method;
		if (this.pinned) this.pinned = this.fig.select(this.pinned.start, false) || null;
		this.show(this.pinned);
	};

	View.prototype.pages = async function (on) {
		this.withPages = on;
		if (!on) return;
		this.status.textContent = "reading the pages…";
		try {
			this.replace(await ms.api.snapshot(this.first.doc.pid, true, this.opt.signal));
			this.status.textContent = "pages read " + u.when(this.latest.doc.taken_at);
		} catch (e) {
			if (e.name !== "AbortError") this.status.textContent = "pages: " + e.message;
		}
	};

	View.prototype.live = async function (on) {
		this.liveOn = on;
		this.status.textContent = on ? "live: every " + LIVE_EVERY / 1000 + " s" : "";
		while (this.liveOn && !this.opt.signal.aborted) {
			try {
				await ms.api.wait(LIVE_EVERY, this.opt.signal);
				if (!this.liveOn) break;
				await this.refresh();
			} catch (e) {
				if (e && e.name === "AbortError") return;
				this.status.textContent = "live: " + e.message;
			}
		}
	};

	View.prototype.refresh = async function () {
		var snap = await ms.api.snapshot(this.first.doc.pid, this.withPages, this.opt.signal);
		this.replace(snap);
		var diff = await ms.api.diff(this.first.text, snap.text, this.opt.signal);
		this.showGrowth(diff);
		this.status.textContent = "live: updated " + u.when(snap.doc.taken_at);
	};

	View.prototype.showGrowth = function (diff) {
		this.growth = growthMap(diff);
		this.fig.setGrowth(this.growth);
		this.growthBox.hidden = false;
		var since = this.opt.report ? "snapshot A" : "the page opened";
		u.clear(this.growthBox).appendChild(u.el("h2", null, "Since " + since));
		this.growthBox.appendChild(growthPanel(diff, since));
		this.show(this.pinned);
	};

	async function open(root, pid, region, signal) {
		u.clear(root).appendChild(u.message("reading process " + pid + "…", "info"));
		var snap;
		try {
			snap = await ms.api.snapshot(pid, false, signal);
		} catch (e) {
			if (e.name !== "AbortError") u.clear(root).appendChild(u.message("cannot show process " + pid + ": " + e.message));
			return null;
		}
		var view = new View(root, snap, {signal: signal});
		if (region) view.select(region);
		else view.fig.list.node.focus({preventScroll: true});
		return view;
	}

	/* a snapshot embedded in a report file: no controls, nothing fetched */
	function openReport(root, doc, diff) {
		var view = new View(root, {text: null, doc: doc}, {report: true, signal: new AbortController().signal});
		if (diff) view.showGrowth(diff);
		return view;
	}

	ms.space = {open: open, openReport: openReport, FIGURE_COLUMNS: FIGURE_COLUMNS, BYTES: BYTES};
})(window.memscope = window.memscope || {});
