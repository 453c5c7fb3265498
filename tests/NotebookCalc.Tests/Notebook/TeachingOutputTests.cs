using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;

namespace NotebookCalc.Tests.Notebook;

/// <summary>How derivations and verdicts read to a student: found while writing the course.</summary>
public class TeachingOutputTests
{
    [Fact]
    public void An_exercise_sheet_can_hide_the_derived_gradient_but_keeps_the_counterexample()
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"X: n x n\"");
        var shown = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\"")));
        var hidden = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\" --answer hidden")));
        Assert.False(hidden.Report.Right);
        Assert.Contains("2 X'", Formats.Of(shown)[Formats.Plain]);
        Assert.DoesNotContain("2 X'", Formats.Of(hidden)[Formats.Plain]);
        Assert.Contains("Counterexample", Formats.Of(hidden)[Formats.Plain]);
        Assert.Contains("derived:", Formats.Of(shown)[Formats.Html]);
        Assert.DoesNotContain("derived:", Formats.Of(hidden)[Formats.Html]);
        Assert.Contains("Counterexample", Formats.Of(hidden)[Formats.Html]);
        // The grader reads the claim whatever --answer says.
        var wrong = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\" --answer maybe")));
        Assert.Equal("MC4003", wrong.Diagnostics[0].Id);

        var (code, text, _) = NotebookCalc.Tests.Cli.CliTests.Run("check", "tr(X X)", "--wrt", "X", "--claim", "2 X", "--where", "X: n x n", "--answer", "hidden");
        Assert.Equal(1, code);
        Assert.DoesNotContain("2 X'", text);
        var (_, json, _) = NotebookCalc.Tests.Cli.CliTests.Run("check", "tr(X X)", "--wrt", "X", "--claim", "2 X", "--where", "X: n x n", "--answer", "hidden", "--format", "json");
        Assert.DoesNotContain("\"gradient\"", json);
        Assert.Contains("\"counterexample\"", json);
    }

    [Theory]
    [InlineData("B : (X + H)", "B : (X + H)", @"B : \left(X + H\right)")]
    [InlineData("(A x + A' x) : y", "(A x + A' x) : y", null)]
    [InlineData("A : B C", "A : B C", null)]
    public void A_sum_beside_a_Frobenius_product_is_bracketed(string input, string text, string? latex)
    {
        var e = MatCalc.Parse(input, "A: n x n; B: n x n; X: n x n; H: n x n; x: n; y: n; C: n x n");
        Assert.Equal(text, e.Text);
        if (latex is not null) Assert.Equal(latex, e.Latex);
        Assert.Equal(text.Contains('('), MathMlPrinter.Math(e.Expr).Contains("<mo>(</mo>", StringComparison.Ordinal));
        Assert.Equal(e.Text, MatCalc.Parse(e.Text, "A: n x n; B: n x n; X: n x n; H: n x n; x: n; y: n; C: n x n").Text); // prints back to itself
    }

    [Fact]
    public void Index_letters_never_reuse_the_name_of_a_symbol()
    {
        var f = MatCalc.Parse("a' X b + tr(S X' i)", "a: n; X: n x m; b: m; S: m x m; i: n x m");
        var index = MatrixCalculus.Gradient(f, "X").Methods.Single(m => m.Method == IndexMethod.Name);
        foreach (var step in index.Steps)
            foreach (var sym in new[] { "a", "b", "i" })
                Assert.DoesNotMatch($@"_{sym}\b|_{sym}[a-z]\b|_[a-z]{sym}\b|δ_\w*{sym}", step.Text);
    }
}
