// Checks a rendered page as a reader sees it (run by PageTests in headless Chromium, one iframe per page and width):
// no element whose content overflows its box, no raw underscores or TeX in visible text, every <math> laid out.
// Returns a list of problems, each {kind, where, text}.
function matcalcCheckPage(doc, win) {
  const problems = [];
  const describe = e => {
    const parts = [];
    for (let x = e; x && x !== doc.body && parts.length < 4; x = x.parentElement)
      parts.unshift(x.tagName.toLowerCase() + (x.className && typeof x.className === 'string' ? '.' + x.className.split(' ')[0] : ''));
    const section = e.closest('section, .matcalc, .out, p, li');
    return parts.join('>') + ' in "' + (section ? section.textContent : e.textContent).replace(/\s+/g, ' ').trim().slice(0, 80) + '"';
  };
  const skip = e => e.closest('script, style, .plotly, .js-plotly-plot, svg');
  const visible = e => e.getClientRects().length > 0 && win.getComputedStyle(e).visibility !== 'hidden';
  const viewport = doc.documentElement.clientWidth;
  if (doc.documentElement.scrollWidth > viewport + 1)
    problems.push({ kind: 'page-scrolls', where: 'html', text: 'page is ' + doc.documentElement.scrollWidth + 'px wide in a ' + viewport + 'px viewport' });

  for (const e of doc.body.querySelectorAll('*')) {
    if (skip(e) || !visible(e)) continue;
    const inMath = e.parentElement && e.parentElement.closest('math');
    if (inMath) continue; // a formula is checked as a whole
    const cs = win.getComputedStyle(e);
    // The content of a box fits its width: not clipped, not behind a scrollbar, not spilling over (text included).
    if (!cs.display.startsWith('inline') && e.tagName !== 'MATH' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      problems.push({ kind: ['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX) ? 'scrolls' : 'overflows',
        where: describe(e), text: e.scrollWidth + 'px of content in ' + e.clientWidth + 'px' });
    // Every element inside the box that holds it (the nearest block container that is not inline).
    let box = e.parentElement;
    while (box && box !== doc.body && win.getComputedStyle(box).display.startsWith('inline')) box = box.parentElement;
    if (!box) continue;
    const r = e.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.width > 0 && (r.right > b.right + 1 || r.left < b.left - 1))
      problems.push({ kind: 'overflows', where: describe(e), text: Math.round(r.right - b.right) + 'px beyond its ' + box.tagName.toLowerCase() });
  }

  // Text a reader sees: no TeX commands, no sub/superscript syntax (code and preformatted cells are code).
  const walker = doc.createTreeWalker(doc.body, 4 /* text */);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const p = t.parentElement;
    if (!p || skip(p) || p.closest('code, pre, kbd, samp, title') || !visible(p)) continue;
    const s = t.textContent;
    const m = s.match(/[A-Za-z0-9)\]}]_[{A-Za-z0-9]|\\[A-Za-z]+|\^\{|\$[^$\s]/);
    if (m) problems.push({ kind: p.closest('math') ? 'raw-tex-in-math' : 'raw-text', where: describe(p), text: s.trim().slice(0, 120) });
  }

  // Every formula laid out as mathematics: a box of its own, fractions stacked, scripts raised.
  for (const m of doc.querySelectorAll('math')) {
    if (!visible(m)) continue;
    const r = m.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0) || !win.getComputedStyle(m).display.includes('math'))
      problems.push({ kind: 'math-not-laid-out', where: describe(m), text: m.textContent.slice(0, 80) });
  }
  for (const f of doc.querySelectorAll('mfrac')) {
    if (!visible(f) || f.children.length !== 2) continue;
    const num = f.children[0].getBoundingClientRect(), den = f.children[1].getBoundingClientRect();
    if (!(num.bottom <= den.top + 1)) problems.push({ kind: 'fraction-not-stacked', where: describe(f), text: f.textContent.slice(0, 80) });
  }
  for (const s of doc.querySelectorAll('msup')) {
    if (!visible(s) || s.children.length !== 2) continue;
    const base = s.children[0].getBoundingClientRect(), sup = s.children[1].getBoundingClientRect();
    if (!(sup.top < base.top && sup.left >= base.right - 1)) problems.push({ kind: 'superscript-not-raised', where: describe(s), text: s.textContent.slice(0, 80) });
  }
  return problems;
}

// The harness: every iframe of the page is checked when all have loaded; the report is written into the page for
// `chromium --dump-dom` to print.
window.addEventListener('load', () => {
  const report = [];
  for (const f of document.querySelectorAll('iframe')) {
    const doc = f.contentDocument;
    if (!doc || !doc.body) { report.push({ page: f.dataset.page, width: f.dataset.width, maths: 0, problems: [{ kind: 'not-loaded', where: f.src, text: '' }] }); continue; }
    report.push({ page: f.dataset.page, width: f.dataset.width, maths: doc.querySelectorAll('math').length, problems: matcalcCheckPage(doc, f.contentWindow) });
  }
  const out = document.createElement('pre');
  out.id = 'matcalc-report';
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
