using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using Html = NotebookCalc.Rendering.Html;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>MatCalcSession driven with the exact magic-command lines of LANGUAGE.md §3, and the formatters.</summary>
public class SessionTests
{
    private static string HtmlOf(object value) => Formats.Of(value)[Formats.Html];

    private static IEnumerable<string> MathElements(string html) =>
        Regex.Matches(html, "<math[\\s\\S]*?</math>").Select(m => m.Value);

    private static void MathMlIsWellFormed(string html)
    {
        var elements = MathElements(html).ToList();
        Assert.NotEmpty(elements);
        foreach (var m in elements)
        {
            var x = XElement.Parse(m); // throws on malformed XML
            Assert.Equal("{http://www.w3.org/1998/Math/MathML}math", x.Name.ToString());
        }
    }

    [Fact]
    public void The_language_contract_examples_run_in_order()
    {
        var s = new MatCalcSession();
        var let = Assert.IsType<Message>(Assert.Single(s.Run("#!matcalc let \"W: n x m; Omega: m x m symmetric; l1: scalar; l2: scalar\"")));
        Assert.Contains("Omega: m x m symmetric", let.Text);
        Assert.Equal(["W", "Omega", "l1", "l2"], s.DeclaredSymbols());

        var g = Assert.IsType<GradientResult>(Assert.Single(s.Run("#!matcalc gradient \"l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')\" --wrt W")));
        Assert.Equal("W (l1 I_m + l2 inv(Omega))", g.Gradient.ToString());
        var html = HtmlOf(g);
        Assert.Contains("Gâteaux", html);
        Assert.Contains("Index notation", html);
        Assert.Contains("Frobenius-product differential", html);
        Assert.Contains("the methods agree", html);
        MathMlIsWellFormed(html);
        Assert.Contains("\\begin{align*}", Formats.Of(g)[Formats.Latex]);

        var g2 = Assert.IsType<GradientResult>(Assert.Single(s.Run("#!matcalc gradient \"ln det(W W' + s^2 I)\" --wrt W --method gateaux")));
        Assert.Equal(["gateaux"], g2.Methods.Select(m => m.Method));

        // X and Z are not declared in this notebook: the session asks for a declaration (as a diagnostic, not an exception).
        var c = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc check \"norm(X W Z - X)^2\" --wrt W --claim \"2 X'X Z W Z' - 2 X'X Z\"")));
        Assert.Equal("MC1015", c.Diagnostics[0].Id);
        Assert.Contains("declare", c.Diagnostics[0].Hint, StringComparison.OrdinalIgnoreCase);

        // U V' has an inner dimension nothing determines: first a diagnostic asking for a declaration, then after `let` the shape.
        Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc show \"W ⊙ (A - U V')\"")));
        s.Run("#!matcalc let \"U: n x k; V: m x k\"");
        var e = Assert.IsType<Expression>(Assert.Single(s.Run("#!matcalc show \"W ⊙ (A - U V')\"")));
        Assert.Equal("n×m", e.Shape.ToString());
        MathMlIsWellFormed(HtmlOf(e));

        var help = Assert.IsType<Message>(Assert.Single(s.Run("#!matcalc help")));
        foreach (var sub in MatCalcSession.Subcommands) Assert.Contains($"#!matcalc {sub.Name}", help.Text);
        Assert.Contains("denominator layout", help.Text);
    }

    [Fact]
    public void Seed004_claim_in_a_session_shows_the_counterexample_highlighted()
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"X: n x n; W: n x n; Z: n x n\"");
        var c = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"norm(X W Z - X)^2\" --wrt W --claim \"2 X'X Z W Z' - 2 X'X Z\"")));
        Assert.False(c.Report.Right);
        var html = HtmlOf(c);
        Assert.Contains("class=\"mc-diff\"", html);
        Assert.Contains("✗", html);
        MathMlIsWellFormed(html);
    }

    [Theory]
    [InlineData("#!matcalc gradient \"W W\" --wrt W", "MC1005")]
    [InlineData("#!matcalc gradient \"tr(W W')\"", "MC4002")]
    [InlineData("#!matcalc gradient tr(W W') --wrt W", "MC4002")]
    [InlineData("#!matcalc gradient \"tr(W W')\" --wrt W --wrt W", "MC4002")]
    [InlineData("#!matcalc gradient \"tr(W W')\" --wrt W --method taylor", "MC4003")]
    [InlineData("#!matcalc gradient \"tr(W W')\" --wrt W --bogus 1", "MC4004")]
    [InlineData("#!matcalc frobnicate", "MC4001")]
    [InlineData("#!matcalc eval \"W\" --at /nonexistent/values.json", "MC3007")]
    public void Errors_display_as_diagnostics_not_exceptions(string line, string id)
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"W: n x m\"");
        var d = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run(line)));
        Assert.Equal(id, d.Diagnostics[0].Id);
        Assert.Contains("<mark>", HtmlOf(d));
    }

    [Fact]
    public void Html_escapes_user_text()
    {
        var s = new MatCalcSession();
        var d = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc show \"<script>alert(1)</script>\"")));
        var html = HtmlOf(d);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<b>", HtmlOf(new Message("<b>not bold</b>")));
    }

    [Fact]
    public void Eval_takes_json_text_and_shows_a_matrix()
    {
        var s = new MatCalcSession();
        var v = Assert.IsType<MatrixValue>(Assert.Single(s.Execute("eval", new Dictionary<string, string?> { ["expr"] = "A A'", ["--at"] = "{\"A\": [[1,2],[3,4]]}" })));
        Assert.Equal(5, v.Value[0, 0]);
        var html = HtmlOf(v);
        Assert.Contains("<table class=\"mc-matrix\"", html);
        Assert.Contains("2×2", html);
        Assert.Contains("\\begin{bmatrix}", Formats.Of(v)[Formats.Latex]);
    }

    [Fact]
    public void Matrix_precision_is_configurable_and_labels_show_indices()
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(2, 2, (i, j) => Math.PI * (i + 1));
        Assert.Contains(">3.142<", Html.Matrix(m));
        Assert.Contains(">3.14159<", Html.Matrix(m, digits: 6));
        Assert.Contains("<td class=\"mc-label\">2</td>", Html.Matrix(m));
        Assert.Contains("3.14159", Html.MatrixLatex(m, digits: 6));
        NotebookCalcFormatters.Register();
        var v = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense([1.0, 2.0]);
        Assert.Contains("mc-matrix", v.ToDisplayString("text/html"));
    }

    [Fact]
    public void Large_matrices_are_elided()
    {
        var big = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(50, 40, (i, j) => i + j);
        var html = Html.Matrix(big);
        Assert.Contains("…", html);
        Assert.Contains("50×40", html);
        Assert.True(Regex.Matches(html, "<tr>").Count <= 10);
    }

    [Fact]
    public void Latex_representations_render_under_katex_strict()
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(12, 12, (i, j) => i - 0.5 * j);
        var e = MatCalc.Parse("‖W ⊙ (A − U Vᵀ)‖²_F", "W: n x m; A: n x m; U: n x k; V: m x k");
        var latex = new[] { Html.MatrixLatex(m), Html.MatrixLatex(m.SubMatrix(0, 2, 0, 3)), Formats.Of(e)[Formats.Latex].Trim('$') };
        var bad = Katex.Validate(latex).Where(r => !r.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Latex + " → " + b.Error)));
    }

    [Fact]
    public void Generated_expressions_give_well_formed_mathml()
    {
        ExprGen.ForAll(x => { XElement.Parse(MathMlPrinter.Math(x)); }, iter: 2000);
    }

    [Fact]
    public void Formatters_register_with_the_interactive_formatter()
    {
        NotebookCalcFormatters.Register();
        var g = MatCalc.Gradient("tr(W W')", "W", "W: n x m");
        Assert.Contains("<math", g.ToDisplayString("text/html"));
        Assert.Contains("\\begin{align*}", g.ToDisplayString("text/latex"));
        Assert.Contains("∂f/∂W = 2 W", g.ToDisplayString("text/plain"));
    }
}
