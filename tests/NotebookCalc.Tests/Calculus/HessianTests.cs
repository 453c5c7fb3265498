using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Hessians: the map H ↦ ∇²f[H] by two methods, its vec (Kronecker) matrix, the numerical check, and claims.</summary>
public class HessianTests
{
    /// <summary>id, f, wrt, declarations, the expected map (text) or null, the expected vec form (text) or null.</summary>
    public static TheoryData<string, string, string, string, string?, string?> Cases => new()
    {
        { "quadratic-form", "x' A x", "x", "A: n x n; x: n", "(A + A') H", "A + A'" },
        { "quadratic-form-spd", "x' S x", "x", "S: n x n spd; x: n", "2 S H", "2 S" },
        { "trace-quadratic", "tr(X' A X)", "X", "A: n x n; X: n x m", "(A + A') H", "kron(I_m, A + A')" },
        { "norm-residual", "norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "2 A' A H", "kron(I_m, 2 A' A)" },
        { "least-squares", "norm(A x - b)^2", "x", "A: m x n; x: n; b: m", "2 A' A H", "2 A' A" },
        { "logdet", "ln det X", "X", "X: n x n", "-(inv(X)' H' inv(X)')", "-(kron(inv(X), inv(X)') K_(n,n))" },
        { "logdet-spd", "ln det S", "S", "S: n x n spd", "-(inv(S) H inv(S))", null },
        { "logistic", "sum(log(1 + exp(-y .* (A w))))", "w", "A: n x d; w: d; y: n", null, null },
        { "seed004-W", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", "2 X' X H Z Z'", "kron(Z Z', 2 X' X)" },
        { "seed001-logdet", "ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", null, null },
        { "seed000-trace", "tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible", null, null },
        { "scalar-times-trace", "tr(X' C)^2", "X", "X: n x m; C: n x m", "2 tr(H' C) C", "vec(C) vec(2 C)'" },
        { "entrywise", "sum(exp(P))", "P", "P: n x m", "H .* exp(P)", "diag(vec(exp(P)))" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_hessian_is_derived_two_ways_checked_and_its_vec_form_is_its_matrix(string id, string expr, string wrt, string where, string? map, string? vec)
    {
        var r = MatCalc.Hessian(expr, wrt, where, new GradientOptions { Seed = 1 });
        Assert.Equal(HessianMethods.Names, r.Methods.Select(m => m.Method));
        Assert.All(r.Methods, m => Assert.True(m.Succeeded, $"{id} {m.Method}: {m.Unsupported}"));
        Assert.All(r.Methods.SelectMany(m => m.Steps), s => Assert.NotEmpty(s.Rules));
        Assert.True(r.Agree, $"{id}: the methods disagree ({r.AgreementBasis})");
        Assert.NotNull(r.Check);
        Assert.True(r.Check!.Passed, $"{id}: {r.Check.Summary}");
        Assert.True(r.Check.SymmetryError <= HessianCheck.SymmetryTolerance, r.Check.Summary);
        if (map is not null) Assert.Equal(map, TextPrinter.Print(r.Map));
        if (vec is not null) Assert.Equal(vec, TextPrinter.Print(r.VecForm!));
        Assert.Contains("column-major", HessianResult.Layout);

        // The vec form, evaluated, is the vec Hessian (column c = vec ∇²f[E_c]) on random instances; the matrix is symmetric.
        var symbols = r.Function.Symbols.Concat(r.Map.DescendantsAndSelf().OfType<Symbol>()).Where(s => s.Name != r.Direction.Name).DistinctBy(s => s.Name).ToList();
        var compared = 0;
        for (var seed = 11; seed < 40 && compared < 2; seed++)
        {
            Bindings b;
            Matrix<double> numeric;
            try
            {
                b = Sampler.Sample(symbols, seed);
                numeric = HessianCheck.VecMatrix(r.Map, r.Variable, r.Direction, b, expr);
            }
            catch (MatcalcException) { continue; }
            var scale = Math.Max(1, numeric.FrobeniusNorm());
            Assert.True((numeric - numeric.Transpose()).FrobeniusNorm() <= 1e-9 * scale, $"{id}: the vec Hessian is not symmetric");
            if (r.VecForm is not null)
            {
                var kron = Evaluator.Evaluate(r.VecForm, b);
                Assert.True((kron - numeric).FrobeniusNorm() <= 1e-9 * scale, $"{id}: {TextPrinter.Print(r.VecForm)} is not the vec Hessian");
            }
            compared++;
        }
        Assert.Equal(2, compared);
    }

    [Fact]
    public void The_commutation_matrix_transposes_under_vec()
    {
        var k = new Commutation(Dim.Of("m"), Dim.Of("n"));
        var b = new Bindings();
        b.SetSize("m", 3);
        b.SetSize("n", 4);
        var kk = Evaluator.Evaluate(k, b);
        var a = Matrix<double>.Build.Dense(3, 4, (i, j) => 10 * i + j);
        var vec = Vector<double>.Build.DenseOfArray(a.ToColumnMajorArray());
        Assert.Equal(a.Transpose().ToColumnMajorArray(), (kk * vec).ToArray());
        Assert.Equal("K_(m,n)", TextPrinter.Print(k));
        Assert.Equal("K_{m,n}", LatexPrinter.Print(k));
        Assert.Contains("<mi>K</mi>", MathMlPrinter.Row(k));
    }

    [Fact]
    public void A_function_with_a_symbol_H_gets_another_direction()
    {
        var r = MatCalc.Hessian("tr(X' H X)", "X", "H: n x n; X: n x m", new GradientOptions { Check = false });
        Assert.Equal("H1", r.Direction.Name);
        Assert.Equal("(H + H') H1", TextPrinter.Print(r.Map));
        var claim = MatCalc.CheckHessian("tr(X' H X)", "X", "H H1 + H' H1", "H: n x n; X: n x m");
        Assert.True(claim.Right, claim.Verdict);
    }

    [Fact]
    public void A_gradient_that_is_the_variable_itself_has_the_identity_hessian()
    {
        // Regression: for f = tr(X'X)/2 the gradient is X, the differential method had no layer to apply to d(∇f) = dX and
        // answered the zero map.
        var r = MatCalc.Hessian("tr(X' X) / 2", "X", "X: n x m", new GradientOptions { Seed = 2 });
        Assert.All(r.Methods.Where(m => m.Succeeded), m => Assert.Equal("H", TextPrinter.Print(m.Gradient!)));
        Assert.True(r.Agree, r.AgreementBasis);
        Assert.True(r.Check!.Passed, r.Check.Summary);
    }

    [Fact]
    public void The_hessian_is_deterministic_for_a_seed()
    {
        var a = DerivationFormat.Text(MatCalc.Hessian("ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", new GradientOptions { Seed = 4 }));
        var b = DerivationFormat.Text(MatCalc.Hessian("ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", new GradientOptions { Seed = 4 }));
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_strongly_curved_right_hessian_is_not_failed_by_rounding(int seed)
    {
        // tr(X^100): the gradient 100 (X^99)ᵀ amplifies rounding; the check allows for what differences cannot resolve.
        var r = MatCalc.Hessian("tr(X^100)", "X", "X: n x n", new GradientOptions { Seed = seed });
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.Null(r.VecForm); // a power sum has no Kronecker form here
        Assert.Contains("PowerSum", r.VecUnsupported);
    }

    [Fact]
    public void A_hessian_of_a_matrix_valued_function_points_to_jacobian()
    {
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Hessian("A X", "X", "A: n x n; X: n x m"));
        Assert.Equal("MC2001", ex.Diagnostics[0].Id);
        Assert.Contains("jacobian", ex.Diagnostics[0].Hint);
    }

    // ───────────── claims ─────────────

    [Theory]
    [InlineData("norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "2 A' A H")]
    [InlineData("norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "A' A H + A' A H")]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "A H + A' H")]
    [InlineData("x' A x", "x", "A: n x n; x: n", "(A + A') H")]
    [InlineData("ln det X", "X", "X: n x n", "-inv(X)' H' inv(X)'")]
    [InlineData("ln det S", "S", "S: n x n spd", "-inv(S) H inv(S)")]
    [InlineData("norm(A x - b)^2", "x", "A: m x n; x: n; b: m", "2 A' (A H)")]
    [InlineData("sum(log(1 + exp(-y .* (A w))))", "w", "A: n x d; w: d; y: n", "A' diag(y.^2 .* sigmoid(y .* (A w)) .* (1 - sigmoid(y .* (A w)))) A H")]
    [InlineData("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", "2 X' X H Z Z'")]
    public void A_right_hessian_claim_is_judged_right(string expr, string wrt, string where, string claim)
    {
        var report = MatCalc.CheckHessian(expr, wrt, claim, where);
        Assert.True(report.Right, report.Verdict);
        Assert.Equal("hessian", report.Derivative);
        Assert.True(report.Basis!.SizeAssignments >= 2 || report.Basis.AssignmentsAvailable == 1, report.Basis.Summary);
    }

    [Theory]
    [InlineData("norm(A X - B)^2", "X", "A: n x n; X: n x m; B: n x m", "2 A A' H")]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "2 A H")]
    [InlineData("ln det X", "X", "X: n x n", "-inv(X)' H inv(X)'")]
    [InlineData("ln det X", "X", "X: n x n", "-inv(X) H inv(X)")]
    [InlineData("x' A x", "x", "A: n x n; x: n", "A H")]
    [InlineData("sum(log(1 + exp(-y .* (A w))))", "w", "A: n x d; w: d; y: n", "A' diag(sigmoid(y .* (A w))) A H")]
    [InlineData("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", "2 X' X H Z' Z")]
    public void A_wrong_hessian_claim_is_judged_wrong_with_a_counterexample(string expr, string wrt, string where, string claim)
    {
        var report = MatCalc.CheckHessian(expr, wrt, claim, where);
        Assert.False(report.Right, report.Verdict);
        Assert.StartsWith("wrong", report.Verdict);
        if (report.How == "shape check") return; // square-only claims (Z' Z for Z Z') do not even fit the shapes
        var ce = Assert.IsType<Counterexample>(report.Counterexample);
        Assert.Contains("H", ce.Values.Keys); // the direction is part of the counterexample
        Assert.NotEmpty(ce.Differences);
        Assert.Contains("∇²f[H]", DerivationFormat.Text(report, wrt));
    }

    [Fact]
    public void A_transposed_direction_gets_a_hint()
    {
        var report = MatCalc.CheckHessian("ln det X", "X", "-inv(X)' H inv(X)'", "X: n x n");
        Assert.False(report.Right);
        Assert.Contains(report.Hints, h => h.Contains("Hᵀ in place of H", StringComparison.Ordinal));
    }

    [Fact]
    public void A_claim_without_the_direction_is_wrong_and_says_so()
    {
        var report = MatCalc.CheckHessian("tr(X' A X)", "X", "(A + A') X", "A: n x n; X: n x m");
        Assert.False(report.Right);
        Assert.Contains(report.Hints, h => h.Contains("does not contain H", StringComparison.Ordinal));
    }

    [Fact]
    public void A_claim_of_the_wrong_shape_is_wrong_without_evaluation()
    {
        var report = MatCalc.CheckHessian("norm(A X - B)^2", "X", "2 A' A", "A: p x n; X: n x m; B: p x m");
        Assert.False(report.Right);
        Assert.Equal("shape check", report.How);
    }
}
