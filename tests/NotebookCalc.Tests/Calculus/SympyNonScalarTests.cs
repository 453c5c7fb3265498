using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// SymPy 1.11's 40 non-scalar derivative cases (the nonScalar list of Data/sympy-derivatives.json, conventions in its
/// nonScalarConventions): each expressible case is derived as a Jacobian and SymPy's stated value, translated into a claimed
/// map H ↦ DF(X)[H] in SymPy's layout, is judged numerically with the relation the data records (same, transposed, wrong).
/// The component forms stay listed with their reason, and the input tried for them gets a diagnostic, not a crash.
/// </summary>
public class SympyNonScalarTests
{
    public sealed record Attempt(string Expr, string Wrt, string Where, string Diagnostic);

    public sealed record Returned(string Value, string Claim, string? TransposedClaim, string Relation, string Note);

    public sealed record Tensor(int K, Dictionary<string, double[][]> At, double[][][][] Values);

    public sealed record Case(
        string Id, string SympyTest, string Function, string SympyStates, string Kind, string Support, string? Note,
        string? Expr, string? Wrt, string? Where, string? Translation, string NotebookCalcJacobian,
        string? Claim, string? TransposedClaim, string Layout, string SympyRelation, Attempt? Attempt, string? Reason,
        Tensor? SympyTensor, Returned? SympyReturns);

    public sealed record Data(string NonScalarConventions, List<Case> NonScalar);

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static Data File { get; } = JsonSerializer.Deserialize<Data>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "sympy-derivatives.json")), Options)!;

    private static Case Get(string id) => File.NonScalar.Single(c => c.Id == id);

    private static GradientOptions Seeded(int seed) => new() { Seed = seed };

    public static TheoryData<string> Derived => new(File.NonScalar.Where(c => c.NotebookCalcJacobian == "right").Select(c => c.Id));

    public static TheoryData<string> Refused => new(File.NonScalar.Where(c => c.NotebookCalcJacobian.StartsWith("MC", StringComparison.Ordinal)).Select(c => c.Id));

    public static TheoryData<string> Attempted => new(File.NonScalar.Where(c => c.Attempt is not null).Select(c => c.Id));

    public static TheoryData<string> Tensors => new(File.NonScalar.Where(c => c.SympyTensor is not null).Select(c => c.Id));

    private const string ByScalar = "matrix or vector by a scalar";
    private const string VectorByVector = "vector by a vector (Jacobian)";
    private const string MatrixByMatrix = "matrix by a matrix (fourth-order tensor)";
    private const string Component = "component form";

    [Fact]
    public void Every_case_has_a_status_and_the_tally_is_as_recorded()
    {
        Assert.Equal(40, File.NonScalar.Count);
        Assert.Equal(40, File.NonScalar.Select(c => c.Id).Distinct().Count());
        Assert.False(string.IsNullOrWhiteSpace(File.NonScalarConventions));
        foreach (var c in File.NonScalar)
        {
            Assert.Contains(c.SympyRelation, new[] { "same", "transposed", "wrong", "none" });
            Assert.Contains(c.Layout, new[] { "numerator", "denominator", "either", "n/a" });
            Assert.False(string.IsNullOrWhiteSpace(c.Support), c.Id);
            // A relation needs a value to relate; "none" has none.
            Assert.Equal(c.SympyRelation == "none", c.Claim is null);
            if (c.NotebookCalcJacobian == "inexpressible")
            {
                Assert.Null(c.Expr);
                Assert.False(string.IsNullOrWhiteSpace(c.Reason), c.Id);
                Assert.NotNull(c.Attempt);
            }
            else
            {
                Assert.NotNull(c.Expr);
                Assert.NotNull(c.Wrt);
                Assert.True(c.NotebookCalcJacobian == "right" || c.Reason is not null, $"{c.Id}: a refusal says why");
            }
        }
        // Every case of these kinds can now be given to NotebookCalc; only the component forms (symbolic indices) cannot.
        Assert.All(File.NonScalar.Where(c => c.Kind is ByScalar or VectorByVector or MatrixByMatrix || c.Kind.Contains("row vector", StringComparison.Ordinal)),
            c => Assert.NotEqual("inexpressible", c.NotebookCalcJacobian));
        Assert.All(File.NonScalar.Where(c => c.Kind == Component), c => Assert.Equal("inexpressible", c.NotebookCalcJacobian));
        var tally = File.NonScalar.GroupBy(c => c.NotebookCalcJacobian).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(24, tally["right"]);
        Assert.Equal(9, tally["MC2002"]);
        Assert.Equal(7, tally["inexpressible"]);
    }

    [Fact]
    public void SymPys_layout_is_denominator_wherever_a_value_tells_the_layouts_apart()
    {
        // Most of SymPy's non-scalar Jacobians are symmetric (I, diag(…), x'x I + 2xx', the identity and commutation
        // tensors), so either reading is right. Three values tell them apart, and all three put the variable's index first.
        var telling = File.NonScalar.Where(c => c.Layout is "numerator" or "denominator").Select(c => c.Id).ToList();
        Assert.Equal(["tensor-trA-A", "tensor-trA-A-mixed", "jacobian-A-expx"], telling);
        Assert.All(telling, id => Assert.Equal("denominator", Get(id).Layout));
        Assert.DoesNotContain(File.NonScalar, c => c.SympyRelation == "wrong");
    }

    [Theory]
    [MemberData(nameof(Derived))]
    public void The_case_is_derived_checked_and_SymPys_value_judged(string id)
    {
        var c = Get(id);
        var r = MatCalc.Jacobian(c.Expr!, c.Wrt!, c.Where, Seeded(2));
        Assert.All(r.Methods, m => Assert.True(m.Succeeded, $"{id} {m.Method}: {m.Unsupported}"));
        Assert.True(r.Agree, $"{id}: {r.AgreementBasis}");
        Assert.True(r.Check!.Passed, $"{id}: {r.Check.Summary}");
        Assert.True(r.VecForm is not null, $"{id}: {r.VecUnsupported}");
        if (c.Claim is not null) JudgeRelation(c, c.Claim, c.TransposedClaim, c.SympyRelation, c.Layout);
        if (c.SympyReturns is { } returned) JudgeRelation(c, returned.Claim, returned.TransposedClaim, returned.Relation, c.Layout);
    }

    private static void JudgeRelation(Case c, string claim, string? transposedClaim, string relation, string layout)
    {
        var asJ = MatCalc.CheckJacobian(c.Expr!, c.Wrt!, claim, c.Where, Seeded(3));
        var asJt = transposedClaim is null ? null : MatCalc.CheckJacobian(c.Expr!, c.Wrt!, transposedClaim, c.Where, Seeded(3));
        switch (relation)
        {
            case "same":
                Assert.True(asJ.Right, $"{c.Id}: {claim}: {asJ.Verdict}");
                break;
            case "transposed":
                Assert.False(asJ.Right, $"{c.Id}: {claim} is right read as J");
                Assert.NotNull(asJ.Counterexample);
                Assert.True(asJt!.Right, $"{c.Id}: {transposedClaim}: {asJt.Verdict}");
                break;
            case "wrong":
                Assert.False(asJ.Right, $"{c.Id}: {claim}");
                if (asJt is not null) Assert.False(asJt.Right, $"{c.Id}: {transposedClaim}");
                break;
            default:
                Assert.Fail($"{c.Id}: unknown relation {relation}");
                break;
        }
        switch (layout)
        {
            case "either":
                Assert.True(asJ.Right && asJt!.Right, $"{c.Id}: J is symmetric, so both readings of SymPy's value are right");
                break;
            case "numerator":
                Assert.True(asJ.Right && !asJt!.Right, c.Id);
                break;
            case "denominator":
                Assert.True(!asJ.Right && asJt!.Right, c.Id);
                break;
            default:
                Assert.Null(transposedClaim);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void NotebookCalc_refuses_with_the_recorded_diagnostic_and_SymPys_value_is_the_zero_it_stands_for(string id)
    {
        var c = Get(id);
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Jacobian(c.Expr!, c.Wrt!, c.Where, Seeded(2)));
        Assert.Equal(c.NotebookCalcJacobian, ex.Diagnostics[0].Id);
        Assert.False(string.IsNullOrWhiteSpace(ex.Diagnostics[0].Hint));
        var f = MatCalc.Parse(c.Expr!, c.Where);
        Assert.DoesNotContain(f.Symbols, s => s.Name == c.Wrt);
        if (c.Claim is null) return;
        // The variable does not occur in F, so the derivative is zero with F's shape: SymPy's zero matrix is that.
        Assert.Equal("same", c.SympyRelation);
        var zero = MatCalc.Parse(c.Claim, f.Scope);
        Assert.Equal(f.Shape, zero.Shape);
        Assert.All(zero.Evaluate(Sampler.Sample(f.Symbols, 7)).Enumerate(), v => Assert.Equal(0, v));
    }

    [Theory]
    [MemberData(nameof(Attempted))]
    public void The_input_SymPy_writes_gets_a_clear_diagnostic(string id)
    {
        var c = Get(id);
        var a = c.Attempt!;
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Jacobian(a.Expr, a.Wrt, a.Where, Seeded(2)));
        Assert.Equal(a.Diagnostic, ex.Diagnostics[0].Id);
        Assert.NotEqual("MC9999", ex.Diagnostics[0].Id);
        Assert.False(string.IsNullOrWhiteSpace(ex.Diagnostics[0].Message));
        Assert.True(DiagnosticCatalog.All.Any(d => d.Id == a.Diagnostic), $"{a.Diagnostic} is in the catalogue");
    }

    [Theory]
    [MemberData(nameof(Tensors))]
    public void SymPys_fourth_order_array_is_the_vec_jacobian_in_the_recorded_layout(string id)
    {
        var c = Get(id);
        var t = c.SympyTensor!;
        var k = t.K;
        var values = t.At.ToDictionary(p => p.Key, p => Matrix<double>.Build.DenseOfRowArrays(p.Value));
        var r = MatCalc.Jacobian(c.Expr!, c.Wrt!, c.Where, Seeded(2) with { Check = false });
        var j = MatCalc.JacobianAt(r, values);
        Assert.Equal(k * k, j.RowCount);
        Assert.Equal(k * k, j.ColumnCount);
        // Column-major vec: entry (i, j) of a k×k matrix is row i + k j of vec.
        bool Matches(Func<int, int, int, int, double> d)
        {
            for (var m = 0; m < k; m++)
                for (var n = 0; n < k; n++)
                    for (var i = 0; i < k; i++)
                        for (var jj = 0; jj < k; jj++)
                            if (Math.Abs(j[i + k * jj, m + k * n] - d(i, jj, m, n)) > 1e-9) return false;
            return true;
        }
        // Numerator reading: D[i,j,m,n] = ∂F_ij/∂X_mn; denominator reading (SymPy's arrays put the variable's indices first): D[m,n,i,j].
        var numerator = Matches((i, jj, m, n) => t.Values[i][jj][m][n]);
        var denominator = Matches((i, jj, m, n) => t.Values[m][n][i][jj]);
        Assert.True(numerator || denominator, $"{id}: SymPy's array is not the Jacobian in either layout");
        var layout = numerator && denominator ? "either" : numerator ? "numerator" : "denominator";
        Assert.Equal(c.Layout, layout);
        Assert.Equal(c.SympyRelation, numerator ? "same" : "transposed");
    }
}
