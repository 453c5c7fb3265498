using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Rendering;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Exercise sheets (--answer hidden) do not leak the answer: the counterexample says which entries differ and the relative
/// error to one digit, never a value of the derived gradient nor a per-entry difference (with the claim's value at the
/// instance, which the student can compute, either would give the answer away).
/// </summary>
public class HiddenAnswerTests
{
    /// <summary>Everything a student sees with the answer hidden: text, HTML and JSON.</summary>
    private static string Printed(ClaimReport r, string wrt, bool show = false)
    {
        var json = NotebookCalc.Cli.Cli.ClaimJson(r, wrt);
        if (!show) NotebookCalc.Cli.Cli.HideAnswer(json, r);
        return DerivationFormat.Text(r, wrt, show) + "\n" + Html.Claim(r, wrt, show) + "\n" + NotebookCalc.Cli.Cli.ToJson(json);
    }

    [Theory]
    [InlineData("tr(X' B)", "X: n x m; B: n x m", "X", "2 B")] // u01-e1: the answer's entries are B's, shown as an input
    [InlineData("tr(X' B)", "X: n x m; B: n x m", "X", "B + X")]
    [InlineData("x' A x", "A: n x n; x: n", "x", "A x")]
    [InlineData("norm(W .* (A - U V'))^2", "W: n x m; A: n x m; U: n x k; V: m x k", "U", "-2 (W .* (A - U V')) V")]
    [InlineData("s^2 tr(A)", "A: n x n; s: scalar", "s", "s tr(A)")] // one entry
    public void No_entry_of_the_derived_gradient_can_be_recovered_from_a_hidden_counterexample(string f, string where, string wrt, string claim)
    {
        var report = MatCalc.Check(MatCalc.Parse(f, where), wrt, claim);
        var ce = Assert.IsType<Counterexample>(report.Counterexample);
        Assert.NotEmpty(ce.Differing);
        var printed = Printed(report, wrt);
        Assert.DoesNotContain("expected", printed);
        Assert.Contains("relative error", printed);

        // Another gradient, each differing entry moved by at least 5% of its difference from the claim (or reflected
        // through the claim), with the per-entry differences scrambled, prints exactly the same: the printed numbers and
        // the claim's value do not determine any entry of the derived gradient.
        var d = ce.Expected - ce.Claimed;
        var scrambled = ce.Differences.Select(x => (x.Row, x.Col, x.Expected * 3 + 1, x.Claimed)).ToList();
        var alternatives = new[] { 1.05, 0.95, 1.1, 0.9, -1.0, -1.05, -0.95 }
            .Select(t => report with { Counterexample = ce with { Expected = ce.Claimed + t * d, Differences = scrambled } }).ToList();
        var same = alternatives.FirstOrDefault(a => Printed(a, wrt) == printed);
        Assert.True(same is not null, "every other gradient prints differently: the hidden counterexample pins the answer down");
        var other = same!.Counterexample!.Expected;
        foreach (var (i, j) in ce.Differing)
            Assert.True(Math.Abs(other[i, j] - ce.Expected[i, j]) >= 0.05 * Math.Abs(d[i, j]) * 0.999, $"entry ({i + 1},{j + 1})");
        // The shown answer does tell them apart (so the comparison above can fail).
        Assert.NotEqual(Printed(report, wrt, show: true), Printed(same, wrt, show: true));
    }

    [Fact]
    public void A_hidden_counterexample_lists_every_differing_entry_in_order_and_rounds_the_error()
    {
        var report = MatCalc.Check(MatCalc.Parse("tr(X' B)", "X: n x m; B: n x m"), "X", "2 B");
        var ce = report.Counterexample!;
        Assert.Equal(ce.Claimed.RowCount * ce.Claimed.ColumnCount, ce.Differing.Count); // 2B differs from B everywhere
        Assert.Equal(ce.Differing.Order().ToList(), ce.Differing.ToList());
        var text = DerivationFormat.Text(report, "X", showAnswer: false);
        Assert.Contains($"in {ce.Differing.Count} of {ce.Differing.Count} entries: (1,1), (1,2)", text);
        Assert.Contains("≈ 0.5 ", text);
        Assert.DoesNotContain("basis:", text);
        Assert.Equal("0.6", DerivationFormat.Rough(0.55));
        Assert.Equal("0.03", DerivationFormat.Rough(0.0312));
        Assert.Equal("3e-5", DerivationFormat.Rough(3.2e-5));
        Assert.Equal("0", DerivationFormat.Rough(0));
    }
}
