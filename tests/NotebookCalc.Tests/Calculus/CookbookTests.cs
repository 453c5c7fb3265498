using System.Text.Json;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Gradient identities from the Matrix Cookbook's derivative chapter and common machine-learning losses
/// (Data/cookbook.json): each derived gradient passes the numerical check and equals the known answer.
/// </summary>
public class CookbookTests
{
    public sealed record Case(string Id, string Source, string Expr, string Wrt, string Where, string Expected, string? Note);

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<Case> Cases { get; } =
        JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "cookbook.json")), Options)!;

    public static TheoryData<string> Ids => new(Cases.Select(c => c.Id));

    [Fact]
    public void The_collection_covers_the_cookbook_and_ml_losses()
    {
        Assert.True(Cases.Count(c => !c.Id.StartsWith("ml-", StringComparison.Ordinal)) >= 40);
        Assert.True(Cases.Count(c => c.Id.StartsWith("ml-", StringComparison.Ordinal)) >= 6);
        Assert.Equal(Cases.Count, Cases.Select(c => c.Id).Distinct().Count());
    }

    /// <summary>
    /// Section and equation numbers changed between versions of the Cookbook, so every Cookbook source names its version
    /// (November 15, 2012) and a section; an equation number is given only where it was checked against that text,
    /// otherwise the source says it was not. Nothing is filed under §2.8, which in that version is "Derivatives of
    /// Structured Matrices" (the entries here have unstructured variables), and no matrix norm under §2.6 (vector norms).
    /// </summary>
    [Fact]
    public void Cookbook_sources_name_the_version_and_verified_equations_only()
    {
        foreach (var c in Cases.Where(c => c.Source.StartsWith("Matrix Cookbook", StringComparison.Ordinal)))
        {
            Assert.Contains("version of November 15, 2012", c.Source, StringComparison.Ordinal);
            Assert.Matches(@"§\d+\.\d+", c.Source);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(c.Source, @"eq\. \(\d+\)") || c.Source.Contains("not verified", StringComparison.Ordinal)
                || c.Source.Contains("not a table entry", StringComparison.Ordinal), $"{c.Id}: {c.Source}");
            Assert.DoesNotContain("§2.8", c.Source, StringComparison.Ordinal);
            if (c.Source.Contains("§2.6", StringComparison.Ordinal))
                Assert.Matches(@"^[a-z]$", c.Wrt); // §2.6 is vector norms: only vector variables
        }
        Assert.All(Cases.Where(c => c.Source.Contains("entrywise rule", StringComparison.Ordinal)),
            c => Assert.Contains("Structured Matrices", c.Source, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Gradient_is_checked_and_equals_the_known_answer(string id)
    {
        var c = Cases.Single(x => x.Id == id);
        var r = MatCalc.Gradient(c.Expr, c.Wrt, c.Where, new GradientOptions { Seed = 2 });
        Assert.True(r.Check!.Passed, $"{c.Id}: {r.Check.Summary}\n  ∂f = {TextPrinter.Print(r.Gradient)}");
        var f = r.Function;
        var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)));
        var expected = MatCalc.Parse(c.Expected, scope);
        Assert.Equal(r.Variable.Shape, expected.Shape);
        var symbols = f.Symbols.Concat(expected.Symbols).DistinctBy(s => s.Name).ToList();
        // Every method that handles the function must arrive at the known answer; they must agree.
        var methods = r.Methods.Where(m => m.Succeeded).ToList();
        Assert.Contains(methods, m => m.Method == "differential");
        Assert.True(methods.Count >= 2, $"{c.Id}: only {string.Join(", ", methods.Select(m => m.Method))} handled it: " +
            string.Join("; ", r.Methods.Where(m => !m.Succeeded).Select(m => $"{m.Method}: {m.Unsupported}")));
        Assert.True(r.Agree, $"{c.Id}: the methods disagree ({r.AgreementBasis})");
        for (var seed = 1; seed <= 3; seed++)
        {
            var b = Sampler.Sample(symbols, seed);
            var known = expected.Evaluate(b);
            foreach (var m in methods)
            {
                var mine = Evaluator.Evaluate(m.Gradient!, b);
                var err = (mine - known).FrobeniusNorm() / Math.Max(1e-12, known.FrobeniusNorm());
                Assert.True(err < 1e-8, $"{c.Id} ({c.Source}), {m.Method}: derived {TextPrinter.Print(m.Gradient!)} differs from the known {c.Expected} (relative {err:e2}, seed {seed})");
            }
        }
    }

    [Fact]
    public void Every_case_goes_through_all_three_methods_except_the_documented_gaps()
    {
        // The index method does not write Kronecker products (index arithmetic); everything else runs all three.
        var gaps = new List<string>();
        foreach (var c in Cases)
        {
            var r = MatCalc.Gradient(c.Expr, c.Wrt, c.Where, new GradientOptions { Check = false });
            gaps.AddRange(r.Methods.Where(m => !m.Succeeded).Select(m => $"{c.Id}/{m.Method}"));
        }
        Assert.Equal(["cookbook-trace-kron/index"], gaps);
    }
}
