"use strict";
/* util.js - what every view shares: building DOM from data without ever
 * parsing it as HTML (names are attacker-chosen), sizes as memscope prints
 * them, the fourteen classes and their colours, addresses. */
(function (ms) {
	/* el("td", {className: "n", title: "…"}, child, …): children are nodes
	 * or strings (made text nodes); props are DOM properties, except
	 * "data-*" and "aria-*", set as attributes. Never innerHTML. */
	function el(tag, props) {
		var node = document.createElement(tag);
		var key, i;
		for (key in props || {}) {
			if (props[key] === undefined || props[key] === null) continue;
			if (/^(data|aria)-/.test(key) || key === "role") node.setAttribute(key, String(props[key]));
			else node[key] = props[key];
		}
		for (i = 2; i < arguments.length; i++) add(node, arguments[i]);
		return node;
	}

	/* a child: a node, text, or an array of either; null and false are none */
	function add(node, child) {
		if (child === null || child === undefined || child === false) return;
		if (Array.isArray(child)) child.forEach(function (c) { add(node, c); });
		else node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
	}

	function clear(node) {
		while (node.firstChild) node.removeChild(node.firstChild);
		return node;
	}

	/* human(bytes): tools/common/units.c's human_size, with the IEC unit
	 * spelled out: three significant digits at most (4.0 KiB, 12 MiB,
	 * 128 GiB), 1024-based; 0 is "0". */
	var UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
	function human(bytes) {
		var neg = bytes < 0, b = Math.abs(bytes), shift = 0, tenths;
		if (b < 1024) return (neg ? "-" : "") + (b ? b + " B" : "0");
		while (b >= Math.pow(2, shift + 10) && shift < 60) shift += 10;
		tenths = Math.round(b * 10 / Math.pow(2, shift));
		return (neg ? "-" : "") + (tenths < 100 ? (tenths / 10).toFixed(1) :
			String(Math.round(b / Math.pow(2, shift)))) + " " + UNITS[shift / 10 - 1];
	}

	function signedHuman(bytes) {
		return bytes > 0 ? "+" + human(bytes) : human(bytes);
	}

	function exact(bytes) {
		return Number(bytes).toLocaleString("en-US") + " bytes";
	}

	/* size(bytes, {signed}): a node showing a byte count; a null count is
	 * "—" saying "not known", never 0; exact bytes on hover. */
	function size(bytes, signed) {
		if (bytes === null || bytes === undefined)
			return el("span", {className: "unknown", title: "not known"}, "—");
		return el("span", {className: "bytes", title: (signed && bytes > 0 ? "+" : "") + exact(bytes),
			"data-bytes": bytes}, signed ? signedHuman(bytes) : human(bytes));
	}

	function count(n) {
		if (n === null || n === undefined) return el("span", {className: "unknown", title: "not known"}, "—");
		return el("span", {"data-count": n}, Number(n).toLocaleString("en-US"));
	}

	/* The fourteen classes of docs/classes.md, high-level ones first; each
	 * has a CSS class "cls-NAME" whose --cls is its colour (style.css, one
	 * source for both the DOM and the canvas). */
	var CLASSES = ["code", "rodata", "data", "bss", "heap", "stack", "thread-stack", "anon",
		"anon-shared", "file-private", "file-shared", "sysv-shm", "kernel", "guard"];
	var colours = null;
	function classColour(name) {
		if (!colours) {
			colours = {};
			CLASSES.forEach(function (c) {
				var probe = el("span", {className: "cls-" + c});
				document.body.appendChild(probe);
				colours[c] = getComputedStyle(probe).getPropertyValue("--cls").trim() || "#888";
				document.body.removeChild(probe);
			});
		}
		return colours[name] || "#888";
	}

	/* a swatch and the class's name in text: colour is never alone */
	function classTag(name) {
		return el("span", {className: "ctag cls-" + name}, el("span", {className: "swatch", "aria-hidden": "true"}), name);
	}

	/* Addresses stay strings ("0x7f…") in the documents: 64-bit values do
	 * not survive JavaScript numbers, so they are BigInts here. */
	function addr(hex) {
		return BigInt(hex);
	}
	function hex(big) {
		return "0x" + big.toString(16);
	}
	function bigBytes(big) {
		return Number(big);
	}

	function when(unixSeconds) {
		if (unixSeconds === null || unixSeconds === undefined) return "—";
		var d = new Date(unixSeconds * 1000);
		function two(n) { return (n < 10 ? "0" : "") + n; }
		return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
			two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
	}

	function percent(part, whole) {
		if (part === null || part === undefined || !whole) return null;
		return Math.max(0, Math.min(100, part * 100 / whole));
	}

	/* a <button> that runs fn; Enter and Space come free with the element */
	function button(label, fn, props) {
		var b = el("button", Object.assign({type: "button"}, props || {}), label);
		b.addEventListener("click", fn);
		return b;
	}

	/* a toggle button (aria-pressed) calling fn(on) */
	function toggle(label, fn, props) {
		var b = button(label, function () {
			var on = b.getAttribute("aria-pressed") !== "true";
			b.setAttribute("aria-pressed", String(on));
			fn(on);
		}, props);
		b.setAttribute("aria-pressed", "false");
		return b;
	}

	function message(text, kind) {
		return el("p", {className: "msg " + (kind || "error"), role: kind === "info" ? "status" : "alert"}, text);
	}

	/* table([{label, num, title}], [{cells: [node|string…], props}], props):
	 * a plain <table>; num columns are right-aligned figures */
	function table(columns, rows, props) {
		var head = el("tr", null, columns.map(function (c) {
			return el("th", {scope: "col", className: c.num ? "n" : "", title: c.title || undefined}, c.label);
		}));
		var body = el("tbody", null, rows.map(function (r) {
			return el("tr", r.props || null, r.cells.map(function (c, i) {
				return el(i === 0 && !r.plain ? "th" : "td", {className: columns[i] && columns[i].num ? "n" : "",
					scope: i === 0 && !r.plain ? "row" : undefined}, c);
			}));
		}));
		return el("table", props || null, el("thead", null, head), body);
	}

	ms.util = {
		table: table,
		el: el, clear: clear, human: human, signedHuman: signedHuman, exact: exact, size: size,
		count: count, CLASSES: CLASSES, classColour: classColour, classTag: classTag, addr: addr,
		hex: hex, bigBytes: bigBytes, when: when, percent: percent, button: button, toggle: toggle,
		message: message
	};
})(window.memscope = window.memscope || {});
