using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Verdicts are numeric, over instances that differ in every size and in structure, with a tolerance that follows the
/// conditioning of the formulas compared. Each case here was judged wrongly before.
/// </summary>
public class VerdictTests
{
    [Theory]
    // A claim that hard-codes a size is right at one size only.
    [InlineData("tr(X)*tr(eye(n))", "X", "X: n x n", "3*eye(n)")]
    [InlineData("ln det(kron(A, X))", "X", "X: n x n; A: m x m", "3*inv(X)'")]
    [InlineData("sum(X)*sum(ones(m,1))", "X", "X: n x m", "4*ones(n,m)")]
    // Sampled orthogonal matrices have both determinant signs.
    [InlineData("det(Q)", "Q", "Q: n x n orthogonal", "-Q")]
    [InlineData("det(Q)", "Q", "Q: n x n orthogonal", "Q")]
    // Off by one in the exponent, on an ill-conditioned formula.
    [InlineData("ln det(X^40)", "X", "X: n x n", "39 inv(X)'")]
    public void Wrong_claims_are_judged_wrong(string f, string wrt, string where, string claim)
    {
        var r = MatCalc.Check(f, wrt, claim, where);
        Assert.False(r.Right, r.Verdict);
        Assert.NotNull(r.Counterexample);
    }

    [Theory]
    [InlineData("tr(X)*tr(eye(n))", "X", "X: n x n", "tr(eye(n)) eye(n)")]
    [InlineData("ln det(kron(A, X))", "X", "X: n x n; A: m x m", "tr(eye(m)) inv(X)'")]
    [InlineData("det(Q)", "Q", "Q: n x n orthogonal", "det(Q) Q")]
    [InlineData("ln det(X^40)", "X", "X: n x n", "40 inv(X)'")]
    [InlineData("ln det(X^20)", "X", "X: n x n", "20 inv(X)'")]
    public void Right_claims_are_judged_right_whatever_the_conditioning(string f, string wrt, string where, string claim)
    {
        var r = MatCalc.Check(f, wrt, claim, where);
        Assert.True(r.Right, r.Verdict + (r.Counterexample is null ? "" : "\n" + MatCalc.Describe(r.Counterexample)));
    }

    [Fact]
    public void The_basis_spans_several_size_assignments_none_with_all_sizes_equal()
    {
        var r = MatCalc.Check("norm(X W Z - X)^2", "W", "2 X'X W Z Z' - 2 X'X Z'", "X: a x b; W: b x c; Z: c x b");
        Assert.True(r.Right);
        var basis = r.Basis!;
        Assert.True(basis.SizeAssignments >= 2, basis.Summary);
        var assignments = basis.Instances.Select(i => string.Join(",", i.Sizes.Select(p => $"{p.Key}={p.Value}"))).Distinct().ToList();
        Assert.True(assignments.Count >= 2);
        Assert.All(basis.Instances, i => Assert.True(i.Sizes.Values.Distinct().Count() > 1, "all sizes equal"));
        // Every dimension takes at least two sizes.
        foreach (var dim in new[] { "a", "b", "c" })
            Assert.True(basis.Instances.Select(i => i.Sizes[dim]).Distinct().Count() >= 2, dim);
        Assert.True(basis.WorstRelativeError <= basis.Tolerance);
        Assert.StartsWith("numeric", r.How);
    }

    [Fact]
    public void Equal_needs_two_size_assignments_when_the_dimensions_are_free()
    {
        var sizes = new Dictionary<string, int> { ["n"] = 3, ["m"] = 4 };
        VerdictInstance I(int seed) => new(seed, 0, sizes, 1e-15, 1e-8);
        Assert.False(new Verdicts.Outcome(null, new VerdictBasis([I(1), I(2)], 1, 0, false, AssignmentsAvailable: 4), null).Equal);
        Assert.True(new Verdicts.Outcome(null, new VerdictBasis([I(1), I(2), I(3)], 2, 0, false, AssignmentsAvailable: 4), null).Equal);
        // Sizes fixed by --dims: one assignment is all there is.
        Assert.True(new Verdicts.Outcome(null, new VerdictBasis([I(1), I(2)], 1, 0, false, AssignmentsAvailable: 1), null).Equal);
        // Ill-conditioned instances alone decide nothing.
        Assert.False(new Verdicts.Outcome(null, new VerdictBasis([new VerdictInstance(1, 0, sizes, 1e-5, 1e-4)], 1, 0, false), null).Equal);
    }

    [Fact]
    public void Symbolic_equality_is_evidence_not_the_verdict()
    {
        var r = MatCalc.Check("tr(A X)", "X", "A'", "A: n x n; X: n x n");
        Assert.True(r.Right);
        Assert.Equal("numeric (also equal symbolically)", r.How);
        Assert.True(r.Basis!.SymbolicallyEqual);
        Assert.NotEmpty(r.Basis.Instances);
    }

    [Fact]
    public void The_three_methods_agree_on_an_ill_conditioned_power()
    {
        var r = MatCalc.Gradient("ln det(X^20)", "X", "X: n x n");
        Assert.True(r.Agree, r.AgreementBasis);
    }

    [Fact]
    public void A_gram_matrix_of_a_rectangular_variable_is_checked_on_a_tall_instance()
    {
        var r = MatCalc.Gradient("log(det(X'*X))", "X", "X: n x k");
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.True(r.Check.Sizes["n"] >= r.Check.Sizes["k"]);
    }

    [Fact]
    public void Size_plans_vary_every_free_dimension_and_keep_fixed_ones()
    {
        var shapes = new[] { new Shape(Dim.Of("n"), Dim.Of("m")), new Shape(Dim.Of("m"), Dim.Of("k")) };
        var plans = Sampler.SizePlans(shapes);
        Assert.True(plans.Count >= 3);
        Assert.All(plans, p => Assert.Equal(p.Count, p.Values.Distinct().Count()));
        Assert.All(plans.Skip(1).Take(1), p => Assert.All(p, kv => Assert.NotEqual(plans[0][kv.Key], kv.Value)));
        var fixedN = Sampler.SizePlans(shapes, new Dictionary<string, int> { ["n"] = 7 });
        Assert.All(fixedN, p => Assert.Equal(7, p["n"]));
        Assert.True(fixedN.Select(p => p["m"]).Distinct().Count() >= 2);
    }

    [Fact]
    public void Orthogonal_draws_take_both_determinant_signs_and_structured_draws_vary()
    {
        var q = new Symbol("Q", new Shape(Dim.Of(3), Dim.Of(3)), SymbolProps.Orthogonal | SymbolProps.Invertible);
        var signs = Enumerable.Range(0, 4).Select(v => Math.Sign(Sampler.Draw(q, 3, 3, new Random(5), v).Determinant())).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, -1 }, signs);
        var s = new Symbol("S", new Shape(Dim.Of(4), Dim.Of(4)), SymbolProps.Symmetric);
        var indefinite = Enumerable.Range(0, 3).Select(v => Sampler.Draw(s, 4, 4, new Random(9), v))
            .Select(m => m.Evd().EigenValues.Select(e => Math.Sign(e.Real)).Distinct().Count()).ToList();
        Assert.Contains(indefinite, c => c == 2);
        var spd = new Symbol("P", new Shape(Dim.Of(4), Dim.Of(4)), SymbolProps.Spd | SymbolProps.Symmetric | SymbolProps.Invertible);
        Assert.All(Enumerable.Range(0, 3), v => Assert.True(Sampler.Draw(spd, 4, 4, new Random(v), v).Evd().EigenValues.All(e => e.Real > 0)));
    }
}
