using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rendering;

/// <summary>
/// Self-contained HTML for NotebookCalc values (inline styles, MathML, no script, no network): gradient results with
/// the derivations side by side, claim reports, matrices, expressions and diagnostics. User text is always escaped.
/// </summary>
public static class Html
{
    // Derivations: three columns where the page is wide enough (each at least 20em), one below the other where it is not;
    // an equation wraps at its operators (MathMlLayout.Equation), so nothing hides behind a scrollbar.
    private const string Style =
        "<style>.matcalc{font-family:system-ui,sans-serif;line-height:1.45}" +
        ".matcalc .mc-methods{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,20em),1fr));gap:1em;align-items:start}" +
        ".matcalc .mc-method{min-width:0;border:1px solid #ccc;border-radius:6px;padding:.5em .8em}" +
        ".matcalc .mc-eq{display:block;padding-left:1.5em;text-indent:-1.5em}.matcalc .mc-eq-inline{display:inline}" +
        ".matcalc .mc-values{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.matcalc .mc-values>div{max-width:100%;overflow-wrap:anywhere}" +
        ".matcalc h4{margin:.2em 0 .5em}.matcalc ol{padding-left:1.4em;margin:0}.matcalc li{margin:.35em 0}" +
        ".matcalc .mc-rule{display:block;font-size:.8em;color:#666}.matcalc .mc-rule code{font-family:ui-monospace,monospace}" +
        ".matcalc .mc-ok{color:#11772d;font-weight:600}.matcalc .mc-bad{color:#b00020;font-weight:600}" +
        ".matcalc table.mc-matrix{border-collapse:collapse;border-left:2px solid #333;border-right:2px solid #333;font-family:ui-monospace,monospace;font-size:.9em}" +
        ".matcalc table.mc-matrix td{padding:.1em .5em;text-align:right}.matcalc td.mc-diff{background:#ffd7d7}" +
        ".matcalc .mc-label{font-size:.8em;color:#666}.matcalc pre{white-space:pre-wrap;overflow-wrap:anywhere}.matcalc pre.mc-diag{background:#fff4f4;padding:.5em;border-left:3px solid #b00020}</style>";

    /// <summary>Escapes the five markup characters and leaves other Unicode readable.</summary>
    public static string Escape(string s) =>
        s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    private static string Wrap(string body) => $"<div class=\"matcalc\">{Style}{body}</div>";

    /// <summary>W ∈ ℝⁿˣᵐ for each symbol.</summary>
    private static string Shapes(IEnumerable<Symbol> symbols) =>
        string.Join("<span>, </span>", symbols.Select(s =>
            $"<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow>{MathMlPrinter.Name(s.Name)}<mo>∈</mo>" +
            (s.Shape.IsScalar ? "<mi>ℝ</mi>" :
                $"<msup><mi>ℝ</mi><mrow><mi>{Escape(s.Shape.Rows.ToString()!)}</mi><mo>×</mo><mi>{Escape(s.Shape.Cols.ToString()!)}</mi></mrow></msup>") +
            "</mrow></math>"));

    /// <summary>A block equation that wraps at its operators.</summary>
    private static string Eq(string? lhs, string rhs) => $"<span class=\"mc-eq\">{MathMlLayout.Equation(lhs, rhs)}</span>";

    /// <summary>The same, in the running text.</summary>
    private static string InlineEq(string? lhs, string rhs) => $"<span class=\"mc-eq-inline\">{MathMlLayout.Equation(lhs, rhs, displayStyle: false)}</span>";

    private static string DisplayEq(string? lhs, string rhs) => $"<span class=\"mc-eq-inline\">{MathMlLayout.Equation(lhs, rhs)}</span>";

    private static string Rules(DerivationStep s) =>
        $"<span class=\"mc-rule\">{string.Join(", ", s.Rules.Select(r => $"<code>{Escape(r)}</code>"))}</span>";

    public static string Gradient(GradientResult r)
    {
        var sb = new StringBuilder();
        sb.Append("<p>").Append(InlineEq("<mi>f</mi>", MathMlPrinter.Row(r.Function.Expr))).Append("<br><span class=\"mc-label\">")
          .Append(Shapes(r.Function.Symbols)).Append("</span></p>");
        sb.Append("<div class=\"mc-methods\">");
        foreach (var m in r.Methods)
        {
            sb.Append($"<section class=\"mc-method\"><h4>{Escape(DerivationFormat.MethodTitle(m.Method))}</h4>");
            if (!m.Succeeded)
                sb.Append($"<p class=\"mc-bad\">not applicable</p><p>{Escape(m.Unsupported ?? "")}</p>");
            else
            {
                sb.Append("<ol>");
                foreach (var s in m.Steps)
                {
                    sb.Append($"<li>{Eq(MathMlPrinter.Row(s.Lhs), MathMlPrinter.Row(s.Rhs))}{Rules(s)}</li>");
                }
                sb.Append("</ol>");
            }
            sb.Append("</section>");
        }
        sb.Append("</div>");
        sb.Append("<p><b>Result</b> ").Append(DisplayEq(MathMlLayout.Partial(r.Variable.Name), MathMlPrinter.Row(r.Gradient))).Append("</p>");
        if (r.Convention is not null) sb.Append($"<p class=\"mc-note\">{Escape(r.Convention)}</p>");
        if (r.Methods.Count(m => m.Succeeded) > 1)
            sb.Append(r.Agree ? $"<p class=\"mc-ok\">✓ the methods agree ({Escape(r.AgreementBasis)})</p>" : $"<p class=\"mc-bad\">✗ the methods disagree ({Escape(r.AgreementBasis)})</p>");
        if (r.Check is not null)
            sb.Append($"<p class=\"{(r.Check.Passed ? "mc-ok" : r.Check.Skipped ? "mc-label" : "mc-bad")}\">check: {Escape(r.Check.Summary)}</p>");
        return Wrap(sb.ToString());
    }

    /// <param name="showAnswer">False: the derived formula is left out; the verdict, the counterexample (the numbers that
    /// prove the claim wrong at one instance) and the hints remain.</param>
    public static string Claim(ClaimReport c, string variable, bool showAnswer = true)
    {
        var sb = new StringBuilder();
        sb.Append($"<p class=\"{(c.Right ? "mc-ok" : "mc-bad")}\">{(c.Right ? "✓" : "✗")} {Escape(c.Verdict)}</p>");
        if (showAnswer && c.Basis is { Instances.Count: > 0 } basis) sb.Append($"<p class=\"mc-note\">basis: {Escape(basis.Summary)}</p>");
        if (c.Claim is not null) sb.Append("<p>claim: ").Append(InlineEq(null, MathMlPrinter.Row(c.Claim))).Append("</p>");
        if (showAnswer) sb.Append("<p>derived: ").Append(InlineEq(DerivedLabel(c, variable), MathMlPrinter.Row(c.Gradient))).Append("</p>");
        else sb.Append("<p class=\"mc-note\">derived formula hidden (--answer hidden)" +
            (c.Counterexample is not null ? ": the counterexample shows where the claim goes wrong" : "") + "</p>");
        // A shape diagnostic's hint lists products that fit — with the answer hidden it could give the answer away.
        foreach (var d in c.ClaimDiagnostics) sb.Append($"<pre class=\"mc-diag\">{Escape(d.Message + (d.Hint is null || !showAnswer ? "" : "\nhint: " + d.Hint))}</pre>");
        if (c.Counterexample is { } ce)
        {
            sb.Append($"<p>Counterexample (seed {ce.Seed}; {Escape(string.Join(", ", ce.Sizes.Select(p => $"{p.Key}={p.Value}")))}):</p><div class=\"mc-values\">");
            foreach (var (name, value) in ce.Values.OrderBy(p => p.Key, StringComparer.Ordinal))
                sb.Append($"<div>{Label(MathMlPrinter.Name(name))}{Matrix(value, inner: true)}</div>");
            var diff = (showAnswer ? ce.Differences.Select(d => (d.Row, d.Col)) : ce.Differing).ToHashSet();
            // With the answer hidden, the derived gradient's values are not shown: the claim's, with the entries that differ.
            if (showAnswer) sb.Append($"<div>{Label(DerivedLabel(c, variable))}{Matrix(ce.Expected, inner: true, highlight: diff)}</div>");
            sb.Append($"<div>{Label("<mtext>claim</mtext>")}{Matrix(ce.Claimed, inner: true, highlight: diff)}</div></div>");
            if (!showAnswer)
                sb.Append($"<p>The claim differs from {Escape(c.Label(variable))} in the highlighted entries ({ce.Differing.Count} of {ce.Claimed.RowCount * ce.Claimed.ColumnCount}: " +
                          $"{Escape(DerivationFormat.Positions(ce))}); relative error ≈ {Escape(DerivationFormat.Rough(ce.RelativeError))}.</p>");
        }
        foreach (var h in c.Hints)
        {
            // A hint may carry a counterexample (the square case): its first line as text, the matrices as preformatted text.
            var cut = showAnswer ? h.IndexOf('\n') : -1;
            if (!showAnswer) { sb.Append($"<p>hint: {Escape(DerivationFormat.HiddenHint(h))}</p>"); continue; }
            sb.Append($"<p>hint: {Escape(cut < 0 ? h : h[..cut])}</p>");
            if (cut >= 0) sb.Append($"<pre class=\"mc-diag\">{Escape(h[(cut + 1)..])}</pre>");
        }
        return Wrap(sb.ToString());
    }

    /// <summary>∂f/∂X for a gradient claim, ∇²f[H] for a Hessian claim, the vec matrix's fraction for a vec-matrix claim.</summary>
    private static string DerivedLabel(ClaimReport c, string variable) => (c.Derivative, c.VecMatrix) switch
    {
        ("hessian", true) => $"<mfrac><mrow><msup><mo>∂</mo><mn>2</mn></msup><mi>f</mi></mrow><mrow><mo>∂</mo><mi>vec</mi><mo>&#x2061;</mo>{MathMlPrinter.Name(variable)}<mspace width=\"0.1667em\"/><mo>∂</mo><msup><mrow><mo>(</mo><mi>vec</mi><mo>&#x2061;</mo>{MathMlPrinter.Name(variable)}<mo>)</mo></mrow><mo>⊤</mo></msup></mrow></mfrac>",
        ("jacobian", true) => $"<mfrac><mrow><mo>∂</mo><mi>vec</mi><mo>&#x2061;</mo><mi>F</mi></mrow><mrow><mo>∂</mo><msup><mrow><mo>(</mo><mi>vec</mi><mo>&#x2061;</mo>{MathMlPrinter.Name(variable)}<mo>)</mo></mrow><mo>⊤</mo></msup></mrow></mfrac>",
        _ => c.Derivative switch
        {
            "hessian" => HessianLabel(c.Direction ?? "H"),
            "jacobian" => $"<mrow><mi>D</mi><mi>F</mi><mo>(</mo>{MathMlPrinter.Name(variable)}<mo>)</mo><mo>[</mo>{MathMlPrinter.Name(c.Direction ?? "H")}<mo>]</mo></mrow>",
            _ => MathMlLayout.Partial(variable),
        },
    };

    private static string HessianLabel(string direction) =>
        $"<mrow><msup><mo>∇</mo><mn>2</mn></msup><mi>f</mi><mo>[</mo>{MathMlPrinter.Name(direction)}<mo>]</mo></mrow>";

    public static string Hessian(HessianResult r) => Derived(r.Function, r.Methods, DerivationFormat.HessianMethodTitle, "Hessian",
        HessianLabel(r.Direction.Name), r.Map, "vec Hessian", r.VecForm, r.VecUnsupported, HessianResult.Layout, r.Convention, r.Agree, r.AgreementBasis,
        r.Check is null ? null : (r.Check.Passed, r.Check.Skipped, r.Check.Summary));

    public static string Jacobian(JacobianResult r) => Derived(r.Function, r.Methods, DerivationFormat.JacobianMethodTitle, "Jacobian",
        $"<mrow><mi>D</mi><mi>F</mi><mo>(</mo>{MathMlPrinter.Name(r.Variable.Name)}<mo>)</mo><mo>[</mo>{MathMlPrinter.Name(r.Direction.Name)}<mo>]</mo></mrow>",
        r.Map, "vec Jacobian", r.VecForm, r.VecUnsupported, JacobianResult.Layout, null, r.Agree, r.AgreementBasis,
        r.Check is null ? null : (r.Check.Passed, r.Check.Skipped, r.Check.Summary));

    /// <summary>A second-order or Jacobian result: the derivations side by side, the map, its vec matrix, agreement and check.</summary>
    private static string Derived(Expression f, IReadOnlyList<Derivation> methods, Func<string, string> title, string what, string mapLabel, Expr map,
        string vecWhat, Expr? vec, string? vecUnsupported, string layout, string? convention, bool agree, string basis, (bool Passed, bool Skipped, string Summary)? check)
    {
        var sb = new StringBuilder();
        sb.Append("<p>").Append(InlineEq("<mi>f</mi>", MathMlPrinter.Row(f.Expr))).Append("<br><span class=\"mc-label\">")
          .Append(Shapes(f.Symbols)).Append("</span></p>");
        sb.Append("<div class=\"mc-methods\">");
        foreach (var m in methods)
        {
            sb.Append($"<section class=\"mc-method\"><h4>{Escape(title(m.Method))}</h4>");
            if (!m.Succeeded)
                sb.Append($"<p class=\"mc-bad\">not applicable</p><p>{Escape(m.Unsupported ?? "")}</p>");
            else
            {
                sb.Append("<ol>");
                foreach (var s in m.Steps)
                    sb.Append($"<li>{Eq(MathMlPrinter.Row(s.Lhs), MathMlPrinter.Row(s.Rhs))}{Rules(s)}</li>");
                sb.Append("</ol>");
            }
            sb.Append("</section>");
        }
        sb.Append("</div>");
        sb.Append($"<p><b>{Escape(what)}</b> ").Append(DisplayEq(mapLabel, MathMlPrinter.Row(map))).Append("</p>");
        if (vec is not null)
            sb.Append($"<p><b>{Escape(vecWhat)}</b> ").Append(DisplayEq(null, MathMlPrinter.Row(vec))).Append("</p>");
        else
            sb.Append($"<p class=\"mc-label\">no Kronecker form: {Escape(vecUnsupported ?? "")}</p>");
        sb.Append($"<p class=\"mc-label\">layout: {Escape(layout)}</p>");
        if (convention is not null) sb.Append($"<p class=\"mc-note\">{Escape(convention)}</p>");
        if (methods.Count(m => m.Succeeded) > 1)
            sb.Append(agree ? $"<p class=\"mc-ok\">✓ the methods agree ({Escape(basis)})</p>" : $"<p class=\"mc-bad\">✗ the methods disagree ({Escape(basis)})</p>");
        if (check is { } c)
            sb.Append($"<p class=\"{(c.Passed ? "mc-ok" : c.Skipped ? "mc-label" : "mc-bad")}\">check: {Escape(c.Summary)}</p>");
        return Wrap(sb.ToString());
    }

    private static string Label(string mathMl) =>
        $"<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow>{mathMl}<mo>=</mo></mrow></math>";

    /// <summary>Significant digits of matrix entries in HTML and LaTeX (configurable from a notebook).</summary>
    public static int MatrixDigits { get; set; } = 4;

    /// <summary>A bracketed table; rows/columns beyond <paramref name="maxRows"/>×<paramref name="maxCols"/> are elided with ….</summary>
    public static string Matrix(Matrix<double> m, int? digits = null, int maxRows = 8, int maxCols = 8, bool inner = false, ISet<(int, int)>? highlight = null)
    {
        var precision = digits ?? MatrixDigits;
        static List<int?> Pick(int n, int max) => n <= max
            ? Enumerable.Range(0, n).Select(i => (int?)i).ToList()
            : [.. Enumerable.Range(0, max / 2).Select(i => (int?)i), null, .. Enumerable.Range(n - (max - max / 2 - 1), max - max / 2 - 1).Select(i => (int?)i)];
        var rows = Pick(m.RowCount, maxRows);
        var cols = Pick(m.ColumnCount, maxCols);
        var sb = new StringBuilder($"<table class=\"mc-matrix\" title=\"{m.RowCount}×{m.ColumnCount}\">");
        // Column labels (1-based) above, row labels on the left.
        sb.Append("<tr><td></td>");
        foreach (var j in cols) sb.Append($"<td class=\"mc-label\">{(j is null ? "…" : (j + 1).ToString())}</td>");
        sb.Append("</tr>");
        foreach (var i in rows)
        {
            sb.Append($"<tr><td class=\"mc-label\">{(i is null ? "⋮" : (i + 1).ToString())}</td>");
            foreach (var j in cols)
            {
                if (i is null || j is null) { sb.Append(i is null && j is not null ? "<td>⋮</td>" : "<td>…</td>"); continue; }
                var hl = highlight is not null && highlight.Contains((i.Value, j.Value)) ? " class=\"mc-diff\"" : "";
                sb.Append($"<td{hl}>{Escape(MatrixText.Number(m[i.Value, j.Value], precision))}</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append($"</table><span class=\"mc-label\">{m.RowCount}×{m.ColumnCount}</span>");
        return inner ? sb.ToString() : Wrap(sb.ToString());
    }

    /// <summary>\begin{bmatrix}…\end{bmatrix} with the same elision.</summary>
    public static string MatrixLatex(Matrix<double> m, int? digits = null, int max = 8)
    {
        var precision = digits ?? MatrixDigits;
        var sb = new StringBuilder("\\begin{bmatrix}");
        var rows = Enumerable.Range(0, Math.Min(m.RowCount, max)).ToList();
        var cols = Enumerable.Range(0, Math.Min(m.ColumnCount, max)).ToList();
        sb.Append(string.Join(" \\\\ ", rows.Select(i => string.Join(" & ", cols.Select(j => LatexPrinter.Number(double.Parse(MatrixText.Number(m[i, j], precision), CultureInfo.InvariantCulture))))
            + (m.ColumnCount > max ? " & \\cdots" : ""))));
        if (m.RowCount > max) sb.Append(" \\\\ \\vdots");
        return sb.Append("\\end{bmatrix}").ToString();
    }

    public static string Expression(Expression e) =>
        Wrap($"<p>{MathMlPrinter.Math(e.Expr)} <span class=\"mc-label\">({Escape(e.Shape.ToString())})</span><br>" +
             $"<span class=\"mc-label\">{Shapes(e.Symbols)}</span></p>" +
             string.Concat(e.Notes.Select(n => $"<p class=\"mc-label\">note: {Escape(n.Message)}</p>")));

    /// <summary>The diagnostics with the offending span of the source marked.</summary>
    public static string Diagnostics(string source, IEnumerable<Diagnostic> diagnostics)
    {
        var sb = new StringBuilder();
        foreach (var d in diagnostics)
        {
            var start = Math.Clamp(d.Span.Start, 0, source.Length);
            var end = Math.Clamp(d.Span.End, start, source.Length);
            var marked = start == end && end < source.Length ? end + 1 : end;
            // A long source is quoted around the span (an over-long expression must not be echoed whole).
            const int around = DiagnosticFormatter.MaxQuote / 2;
            var before = start > around ? "…" + source[(start - around)..start] : source[..start];
            var mark = marked - start > DiagnosticFormatter.MaxQuote ? source[start..(start + DiagnosticFormatter.MaxQuote)] + "…" : source[start..marked];
            var after = source.Length - marked > around ? source[marked..(marked + around)] + "…" : source[marked..];
            sb.Append($"<pre class=\"mc-diag\"><b>{Escape(d.Severity.ToString().ToLowerInvariant())} {Escape(d.Id)}</b>: {Escape(d.Message)}\n")
              .Append(Escape(before)).Append("<mark>").Append(Escape(mark)).Append("</mark>").Append(Escape(after))
              .Append(d.Hint is null ? "" : $"\nhint: {Escape(d.Hint)}").Append("</pre>");
        }
        return Wrap(sb.ToString());
    }

    public static string Text(string text) => Wrap($"<pre>{Escape(text)}</pre>");

    internal static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
