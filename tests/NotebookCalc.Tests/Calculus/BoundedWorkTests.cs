using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Short inputs do bounded work: powers and repeated products are derived in a number of terms linear in the input
/// (one summation term for Xᵏ), every derivation has budgets, and exceeding one is a diagnostic — never a hang.
/// The assertions are on term counts and output sizes, not on time.
/// </summary>
public class BoundedWorkTests
{
    private static string Product(int factors) => string.Join(" ", Enumerable.Repeat("X", factors));

    /// <summary>The short inputs of issue 12 that ran for minutes (or printed megabytes) on main.</summary>
    public static TheoryData<string> ShortInputs => new()
    {
        "tr(X^1000000)",
        "tr(X^2000)",
        $"tr({Product(30)})",
        "norm(X^30)^2",
        $"tr({Product(16)})",
    };

    private static int Printed(Derivation d) => d.Steps.Sum(s => s.Text.Length);

    private static int PrintedLatex(Derivation d) => d.Steps.Sum(s => s.Latex.Length);

    [Theory]
    [MemberData(nameof(ShortInputs))]
    public void Every_method_answers_short_inputs_with_bounded_output(string f)
    {
        Assert.True(f.Length <= 63, f);
        var r = MatCalc.Gradient(f, "X", "X: n x n", new GradientOptions { Check = false });
        foreach (var m in r.Methods)
        {
            Assert.True(m.Succeeded, $"{m.Method}: {m.Unsupported}");
            // Tens of kilobytes at most (main printed 1.6 MB of text for 16 factors, and ran out of time for 30).
            Assert.True(Printed(m) < 40_000, $"{m.Method} prints {Printed(m):N0} characters for {f}");
            Assert.True(PrintedLatex(m) < 80_000, $"{m.Method} prints {PrintedLatex(m):N0} characters of LaTeX for {f}");
            Assert.True(m.Steps.Count <= 40, $"{m.Method} has {m.Steps.Count} steps");
            Assert.True(TextPrinter.Print(m.Gradient!).Length < 200, $"{m.Method}: {TextPrinter.Print(m.Gradient!)}");
        }
    }

    [Fact]
    public void The_gateaux_expansion_of_a_product_of_k_factors_has_k_first_order_terms()
    {
        var r = MatCalc.Gradient($"tr({Product(16)})", "X", "X: n x n", new GradientOptions { Method = "gateaux", Check = false });
        var expansion = r.Methods[0].Steps.First(s => s.Rules.Contains(Rules.GateauxExpand.Name));
        var text = TextPrinter.Print(expansion.Expression!);
        Assert.Contains("O(ε^2)", text);
        Assert.DoesNotContain("ε^2 ", text);
        // 16 first-order terms, each with one H: 16 H's in the ε coefficient.
        Assert.Equal(16, text.Count(c => c == 'H'));
    }

    [Theory]
    [InlineData("tr(X^1000000)", "1000000 X^999999'")]
    [InlineData("tr(X^2000)", "2000 X^1999'")]
    [InlineData("tr(X^3)", "3 X^2'")]
    [InlineData("ln det(X^40)", "40 inv(X)'")]
    [InlineData("ln det(X^7)", "7 inv(X)'")]
    [InlineData("det(X^5)", "5 det(X^5) inv(X)'")]
    public void A_power_under_the_trace_collapses_to_the_textbook_form_in_every_method(string f, string expected)
    {
        var r = MatCalc.Gradient(f, "X", "X: n x n", new GradientOptions { Check = false });
        Assert.All(r.Methods, m => Assert.Equal(expected, TextPrinter.Print(m.Gradient!)));
        Assert.All(r.Methods, m => Assert.Contains(m.Steps, s => s.Rules.Contains(Rules.PowerSumCommuting.Name)));
    }

    [Fact]
    public void A_power_that_does_not_collapse_stays_one_summation_term()
    {
        var r = MatCalc.Gradient("norm(X^30)^2", "X", "X: n x n", new GradientOptions { Check = false });
        foreach (var m in r.Methods)
        {
            var sums = m.Gradient!.DescendantsAndSelf().OfType<PowerSum>().ToList();
            Assert.Single(sums);
            Assert.Equal(30, sums[0].K);
            Assert.Equal(0, m.Gradient!.DescendantsAndSelf().Count(e => e is Power { Exponent: 29 }));
        }
        // The scalar comes out of the summation in every method: one tree, 2 Σ_{i=0}^{29} (X')^i X^30 (X')^(29-i), written
        // in text as the language spells it (so that it parses back), in LaTeX as the summation.
        Assert.All(r.Methods, m => Assert.Equal(r.Gradient, m.Gradient));
        Assert.Equal("2 powersum(X', X^30, 30)", TextPrinter.Print(r.Gradient));
        Assert.Contains(@"\sum_{i=0}^{29}", LatexPrinter.Print(r.Gradient));
        Assert.Equal(r.Gradient, MatCalc.Parse(TextPrinter.Print(r.Gradient), "X: n x n").Expr);
        var d = r.Methods.Single(m => m.Method == DifferentialMethod.Name);
        Assert.Contains(d.Steps, s => s.Text.Contains("powersum(X, dX, 30)", StringComparison.Ordinal));
    }

    /// <summary>Powers (with the summation node), against central differences, and the three methods agree.</summary>
    [Theory]
    [InlineData("tr(X^5)", "X: n x n")]
    [InlineData("norm(X^6)^2", "X: n x n")]
    [InlineData("tr(A X^7 B)", "X: n x n; A: m x n; B: n x m")]
    [InlineData("tr((A X)^4)", "X: n x m; A: m x n")]
    [InlineData("ln det(X^6)", "X: n x n")]
    [InlineData("a' X^5 a + tr(X^3 A)", "X: n x n; A: n x n; a: n")]
    [InlineData("tr(S^5)", "S: n x n symmetric")]
    [InlineData("sum(X^12)", "X: n x n")]
    [InlineData("ln det(X^40)", "X: n x n")]
    [InlineData("det(X^5)", "X: n x n")]
    public void Gradients_of_powers_pass_the_numeric_check_and_the_methods_agree(string f, string where)
    {
        var r = MatCalc.Gradient(f, f.Contains("S^") ? "S" : "X", where, new GradientOptions { Seed = 4 });
        Assert.All(r.Methods, m => Assert.True(m.Succeeded, $"{m.Method}: {m.Unsupported}"));
        Assert.True(r.Agree, $"{f}: methods disagree ({r.AgreementBasis})");
        Assert.True(r.Check!.Passed, $"{f}: {r.Check.Summary}; ∂f = {TextPrinter.Print(r.Gradient)}");
    }

    [Fact]
    public void The_power_sum_prints_in_every_notation_and_its_latex_is_valid()
    {
        var r = MatCalc.Gradient("norm(X^30)^2 + tr(A X^9)", "X", "X: n x n; A: n x n", new GradientOptions { Check = false });
        var latex = r.Methods.SelectMany(m => m.Steps).Select(s => s.Latex).Append(LatexPrinter.Print(r.Gradient)).ToList();
        Assert.Contains(latex, l => l.Contains(@"\sum_{i=0}^{29}", StringComparison.Ordinal));
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var bad = Katex.Validate(latex).Where(x => !x.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Latex + " → " + b.Error)));
        Assert.Contains("<munderover><mo>∑</mo>", MathMlPrinter.Row(r.Gradient));
    }

    [Fact]
    public void Over_budget_in_every_method_is_MC2005_with_a_hint()
    {
        // 200 factors: each method would write 200 terms of 200 factors (40,000 entries).
        var ex = Assert.Throws<MatcalcException>(() =>
            MatCalc.Gradient($"tr({Product(200)})", "X", "X: n x n", new GradientOptions { Check = false }));
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal("MC2005", d.Id);
        Assert.Contains("budget", d.Message);
        Assert.Contains("X^k", d.Hint);
        var huge = Assert.Throws<MatcalcException>(() =>
            MatCalc.Gradient("tr(X^5000000000)", "X", "X: n x n", new GradientOptions { Check = false }));
        Assert.Equal("MC2005", huge.Diagnostics[0].Id);
        Assert.Contains("exponent", huge.Diagnostics[0].Message);
    }

    [Fact]
    public void A_method_over_its_budget_is_not_applicable_while_the_others_answer()
    {
        // 70 factors: the index form would have 70 × 70 entries, over its budget; the Gâteaux and differential methods answer.
        var r = MatCalc.Gradient($"tr({Product(70)})", "X", "X: n x n", new GradientOptions { Check = false });
        var index = r.Methods.Single(m => m.Method == IndexMethod.Name);
        Assert.False(index.Succeeded);
        Assert.True(index.OverBudget);
        Assert.Contains("budget", index.Unsupported);
        Assert.Contains(r.Methods, m => m.Succeeded);
    }

    // ───────────── evaluation ─────────────

    private static Matrix<double> Random(int n, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Matrix<double>.Build.Dense(n, n, (_, _) => scale * (rng.NextDouble() - 0.5));
    }

    [Fact]
    public void Matrix_powers_by_repeated_squaring_equal_repeated_products()
    {
        var a = Random(4, 1, 0.9);
        var naive = Matrix<double>.Build.DenseIdentity(4);
        for (var k = 1; k <= 70; k++)
        {
            naive *= a;
            var fast = Evaluator.MatrixPower(a, k);
            Assert.True((fast - naive).FrobeniusNorm() <= 1e-12 * Math.Max(1, naive.FrobeniusNorm()), $"k = {k}");
        }
    }

    [Fact]
    public void Power_sums_by_doubling_equal_the_written_out_sum()
    {
        var a = Random(3, 2);
        var c = Random(3, 3);
        for (var k = 1; k <= 40; k++)
        {
            var sum = Matrix<double>.Build.Dense(3, 3);
            for (var i = 0; i < k; i++) sum += Evaluator.MatrixPower(a, i) * c * Evaluator.MatrixPower(a, k - 1 - i);
            var fast = Evaluator.PowerSum(a, c, k);
            Assert.True((fast - sum).FrobeniusNorm() <= 1e-10 * Math.Max(1, sum.FrobeniusNorm()), $"k = {k}");
        }
    }

    [Fact]
    public void A_millionth_power_evaluates_and_overflow_is_a_diagnostic()
    {
        var f = MatCalc.Parse("tr(X^1000000)", "X: n x n");
        var b = new Bindings();
        b.SetSize("n", 3);
        // A rotation (spectral radius 1): exact to rounding, no overflow; X^1000000 of a rotation by 2π/4 is I.
        b.Set("X", Matrix<double>.Build.DenseOfArray(new double[,] { { 0, -1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } }));
        Assert.Equal(3, f.Evaluate(b)[0, 0], 9);
        b.Set("X", Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }));
        var ex = Assert.Throws<MatcalcException>(() => f.Evaluate(b));
        Assert.Equal("MC3008", ex.Diagnostics[0].Id);
        Assert.Contains("overflows", ex.Diagnostics[0].Message);
    }

    [Fact]
    public void Log_determinants_of_powers_are_evaluated_from_the_factorisation_of_the_base()
    {
        var f = MatCalc.Parse("ln det(X^40)", "X: n x n");
        var odd = MatCalc.Parse("ln det(X^7)", "X: n x n");
        var b = new Bindings();
        b.SetSize("n", 4);
        // An ill-conditioned X (cond ≈ 60): X^40 has condition number ≈ 10^70, yet ln det(X^40) = 40 ln|det X| to rounding.
        b.Set("X", Matrix<double>.Build.DenseOfDiagonalArray([3, 0.05, 1, -2]) + Random(4, 5, 0.01));
        var expected = 40 * Math.Log(Math.Abs(b["X"].Determinant()));
        Assert.Equal(expected, f.Evaluate(b)[0, 0], 1e-10 * Math.Abs(expected));
        Assert.True(b["X"].Determinant() < 0);
        var ex = Assert.Throws<MatcalcException>(() => odd.Evaluate(b));
        Assert.Equal("MC3002", ex.Diagnostics[0].Id);
        Assert.Equal(Math.Pow(b["X"].Determinant(), 5), MatCalc.Parse("det(X^5)", "X: n x n").Evaluate(b)[0, 0], 1e-9);
    }

    [Fact]
    public void A_value_that_overflows_is_a_diagnostic_and_so_is_the_inverse_of_a_huge_power()
    {
        var b = new Bindings();
        b.SetSize("n", 3);
        b.Set("X", Matrix<double>.Build.Dense(3, 3, (i, j) => i == j ? 800 : 1));
        var overflow = Assert.Throws<MatcalcException>(() => MatCalc.Parse("sum(exp(X))", "X: n x n").Evaluate(b));
        Assert.Equal("MC3008", overflow.Diagnostics[0].Id);
        Assert.Contains("not finite", overflow.Diagnostics[0].Message);
        // X^100 is finite (about 1e290) but its SVD does not converge or it is singular to working precision: MC3002, never an internal error.
        b.Set("X", Matrix<double>.Build.Dense(3, 3, (i, j) => i == j ? 800 : 1.0 / (i + j + 1)));
        var singular = Assert.Throws<MatcalcException>(() => MatCalc.Parse("tr(inv(X^100))", "X: n x n").Evaluate(b));
        Assert.Equal("MC3002", singular.Diagnostics[0].Id);
    }

    [Fact]
    public void A_power_that_underflows_to_zero_is_a_diagnostic_so_a_claim_of_zero_is_never_judged_right()
    {
        var b = new Bindings();
        b.SetSize("n", 3);
        b.Set("X", Matrix<double>.Build.Dense(3, 3, (i, j) => i == j ? 0.5 : 0.1));
        var f = MatCalc.Parse("tr(X^1000000)", "X: n x n");
        var ex = Assert.Throws<MatcalcException>(() => f.Evaluate(b));
        Assert.Equal("MC3008", ex.Diagnostics[0].Id);
        Assert.Contains("underflows", ex.Diagnostics[0].Message);
        // A nilpotent X: X^1000000 is 0 exactly, and that is its value.
        b.Set("X", Matrix<double>.Build.Dense(3, 3, (i, j) => j == i + 1 ? 1 : 0));
        Assert.Equal(0, f.Evaluate(b)[0, 0]);
        // ∂ tr(X^1000000)/∂X = 1000000 (X^999999)ᵀ is not 0: at random instances it overflows or underflows, so no verdict.
        try
        {
            var report = MatCalc.Check("tr(X^1000000)", "X", "0*X", "X: n x n");
            Assert.False(report.Right, report.Verdict);
        }
        catch (MatcalcException e)
        {
            Assert.Equal("MC3008", e.Diagnostics[0].Id);
        }
    }

    [Fact]
    public void The_check_of_an_overflowing_power_ends_with_a_diagnostic_or_a_verdict()
    {
        // On random instances X^999999 overflows; the check must come back (with MC3008), not run on.
        try
        {
            var r = MatCalc.Gradient("tr(X^1000000)", "X", "X: n x n");
            Assert.NotNull(r.Check);
        }
        catch (MatcalcException ex)
        {
            Assert.Equal("MC3008", ex.Diagnostics[0].Id);
        }
    }
}
