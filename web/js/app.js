"use strict";
/* app.js - the routes: every view has a URL of its own after the "#", so
 * that a link, the back button and a reload show the same thing.
 *   #/                        the processes
 *   #/pid/PID[/region/ADDR]   a process, and a region of it
 *   #/compare[/PID]           two snapshots compared
 *   #/machine                 the kernel's side of RAM
 *   #/report/a, /b, /compare  a report file's snapshots and their diff
 * A report file (a #memscope-data block in the page) has only the last. */
(function (ms) {
	var u = ms.util;
	var main, current = {view: null, abort: null, key: ""};

	function parse(hash) {
		var parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean);
		if (!parts.length) return {name: "ps"};
		if (parts[0] === "pid" && /^\d+$/.test(parts[1] || "")) {
			return {name: "pid", pid: Number(parts[1]), region: parts[2] === "region" && /^0x[0-9a-f]+$/i.test(parts[3] || "") ? parts[3] : null};
		}
		if (parts[0] === "compare") return {name: "compare", pid: /^\d+$/.test(parts[1] || "") ? Number(parts[1]) : null};
		if (parts[0] === "machine") return {name: "machine"};
		if (parts[0] === "report") return {name: "report", which: parts[1] || ""};
		return {name: "unknown"};
	}

	function highlight(name) {
		document.querySelectorAll("nav a").forEach(function (a) {
			if (a.dataset.view === name) a.setAttribute("aria-current", "page");
			else a.removeAttribute("aria-current");
		});
	}

	/* leaving a view stops its requests and its live refresh */
	function leave() {
		if (current.abort) current.abort.abort();
		current = {view: null, abort: new AbortController(), key: ""};
	}

	function served(route) {
		/* the same process with another region: move there, read nothing */
		if (route.name === "pid" && current.key === "pid/" + route.pid && current.view) {
			if (route.region) current.view.select(route.region);
			return;
		}
		leave();
		current.key = route.name === "pid" ? "pid/" + route.pid : route.name;
		var signal = current.abort.signal;
		highlight(route.name === "pid" ? "ps" : route.name);
		if (route.name === "ps") ms.ps.open(main, signal);
		else if (route.name === "pid") ms.space.open(main, route.pid, route.region, signal).then(function (v) {
			if (current.abort.signal === signal) current.view = v;
		});
		else if (route.name === "compare") ms.compare.open(main, route.pid, signal);
		else if (route.name === "machine") ms.machine.open(main, signal);
		else u.clear(main).appendChild(u.message("no such view: " + location.hash + " (try the links above)"));
		document.title = "memscope: " + ({ps: "processes", pid: "process " + route.pid, compare: "compare", machine: "the machine"}[route.name] || "memscope");
	}

	/* a report file: its snapshots and diff, from the page itself */
	function reportNav(data) {
		var nav = document.querySelector("nav");
		u.clear(nav);
		var links = [["a", data.snapshots.length > 1 ? "Snapshot A" : "Snapshot"]];
		if (data.snapshots.length > 1) links.push(["b", "Snapshot B"], ["compare", "What changed"]);
		links.forEach(function (l) {
			nav.appendChild(u.el("a", {href: "#/report/" + l[0], "data-view": "report-" + l[0]}, l[1]));
		});
		document.getElementById("where").textContent = "a report file";
	}

	function reported(route, data) {
		var two = data.snapshots.length > 1;
		var which = route.name === "report" ? route.which : "";
		if (!/^(a|b|compare)$/.test(which) || (!two && which !== "a")) {
			history.replaceState(null, "", two ? "#/report/compare" : "#/report/a");
			which = two ? "compare" : "a";
		}
		leave();
		highlight("report-" + which);
		if (which === "compare") ms.compare.openReport(main, data.diff);
		else ms.space.openReport(main, data.snapshots[which === "a" ? 0 : 1], which === "b" ? data.diff : null);
		document.title = "memscope report: process " + data.snapshots[0].pid;
	}

	function route() {
		var r = parse(location.hash), data = ms.api.report();
		try {
			if (data) reported(r, data);
			else served(r);
		} catch (e) {
			u.clear(main).appendChild(u.message("this view failed: " + e.message));
			throw e;
		}
	}

	function start() {
		main = document.getElementById("main");
		var data = ms.api.report();
		if (data) {
			document.body.classList.add("report");
			reportNav(data);
		}
		window.addEventListener("hashchange", route);
		route();
	}

	if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
	else start();
})(window.memscope = window.memscope || {});
