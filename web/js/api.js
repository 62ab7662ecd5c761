"use strict";
/* api.js - the one place that talks to the exporter (docs/exporter.md):
 * every HTTP or JSON failure becomes an Error whose message a person can
 * read, 503 is retried as Retry-After says, and in a report file (an
 * embedded #memscope-data block) nothing is fetched at all. */
(function (ms) {
	var MAX_RETRIES = 20;

	/* Relative URLs: the page works behind a proxy that mounts it under a
	 * prefix, as long as the API sits beside it. */
	var PATHS = {
		processes: "api/v1/processes",
		kernel: "api/v1/kernel",
		diff: "api/v1/diff",
		snapshot: function (pid, pages) { return "api/v1/snapshot/" + pid + (pages ? "?pages=1" : ""); }
	};

	var embedded;
	/* the report's data block, parsed once; null on a served page */
	function report() {
		if (embedded === undefined) {
			var block = document.getElementById("memscope-data");
			embedded = block ? JSON.parse(block.textContent) : null;
		}
		return embedded;
	}

	/* the text/plain one-liner the exporter sends with an error, cut short */
	function why(status, body, url) {
		if (status === 403) return "permission denied (HTTP 403)";
		if (status === 404 && /snapshot\//.test(url)) return "the process is gone (HTTP 404)";
		var line = (body || "").split("\n")[0].trim().slice(0, 300);
		return "HTTP " + status + (line ? ": " + line : "");
	}

	function wait(ms, signal) {
		return new Promise(function (resolve, reject) {
			var t = setTimeout(resolve, ms);
			if (signal) signal.addEventListener("abort", function () { clearTimeout(t); reject(signal.reason); });
		});
	}

	/* request(url, init): the answer's text; retries a 503 (one page-by-page
	 * read or one diff at a time, server-wide) after Retry-After seconds */
	async function request(url, init, attempt) {
		if (report()) throw new Error("a report file fetches nothing");
		var res;
		try {
			res = await fetch(url, Object.assign({credentials: "same-origin", cache: "no-store"}, init || {}));
		} catch (e) {
			if (e.name === "AbortError") throw e;
			throw new Error("cannot reach the exporter (" + e.message + ")");
		}
		var text = await res.text();
		if (res.status === 503 && (attempt || 0) < MAX_RETRIES) {
			var after = parseFloat(res.headers.get("Retry-After")) || 1;
			await wait(Math.min(after, 10) * 1000, init && init.signal);
			return request(url, init, (attempt || 0) + 1);
		}
		if (!res.ok) {
			var err = new Error(why(res.status, text, url));
			err.status = res.status;
			throw err;
		}
		return text;
	}

	function parse(text, what) {
		try {
			return JSON.parse(text);
		} catch (e) {
			throw new Error(what + " is not JSON (" + e.message + ")");
		}
	}

	async function json(url, what, signal) {
		return parse(await request(url, {signal: signal}), what);
	}

	/* a snapshot as {text, doc}: the text is kept as it came, to be posted
	 * to the diff endpoint unchanged */
	async function snapshot(pid, pages, signal) {
		var text = await request(PATHS.snapshot(pid, pages), {signal: signal});
		return {text: text, doc: parse(text, "the snapshot")};
	}

	/* POST /api/v1/diff with the two documents as multipart fields a and b */
	async function diff(aText, bText, signal) {
		var form = new FormData();
		form.append("a", new Blob([aText], {type: "application/json"}), "a.json");
		form.append("b", new Blob([bText], {type: "application/json"}), "b.json");
		return parse(await request(PATHS.diff, {method: "POST", body: form, signal: signal}), "the diff");
	}

	ms.api = {
		report: report,
		processes: function (signal) { return json(PATHS.processes, "the process table", signal); },
		kernel: function (signal) { return json(PATHS.kernel, "the kernel document", signal); },
		snapshot: snapshot,
		diff: diff,
		wait: wait
	};
})(window.memscope = window.memscope || {});
