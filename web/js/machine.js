"use strict";
/* machine.js - the machine (#/machine): GET /api/v1/kernel (memscope-kernel/1,
 * docs/kernel.md). The RAM ledger as one bar whose parts add up to MemTotal,
 * the buddy allocator's free blocks per zone and order as a heat grid, the
 * largest slab caches and vmalloc by kind. slabinfo and vmallocinfo are
 * root's: the exporter serves them only when asked, and the page says so. */
(function (ms) {
	var u = ms.util;
	var SLABS_SHOWN = 15, CALLERS_SHOWN = 10;

	/* the ledger's parts fall in four families, each a hue; a part's
	 * lightness tells it from its neighbours */
	function family(name) {
		if (/^(anon|swap_cache|shmem)$/.test(name)) return {hue: 28, label: "processes"};
		if (/^(file|file_mapped|file_unmapped|buffers)$/.test(name)) return {hue: 212, label: "page cache"};
		if (/^free/.test(name)) return {hue: 140, label: "free"};
		if (name === "unaccounted") return {hue: null, label: "unaccounted"};
		return {hue: 300, label: "kernel"};
	}

	function colourOf(name, k) {
		var f = family(name);
		if (f.hue === null) return "hsl(0, 0%, 62%)";
		return "hsl(" + f.hue + ", " + (name.indexOf("free_order") === 0 ? 45 : 60) + "%, " + (30 + (k * 9) % 45) + "%)";
	}

	function parts(doc) {
		var list = doc.ledger.slice();
		list.push({name: "unaccounted", label: "allocated, named by no counter", bytes: doc.unaccounted,
			source: "MemTotal less the parts"});
		return list;
	}

	function ledgerBar(doc, list) {
		var bar = u.el("div", {className: "ledger-bar", role: "img",
			"aria-label": "MemTotal " + u.human(doc.mem_total) + " in " + list.length + " parts; the table below lists them"});
		list.forEach(function (p, k) {
			var seg = u.el("span", {className: "seg", "data-name": p.name, "data-bytes": p.bytes,
				title: p.label + " (" + p.name + "): " + u.human(p.bytes) + ", " + u.exact(p.bytes)});
			seg.style.width = (p.bytes * 100 / doc.mem_total) + "%";
			seg.style.background = colourOf(p.name, k);
			if (p.bytes * 100 / doc.mem_total > 6) seg.appendChild(u.el("span", {className: "seglabel"}, p.name + " " + u.human(p.bytes)));
			bar.appendChild(seg);
		});
		return bar;
	}

	function ledgerTable(doc, list) {
		var rows = list.map(function (p, k) {
			var sw = u.el("span", {className: "swatch", "aria-hidden": "true"});
			sw.style.background = colourOf(p.name, k);
			return {cells: [u.el("span", {className: "ctag"}, sw, p.name), p.label, u.size(p.bytes),
				share(p.bytes, doc.mem_total), u.el("span", {className: "src"}, p.source)],
			props: {"data-part": p.name, "data-bytes": p.bytes}};
		});
		rows.push({cells: ["MemTotal", "", u.size(doc.mem_total), "100%", "meminfo MemTotal"], props: {className: "total"}});
		return u.table([{label: "part"}, {label: "what"}, {label: "bytes", num: true}, {label: "share", num: true}, {label: "from"}],
			rows, {className: "figs ledger"});
	}

	function share(bytes, total) {
		var p = bytes * 100 / total;
		return bytes && p < 0.1 ? "<0.1%" : p.toFixed(1) + "%";
	}

	/* the families' sums, so the bar reads at a glance */
	function familyLine(list, total) {
		var sums = new Map();
		list.forEach(function (p) { var f = family(p.name).label; sums.set(f, (sums.get(f) || 0) + p.bytes); });
		var out = [];
		sums.forEach(function (bytes, f) { out.push(f + " ", u.size(bytes), " (" + share(bytes, total) + ")", " · "); });
		out.pop();
		return u.el("p", {className: "families"}, out);
	}

	function orderSize(order, page) {
		return u.human(page * Math.pow(2, order));
	}

	/* a grid: a row per node and zone, a cell per order, darker with more
	 * blocks (log scale: counts run from 0 to hundreds of thousands) */
	function buddyGrid(doc) {
		var orders = Math.max.apply(null, doc.buddy.map(function (z) { return z.free_blocks.length; }));
		var max = Math.max.apply(null, doc.buddy.map(function (z) { return Math.max.apply(null, z.free_blocks); }));
		var cols = [{label: "node, zone"}];
		for (var k = 0; k < orders; k++) cols.push({label: orderSize(k, doc.page_size), num: true, title: "order " + k});
		cols.push({label: "free", num: true}, {label: "unusable for 2 MiB", num: true, title: "share of free memory in blocks too small for an order-9 allocation"});
		var o9 = Math.round(Math.log2(2 * 1024 * 1024 / doc.page_size));
		var rows = doc.buddy.map(function (z) {
			var cells = [u.el("span", null, "node " + z.node + ", " + z.zone)];
			z.free_blocks.forEach(function (n, order) {
				var c = u.el("span", {className: "heat", "data-order": order, "data-blocks": n,
					title: n + " free blocks of " + orderSize(order, doc.page_size) + " (order " + order + ") = " + u.human(n * doc.page_size * Math.pow(2, order))}, String(n));
				var level = n ? Math.log(n + 1) / Math.log(max + 1) : 0;
				c.style.setProperty("--heat", level.toFixed(3));
				if (level > 0.55) c.classList.add("dark");
				cells.push(c);
			});
			while (cells.length <= orders) cells.push("");
			cells.push(u.size(z.free_bytes), z.unusable && z.unusable[o9] !== undefined ? (z.unusable[o9] * 100).toFixed(1) + "%" : "—");
			return {cells: cells, props: {"data-zone": z.zone, "data-node": z.node}};
		});
		return u.table(cols, rows, {className: "figs buddy"});
	}

	function notServed(doc, file, rootOnly) {
		return u.message(file + ": " + (doc.errors && doc.errors[file] ? doc.errors[file] : "not read") +
			(rootOnly ? " (root's alone: the exporter serves it only with --collector.kernel.privileged)" : ""), "info");
	}

	function slabTable(doc) {
		if (!doc.slab) return notServed(doc, "slabinfo", true);
		var rows = doc.slab.caches.slice().sort(function (a, b) { return b.bytes - a.bytes; }).slice(0, SLABS_SHOWN).map(function (c) {
			return {cells: [c.name, u.size(c.bytes), u.count(c.active_objects), u.count(c.objects), u.size(c.object_size)]};
		});
		return u.el("div", null, u.el("p", {className: "note"}, "all caches: ", u.size(doc.slab.total_bytes)),
			u.table([{label: "cache"}, {label: "bytes", num: true}, {label: "objects in use", num: true}, {label: "objects", num: true},
				{label: "object size", num: true}], rows, {className: "figs slab"}));
	}

	function vmallocTables(doc) {
		var v = doc.vmalloc;
		if (!v) return notServed(doc, "vmallocinfo", true);
		var kinds = Object.keys(v.by_kind).map(function (k) {
			var x = v.by_kind[k];
			return {cells: [k, u.count(x.areas), u.size(x.bytes), u.size(x.ram_bytes)]};
		});
		var callers = v.by_caller.slice(0, CALLERS_SHOWN).map(function (c) {
			return {cells: [c.caller, u.count(c.areas), u.size(c.bytes), u.size(c.ram_bytes)]};
		});
		var cols = [{label: "kind"}, {label: "areas", num: true}, {label: "address space", num: true}, {label: "RAM", num: true}];
		return u.el("div", null, u.el("p", {className: "note"}, "RAM in all areas: ", u.size(v.total_bytes)),
			u.table(cols, kinds, {className: "figs"}),
			u.el("h3", null, "Largest callers"),
			u.table([{label: "caller"}].concat(cols.slice(1)), callers, {className: "figs"}));
	}

	function show(root, doc) {
		var list = parts(doc), mi = doc.meminfo || {};
		u.clear(root).appendChild(u.el("section", {className: "machine", "data-mem-total": doc.mem_total},
			u.el("div", {className: "bar"}, u.el("h1", null, "The machine"),
				u.el("span", {className: "note"}, (doc.kernel ? "Linux " + doc.kernel + " · " : "") + "taken " + u.when(doc.taken_at)),
				u.button("Refresh", function () { open(root); })),
			u.el("h2", null, "Where RAM is: MemTotal ", u.size(doc.mem_total), " in parts that do not overlap"),
			u.el("p", {className: "note"}, "available to programs (MemAvailable): ", u.size(mi.MemAvailable === undefined ? null : mi.MemAvailable),
				doc.overcounted ? " · the parts went past MemTotal by " + u.human(doc.overcounted) + " (memory changed while it was read)" : ""),
			familyLine(list, doc.mem_total), ledgerBar(doc, list), ledgerTable(doc, list),
			u.el("h2", null, "Free blocks of the buddy allocator, per zone and block size"),
			doc.buddy ? buddyGrid(doc) : notServed(doc, "buddyinfo"),
			u.el("div", {className: "cols"},
				u.el("div", null, u.el("h2", null, "Largest slab caches"), slabTable(doc)),
				u.el("div", null, u.el("h2", null, "vmalloc, by kind"), vmallocTables(doc)))));
	}

	async function open(root, signal) {
		u.clear(root).appendChild(u.message("reading the kernel's figures…", "info"));
		try {
			show(root, await ms.api.kernel(signal));
		} catch (e) {
			if (e.name !== "AbortError") u.clear(root).appendChild(u.message("cannot show the machine: " + e.message));
		}
	}

	ms.machine = {open: open};
})(window.memscope = window.memscope || {});
