using CsCheck;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Language;

/// <summary>Every LaTeX string NotebookCalc produces must render under KaTeX strict mode (checked by KaTeX itself).</summary>
public class LatexTests
{
    private static void AllValid(IEnumerable<string> latex)
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var failures = Katex.Validate(latex).Where(r => !r.Ok).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10).Select(f => $"{f.Latex}\n   → {f.Error}")));
    }

    [Theory]
    [InlineData("λ₁/2 tr(W W') + λ₂/2 tr(W inv(Omega) W')", "W: n x m; Omega: m x m symmetric; lambda1, lambda2: scalar", "\\frac{\\lambda_1}{2} \\operatorname{tr}\\left(W W^\\top\\right) + \\frac{\\lambda_2}{2} \\operatorname{tr}\\left(W \\Omega^{-1} W^\\top\\right)")]
    [InlineData("ln det(W W' + sigma^2 I)", "W: n x m", "\\ln\\det\\left(W W^\\top + \\sigma^2 I\\right)")]
    [InlineData("‖W ⊙ (A − U Vᵀ)‖²_F", "W: n x m; A: n x m; U: n x k; V: m x k", "\\left\\lVert W \\odot \\left(A - U V^\\top\\right)\\right\\rVert_F^2")]
    [InlineData("norm(X W Z - X)^2", "X: n x d; W: d x k", "\\left\\lVert X W Z - X\\right\\rVert_F^2")]
    [InlineData("inv(Omega)'", "Omega: m x m", "\\Omega^{-\\top}")]
    [InlineData("inv(inv(B'))", "B: n x n", "\\left(\\left(B^\\top\\right)^{-1}\\right)^{-1}")]
    [InlineData("X .^ 2 ./ Y", "X: n x m; Y: n x m", "X^{\\circ 2} \\oslash Y")]
    [InlineData("kron(A, B) + I", "A: n x n; B: m x m", "A \\otimes B + I")]
    [InlineData("(x' A x) / (x' x)", "A: n x n", "\\frac{x^\\top A x}{x^\\top x}")]
    [InlineData("1e-12 A", "A: n x n", "10^{-12} A")]
    [InlineData("2 3 A", "A: n x n", "2 \\cdot 3 A")]
    [InlineData("-(A B)", "A: n x n; B: n x n", "-\\left(A B\\right)")]
    [InlineData("A (-B)", "A: n x n; B: n x n", "A \\left(-B\\right)")]
    [InlineData("sqrt(x' x) + abs(s) + exp(s)", "x: n; s: scalar", "\\sqrt{x^\\top x} + \\left\\lvert s\\right\\rvert + \\exp\\left(s\\right)")]
    public void Textbook_style(string expr, string where, string latex) => Assert.Equal(latex, MatCalc.Parse(expr, where).Latex);

    [Fact]
    public void Names_render_as_textbook_symbols()
    {
        Assert.Equal("\\lambda_1", LatexPrinter.Name("lambda1"));
        Assert.Equal("\\Omega", LatexPrinter.Name("Omega"));
        Assert.Equal("\\varepsilon", LatexPrinter.Name("epsilon"));
        Assert.Equal("W_2", LatexPrinter.Name("W_2"));
        Assert.Equal("W_{12}", LatexPrinter.Name("W12"));
        Assert.Equal("l_1", LatexPrinter.Name("l1"));
        Assert.Equal("\\mathit{logits}", LatexPrinter.Name("logits"));
        Assert.Equal("x_{\\mathit{ab}}", LatexPrinter.Name("x_ab"));
    }

    [Fact]
    public void Every_table_row_renders_under_katex_strict() =>
        AllValid(LanguageTableTests.Rows.SelectMany(row => ((string[])row[1]).Append((string)row[0]))
            .Where(s => s.Length > 0).Select(s => MatCalc.Parse(s, LanguageTableTests.Where).Latex));

    [Fact]
    public void Generated_expressions_render_under_katex_strict()
    {
        var latex = new List<string>();
        ExprGen.ForAll(e => latex.Add(LatexPrinter.Print(e)), iter: 2000);
        latex.AddRange(new[] { "lambda1", "Omega", "epsilon", "W_2", "W12", "x_ab", "logits", "sigma_max", "Gamma3" }.Select(LatexPrinter.Name));
        AllValid(latex);
    }
}
