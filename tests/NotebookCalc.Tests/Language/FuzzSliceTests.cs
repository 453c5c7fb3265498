using NotebookCalc.Calculus;
using NotebookCalc.Fuzz;
using NotebookCalc.Semantics;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// The CI slice of the fuzz harness (`dotnet cake --target=Fuzz` runs 100,000 inputs): a fixed seed's first inputs —
/// valid generated functions, mutations, token soup, unicode, deep nesting, huge numbers, claims — through parser,
/// binder, printers, all three methods and the check, and generated functions compared with independent finite
/// differences. Deterministic; no timing is asserted.
/// </summary>
public class FuzzSliceTests
{
    private const int Seed = 20261130;

    [Fact]
    public void A_slice_of_the_fuzz_run_is_clean()
    {
        var fuzzer = new Fuzzer(new FuzzOptions { Count = 600, Seed = Seed, BudgetSeconds = double.PositiveInfinity, Minimise = false });
        var report = fuzzer.Run();
        Assert.Equal(600, report.Inputs);
        // The generator must reach every stage, or a clean run means nothing.
        Assert.True(report.Accepted > 150, report.Summary());
        Assert.True(report.Derived > 100, report.Summary());
        Assert.True(report.GradientsFdChecked >= 20, report.Summary());
        Assert.True(report.DiagnosticsByCode.Count > 10, report.Summary());
        Assert.True(report.Failures.Count == 0, report.Summary());
    }

    [Fact]
    public void Slice_figures_are_printed()
    {
        var report = new Fuzzer(new FuzzOptions { Count = 40, Seed = Seed, Minimise = false }).Run();
        Assert.Contains("inputs: 40", report.Summary());
        Assert.Contains("diagnostics by code: MC", report.Summary());
    }

    [Fact]
    public void The_generated_functions_are_valid_and_deterministic()
    {
        var first = Enumerable.Range(0, 200).Select(i => Inputs.Make(i, Seed, out _)).ToList();
        var again = Enumerable.Range(0, 200).Select(i => Inputs.Make(i, Seed, out _)).ToList();
        Assert.Equal(first, again);
        var scope = Scope.Parse(FunctionGen.Where);
        foreach (var input in first.Where(i => i.Kind is InputKind.Valid or InputKind.ValidFd))
        {
            var f = MatCalc.Parse(input.Text, scope); // a generated function that does not type-check is a generator bug
            Assert.True(f.Shape.IsScalar, input.Text);
        }
    }

    /// <summary>The finite-difference oracle is independent of the derivation and does catch a wrong gradient.</summary>
    [Theory]
    [InlineData("tr(X' A X)", "X", "2")]
    [InlineData("logdet(S + X X')", "X", "0.5")]
    [InlineData("sum(exp(W) .* P)", "W", "-1")]
    public void Finite_differences_reject_a_wrong_gradient(string expr, string wrt, string factor)
    {
        var f = MatCalc.Parse(expr, FunctionGen.Where);
        var r = MatCalc.Gradient(f, wrt, new GradientOptions { Check = false });
        Assert.Equal("", Fuzzer.CompareWithFiniteDifferences(f, r, 0));
        var wrong = new Scale(new Number(double.Parse(factor, System.Globalization.CultureInfo.InvariantCulture)), r.Gradient);
        var bad = r with { Methods = [new Derivation("differential", [], wrong)] };
        Assert.Contains("off by", Fuzzer.CompareWithFiniteDifferences(f, bad, 0));
    }
}
