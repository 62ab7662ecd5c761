"use strict";
/* figure.js - the address space drawn as a textbook figure: the highest
 * address at the top, a box per region in its class's colour with the
 * class named, its resident part shaded, the gaps between regions squeezed
 * to a line that gives their size, the break and the stack's top marked.
 * The boxes are rows of a virtual list (vlist.js), so 50,000 regions cost
 * a few hundred nodes; beside them a canvas draws the whole space at once
 * and shows where the list is. */
(function (ms) {
	var u = ms.util;
	var GAP_ROW = 20;

	/* a box grows with the log of its size: 4 KiB is 26 px, 4 MiB 56 px */
	function regionHeight(r, page) {
		var pages = Math.max(1, r.size / page);
		return Math.round(26 + Math.min(40, 3 * Math.log2(pages))) + (r.pages ? 16 : 0); /* room for the strip */
	}

	/* rows from the highest address down: regions, and a gap row wherever
	 * the next region down does not end where this one starts */
	function rowsOf(doc) {
		var rows = [], regions = doc.regions, i, r, start, end;
		var above = null;
		for (i = regions.length - 1; i >= 0; i--) {
			r = regions[i];
			start = u.addr(r.start);
			end = u.addr(r.end);
			if (above !== null && above > end) rows.push({gap: u.bigBytes(above - end), top: above, bottom: end});
			rows.push({region: r, index: i, start: start, end: end});
			above = start;
		}
		return rows;
	}

	function pct(r) {
		return u.percent(r.rss, r.size);
	}

	function gapRow(row) {
		return u.el("div", {className: "sp-gap", "data-gap": row.gap},
			u.el("span", {className: "sp-addr"}, u.hex(row.bottom)),
			u.el("span", {className: "sp-gaplabel", title: u.exact(row.gap) + " not mapped, from " +
				u.hex(row.bottom) + " to " + u.hex(row.top)}, "⋮ " + u.human(row.gap) + " unmapped"));
	}

	/* the pages strip (docs/pages.md): four thin bars, each a share of the
	 * region's pages */
	function pagesStrip(r, page) {
		var all = r.size / page, p = r.pages;
		var strip = u.el("span", {className: "sp-pages", "aria-hidden": "true"});
		[["present", "in RAM"], ["swapped", "swapped"], ["exclusive", "exclusive"], ["file", "file-backed"]].forEach(function (k) {
			var bar = u.el("span", {className: "pg pg-" + k[0], title: k[1] + ": " + p[k[0]] + " of " + all + " pages"});
			bar.style.width = (p[k[0]] === null ? 0 : Math.min(100, p[k[0]] * 100 / all)) + "%";
			strip.appendChild(bar);
		});
		return strip;
	}

	function mark(r) {
		if (r["class"] === "heap") return u.el("span", {className: "sp-mark sp-mark-top", title: "the program break, rounded up to a page: brk grows the heap upwards"}, "← break ↑ (page-rounded)");
		if (r["class"] === "stack") return u.el("span", {className: "sp-mark sp-mark-bottom", title: "the lowest address the main thread's stack reaches now: it grows downwards"}, "← stack top ↓");
		return null;
	}

	function growthBadge(delta) {
		if (!delta || (!delta.rss && !delta.size)) return null;
		return u.el("span", {className: "sp-grew" + (delta.rss < 0 ? " down" : ""),
			title: "since the page opened: size " + u.signedHuman(delta.size || 0) + ", RSS " + u.signedHuman(delta.rss || 0)},
			(delta.change === "added" ? "new, " : "") + "RSS " + u.signedHuman(delta.rss || 0));
	}

	/* the file's own name first, its folder after: a long path cut at the
	 * end keeps what tells the regions apart */
	function pathLabel(r) {
		var full = r.path + (r.deleted ? " (deleted)" : ""), cut = r.path.lastIndexOf("/");
		if (!r.path) return null;
		if (cut <= 0 || r.path[0] !== "/") return u.el("span", {className: "sp-path", title: full}, full);
		return u.el("span", {className: "sp-path", title: full}, r.path.slice(cut + 1) + (r.deleted ? " (deleted)" : ""),
			u.el("span", {className: "sp-dir"}, " " + r.path.slice(0, cut + 1)));
	}

	function label(r) {
		var p = pct(r);
		return u.el("span", {className: "sp-label"},
			u.classTag(r["class"]),
			u.el("span", {className: "sp-size", title: u.exact(r.size)}, u.human(r.size)),
			u.el("span", {className: "sp-res", title: r.rss === null ? "resident: not known" : "resident: " + u.exact(r.rss)},
				p === null ? "— in RAM" : (p < 1 && r.rss ? "<1" : Math.round(p)) + "% in RAM"),
			pathLabel(r));
	}

	function regionRow(row, fig, isTop) {
		var r = row.region, p = pct(r);
		var fill = u.el("span", {className: "sp-fill", "aria-hidden": "true"});
		fill.style.width = (p === null ? 0 : p) + "%";
		var box = u.el("div", {className: "sp-box" + (r.rss === 0 ? " cold" : "")}, fill, label(r),
			r.pages ? pagesStrip(r, fig.doc.page_size) : null, growthBadge(fig.growth.get(r.start)));
		return u.el("div", {className: "sp-region cls-" + r["class"], "data-start": r.start, "data-end": r.end,
			"data-class": r["class"], "data-size": r.size, "data-rss": r.rss === null ? "" : r.rss,
			title: r["class"] + " " + r.start + "–" + r.end},
			u.el("span", {className: "sp-addr"}, isTop ? u.el("span", {className: "sp-end"}, r.end) : null, r.start),
			box, mark(r));
	}

	function Figure(doc, opt) {
		var self = this;
		this.opt = opt;
		this.growth = new Map();
		this.canvas = u.el("canvas", {className: "sp-overview", title: "the whole address space: click to go there"});
		this.list = ms.vlist.create({
			label: "address space, highest address first", className: "sp-list", count: 0,
			height: function (i) { return self.height(i); },
			selectable: function (i) { return !!self.rows[i].region; },
			render: function (i) { return self.rows[i].region ? regionRow(self.rows[i], self, i === 0) : gapRow(self.rows[i]); },
			onActive: function (i) { opt.onHover(self.rows[i].region); },
			onHover: function (i) { opt.onHover(self.rows[i].region); },
			onChoose: function (i) { opt.onChoose(self.rows[i].region); },
			onDraw: function () { self.drawViewport(); }
		});
		this.node = u.el("div", {className: "sp-figure"}, this.canvas, this.list.node);
		this.canvas.addEventListener("click", function (e) { self.jump(e); });
		this.update(doc);
	}

	Figure.prototype.height = function (i) {
		var row = this.rows[i];
		/* the top row gives its end address too, above its start */
		return (row.region ? regionHeight(row.region, this.doc.page_size) : GAP_ROW) + (i === 0 ? 14 : 0);
	};

	/* a new snapshot of the same process: the scroll position stays */
	Figure.prototype.update = function (doc) {
		var top = this.list.node.scrollTop, active = this.activeStart();
		this.doc = doc;
		this.rows = rowsOf(doc);
		this.list.reset(this.rows.length);
		this.list.node.scrollTop = top;
		if (active) this.select(active, false);
		this.base = null;
		requestAnimationFrame(this.drawViewport.bind(this)); /* after the first picture */
	};

	Figure.prototype.activeStart = function () {
		var row = this.rows && this.rows[this.list.active];
		return row && row.region ? row.region.start : null;
	};

	Figure.prototype.setGrowth = function (growth) {
		this.growth = growth;
		this.list.refresh();
	};

	/* the region holding address hex (a string "0x…"), made active and
	 * scrolled to; null when no region holds it */
	Figure.prototype.select = function (hex, focus) {
		var a;
		try { a = u.addr(hex); } catch (e) { return null; }
		for (var i = 0; i < this.rows.length; i++) {
			var row = this.rows[i];
			if (row.region && row.start <= a && a < row.end) {
				this.list.setActive(i, true);
				if (focus) this.list.node.focus({preventScroll: true});
				return row.region;
			}
		}
		return null;
	};

	/* the overview: every row at its share of the list's height, drawn
	 * once per snapshot into an offscreen canvas; the viewport on top */
	Figure.prototype.drawBase = function (w, h) {
		var base = document.createElement("canvas"), off = this.list.off, total = off[this.rows.length] || 1;
		base.width = w;
		base.height = h;
		var g = base.getContext("2d");
		g.fillStyle = "#f4f4f2";
		g.fillRect(0, 0, w, h);
		for (var i = 0; i < this.rows.length; i++) {
			var row = this.rows[i], y = off[i] * h / total, y2 = off[i + 1] * h / total;
			if (!row.region) continue;
			g.fillStyle = u.classColour(row.region["class"]);
			g.fillRect(0, y, w, Math.max(1, y2 - y));
		}
		this.base = base;
	};

	Figure.prototype.drawViewport = function () {
		var c = this.canvas, h = this.list.node.clientHeight, w = c.clientWidth;
		if (!h || !w) return;
		var dpr = window.devicePixelRatio || 1;
		if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr) || !this.base) {
			c.width = Math.round(w * dpr);
			c.height = Math.round(h * dpr);
			this.drawBase(c.width, c.height);
		}
		var g = c.getContext("2d"), total = this.list.off[this.rows.length] || 1;
		g.drawImage(this.base, 0, 0);
		var y = this.list.node.scrollTop * c.height / total, vh = Math.max(4 * dpr, h * c.height / total);
		g.strokeStyle = "#111";
		g.lineWidth = 2 * dpr;
		g.strokeRect(dpr, y + dpr, c.width - 2 * dpr, vh - 2 * dpr);
	};

	Figure.prototype.jump = function (e) {
		var rect = this.canvas.getBoundingClientRect(), total = this.list.off[this.rows.length];
		var y = (e.clientY - rect.top) / rect.height * total;
		this.list.scrollToOffset(Math.max(0, y - this.list.node.clientHeight / 2));
	};

	ms.figure = {create: function (doc, opt) { return new Figure(doc, opt); }};
})(window.memscope = window.memscope || {});
