"use strict";
/* vlist.js - a scrolling list that creates DOM rows for the viewport only,
 * so that a process with 50,000 regions (or a machine with thousands of
 * processes) costs a few hundred nodes. Rows may differ in height: their
 * offsets are summed once, and a binary search finds the first row on
 * screen. The list is one focusable element (aria-activedescendant), moved
 * through with the arrow keys, Page Up/Down, Home and End; Enter or Space
 * chooses a row, as a click does. */
(function (ms) {
	var el = ms.util.el;
	var OVERSCAN = 8; /* rows drawn beyond each edge, so a fast scroll shows no blank */
	var lists = 0;

	function offsetsOf(count, height) {
		var off = new Float64Array(count + 1), i;
		for (i = 0; i < count; i++) off[i + 1] = off[i] + height(i);
		return off;
	}

	/* the last row whose top is at or above y */
	function rowAt(off, count, y) {
		var lo = 0, hi = count - 1, mid;
		while (lo < hi) {
			mid = (lo + hi + 1) >> 1;
			if (off[mid] <= y) lo = mid; else hi = mid - 1;
		}
		return lo;
	}

	function VList(opt) {
		this.opt = opt;
		this.id = "vl" + (++lists);
		this.active = -1;
		this.shown = new Map(); /* row index → its node */
		this.sizer = el("div", {className: "vl-sizer"});
		this.node = el("div", {className: "vl " + (opt.className || ""), tabIndex: 0, role: "listbox",
			"aria-label": opt.label}, this.sizer);
		this.reset(opt.count, opt.height);
		this.node.addEventListener("scroll", this.schedule.bind(this), {passive: true});
		this.node.addEventListener("keydown", this.key.bind(this));
		this.node.addEventListener("click", this.click.bind(this));
		this.node.addEventListener("mouseover", this.hover.bind(this));
		this.node.addEventListener("focus", this.focus.bind(this));
		if (window.ResizeObserver) new ResizeObserver(this.schedule.bind(this)).observe(this.node);
	}

	VList.prototype.reset = function (count, height) {
		this.count = count;
		this.off = offsetsOf(count, height || this.opt.height);
		this.sizer.style.height = this.off[count] + "px";
		this.refresh();
	};

	/* drop every drawn row and draw anew (the data behind them changed) */
	VList.prototype.refresh = function () {
		this.shown.forEach(function (node) { node.remove(); });
		this.shown.clear();
		this.draw();
	};

	VList.prototype.schedule = function () {
		if (this.pending) return;
		this.pending = true;
		requestAnimationFrame(this.draw.bind(this));
	};

	VList.prototype.draw = function () {
		this.pending = false;
		if (!this.count) return;
		var top = this.node.scrollTop, h = this.node.clientHeight || 800;
		var first = Math.max(0, rowAt(this.off, this.count, top) - OVERSCAN);
		var last = Math.min(this.count - 1, rowAt(this.off, this.count, top + h) + OVERSCAN);
		var self = this;
		this.shown.forEach(function (node, i) {
			if (i < first || i > last) { node.remove(); self.shown.delete(i); }
		});
		for (var i = first; i <= last; i++) if (!this.shown.has(i)) this.add(i);
		if (this.opt.onDraw) this.opt.onDraw(first, last);
	};

	VList.prototype.add = function (i) {
		var node = this.opt.render(i);
		node.classList.add("vl-row");
		node.id = this.id + "-" + i;
		node.dataset.row = i;
		node.style.top = this.off[i] + "px";
		node.style.height = (this.off[i + 1] - this.off[i]) + "px";
		if (this.opt.selectable(i)) {
			node.setAttribute("role", "option");
			node.setAttribute("aria-selected", String(i === this.active));
		}
		this.sizer.appendChild(node);
		this.shown.set(i, node);
	};

	VList.prototype.indexOf = function (target) {
		var row = target.closest ? target.closest(".vl-row") : null;
		return row && this.node.contains(row) ? Number(row.dataset.row) : -1;
	};

	VList.prototype.setActive = function (i, scroll) {
		if (i < 0 || i >= this.count) return;
		var old = this.shown.get(this.active);
		if (old) old.setAttribute("aria-selected", "false");
		this.active = i;
		var node = this.shown.get(i);
		if (node) node.setAttribute("aria-selected", "true");
		this.node.setAttribute("aria-activedescendant", this.id + "-" + i);
		if (scroll) this.reveal(i);
		if (this.opt.onActive) this.opt.onActive(i);
	};

	/* scroll so that row i is on screen, with a little context around it */
	VList.prototype.reveal = function (i) {
		var top = this.off[i], bottom = this.off[i + 1], h = this.node.clientHeight;
		if (top < this.node.scrollTop) this.node.scrollTop = Math.max(0, top - h / 4);
		else if (bottom > this.node.scrollTop + h) this.node.scrollTop = bottom - h + h / 4;
		this.draw();
		var node = this.shown.get(i);
		if (node) node.setAttribute("aria-selected", String(i === this.active));
	};

	/* the next row the keyboard may land on, from i in direction step */
	VList.prototype.step = function (i, step) {
		for (var j = i + step; j >= 0 && j < this.count; j += step) if (this.opt.selectable(j)) return j;
		return i;
	};

	VList.prototype.key = function (e) {
		var i = this.active < 0 ? this.step(-1, 1) : this.active;
		var page = Math.max(1, Math.floor(this.node.clientHeight / 24));
		var to = {
			ArrowDown: this.step(i, 1), ArrowUp: this.step(i, -1),
			PageDown: this.step(Math.min(this.count, i + page), -1), PageUp: this.step(Math.max(-1, i - page), 1),
			Home: this.step(-1, 1), End: this.step(this.count, -1)
		}[e.key];
		if (to !== undefined) {
			e.preventDefault();
			this.setActive(to, true);
		} else if ((e.key === "Enter" || e.key === " ") && this.active >= 0) {
			e.preventDefault();
			if (this.opt.onChoose) this.opt.onChoose(this.active);
		}
	};

	VList.prototype.click = function (e) {
		var i = this.indexOf(e.target);
		if (i < 0 || !this.opt.selectable(i)) return;
		this.setActive(i, false);
		if (this.opt.onChoose) this.opt.onChoose(i);
	};

	VList.prototype.hover = function (e) {
		var i = this.indexOf(e.target);
		if (i >= 0 && this.opt.onHover && this.opt.selectable(i)) this.opt.onHover(i);
	};

	/* focus from the keyboard lands on the chosen row, or the first */
	VList.prototype.focus = function () {
		if (this.active < 0 && this.count) this.setActive(this.step(-1, 1), false);
		else if (this.active >= 0 && this.opt.onActive) this.opt.onActive(this.active);
	};

	VList.prototype.scrollToOffset = function (y) {
		this.node.scrollTop = y;
		this.draw();
	};

	ms.vlist = {
		create: function (opt) {
			opt.selectable = opt.selectable || function () { return true; };
			return new VList(opt);
		}
	};
})(window.memscope = window.memscope || {});
