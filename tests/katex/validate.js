// Reads a JSON array of LaTeX strings on stdin; renders each with KaTeX in strict mode (display math, errors thrown);
// writes [{latex, ok, error}] to stdout. One process validates thousands of strings.
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", chunk => (input += chunk));
process.stdin.on("end", () => {
  const strings = JSON.parse(input);
  const results = strings.map(latex => {
    try {
      katex.renderToString(latex, { throwOnError: true, strict: "error", displayMode: true, trust: false });
      return { latex, ok: true, error: null };
    } catch (e) {
      return { latex, ok: false, error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
