using System.Text;
using BenchmarkDotNet.Attributes;
using NotebookCalc;
using NotebookCalc.Calculus;
using NotebookCalc.Semantics;

// The scaling series of docs/performance.md (`dotnet cake --target=Scaling`). Each case is one point of a curve; the report
// (PerformanceReport.cs) reads BenchmarkDotNet's CSV and plots time against the parameter on log-log axes.

/// <summary>Derivation (three methods) + simplification + numerical check versus the size of f (tree nodes, 10 to 2,000).</summary>
[MemoryDiagnoser]
public class SeriesSize
{
    private Expression _f = null!;

    /// <summary>The target size; the expression built is the smallest sum of terms reaching it (its real size is printed).</summary>
    [Params(10, 30, 100, 300, 1000, 2000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup() => _f = Build(Nodes);

    /// <summary>Σᵢ i·tr(A X B) + ‖X − i·C‖²_F/(i+1): every term depends on X, shapes are non-trivial, and like terms don't collapse.</summary>
    public static Expression Build(int nodes)
    {
        const string where = "X: n x m; A: p x n; B: m x p; C: n x m";
        var sb = new StringBuilder("tr(A X B)");
        var f = MatCalc.Parse(sb.ToString(), where);
        for (var i = 2; f.Expr.Size < nodes; i++)
        {
            sb.Append(i % 2 == 0 ? $" + norm(X - {i} C)^2 / {i + 1}" : $" + {i} tr(A X B)");
            f = MatCalc.Parse(sb.ToString(), where);
        }
        return f;
    }

    [Benchmark]
    public object Gradient_with_check() => MatCalc.Gradient(_f, "X", new GradientOptions { Seed = 1 });
}

/// <summary>
/// tr(Xᵏ) and ln det(Xᵏ) versus k (1 to 10⁶): powers are compact power sums, so the derivation and simplification are O(1)
/// in k. The numerical check is left out of this series: for tr(Xᵏ) with k ≥ 10⁴ it finds no instance whose Xᵏ neither
/// underflows nor overflows (MC3xxx after 8 draws), so there is no check time to plot (docs/performance.md says so).
/// </summary>
[MemoryDiagnoser]
public class SeriesPower
{
    private Expression _f = null!;

    [Params(1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)]
    public int K { get; set; }

    [Params("tr", "logdet")]
    public string Form { get; set; } = "tr";

    [GlobalSetup]
    public void Setup() => _f = MatCalc.Parse(Form == "tr" ? $"tr(X^{K})" : $"ln det(X^{K})", "X: n x n");

    [Benchmark]
    public object Derivation() => MatCalc.Gradient(_f, "X", new GradientOptions { Check = false });
}

/// <summary>
/// tr(A₁ X A₂ X ⋯) versus the number of factors (2 to 100, half of them X): the product rule gives one term per occurrence of
/// X, each a product of the other factors, so the output alone is quadratic in the number of factors. Beyond about 100
/// factors the derivation stops with the budget diagnostic MC2005 by design.
/// </summary>
[MemoryDiagnoser]
public class SeriesFactors
{
    private Expression _f = null!;

    [Params(2, 4, 10, 20, 50, 100)]
    public int Factors { get; set; }

    [GlobalSetup]
    public void Setup() => _f = Build(Factors);

    public static Expression Build(int factors)
    {
        var terms = new List<string>();
        var decl = new List<string> { "X: n x n" };
        for (var i = 0; i < factors; i++)
        {
            if (i % 2 == 1) { terms.Add("X"); continue; }
            terms.Add($"A{i}");
            decl.Add($"A{i}: n x n");
        }
        return MatCalc.Parse($"tr({string.Join(" ", terms)})", string.Join("; ", decl));
    }

    [Benchmark]
    public object Gradient_with_check() => MatCalc.Gradient(_f, "X", new GradientOptions { Seed = 1 });
}

/// <summary>
/// The numerical check alone versus the matrix size (‖X W Z − X‖²_F with every dimension n, 2 to 200): the gradient and
/// f are evaluated with dense products (O(n³) each, about a dozen evaluations); up to 64 entries of W the check also
/// compares every entry (2 evaluations per entry), hence the bump at small n.
/// </summary>
[MemoryDiagnoser]
public class SeriesCheckSize
{
    private Expression _f = null!;
    private Symbol _w = null!;
    private Expr _gradient = null!;
    private Dictionary<string, int> _dims = null!;

    [Params(2, 5, 10, 20, 50, 100, 200)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _f = MatCalc.Parse("norm(X W Z - X)^2", "X: a x b; W: b x c; Z: c x b");
        _w = _f.Symbols.Single(s => s.Name == "W");
        _gradient = MatCalc.Gradient(_f, "W", new GradientOptions { Check = false }).Gradient;
        _dims = new Dictionary<string, int> { ["a"] = N, ["b"] = N, ["c"] = N };
    }

    [Benchmark]
    public object Check() => GradientCheck.Run(_f, _w, _gradient, seed: 1, dims: _dims);
}
