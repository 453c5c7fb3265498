using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Engine problems that translating SymPy's matrix-derivative tests brought to light, one test each.</summary>
public class SympyFindingsTests
{
    [Fact]
    public void Rational_exponents_in_brackets_parse_exactly()
    {
        const string where = "x: k; y: k";
        Assert.Equal(MatCalc.Parse("(x' y)^0.3333333333333333", where).Expr, MatCalc.Parse("(x' y)^(1/3)", where).Expr);
        Assert.Equal(MatCalc.Parse("x .^ -0.5", where).Expr, MatCalc.Parse("x.^(-1/2)", where).Expr);
        Assert.Equal(MatCalc.Parse("x .^ -0.5", where).Expr, MatCalc.Parse("x.^{-1/2}", where).Expr);
        Assert.Equal(MatCalc.Parse("x .^ 1.5", where).Expr, MatCalc.Parse("x^{∘3/2}", where).Expr);
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Parse("(x' y)^(1/0)", where));
        Assert.Contains("divides by zero", ex.Diagnostics[0].Message);
    }

    [Theory]
    [InlineData("(a' X b).^2", "X", "a: k; b: k; X: k x k")]
    [InlineData("(a' X b).^(1/2)", "X", "a: k; b: k; X: k x k")]
    public void The_index_method_differentiates_a_scalar_entrywise_power(string expr, string wrt, string where)
    {
        // It used to recurse until the process died of a stack overflow.
        var r = MatCalc.Gradient(expr, wrt, where);
        Assert.All(r.Methods, m => Assert.True(m.Succeeded, $"{m.Method}: {m.Unsupported}"));
        Assert.True(r.Agree);
        Assert.True(r.Check!.Passed, r.Check.Summary);
    }

    [Fact]
    public void A_scalar_atom_without_a_component_rule_is_declined_not_recursed_into()
    {
        var r = MatCalc.Gradient("inv(x' x)", "x", "x: n");
        var index = r.Methods.Single(m => m.Method == "index");
        Assert.False(index.Succeeded);
        Assert.Contains("1×1 Inverse", index.Unsupported);
        Assert.True(r.Check!.Passed, r.Check.Summary);
    }

    [Fact]
    public void A_fractional_power_of_a_negative_scalar_is_outside_the_domain_not_NaN()
    {
        var f = MatCalc.Parse("(x' y)^(1/3)", "x: k; y: k");
        var values = new Dictionary<string, Matrix<double>>
        {
            ["x"] = Matrix<double>.Build.DenseOfArray(new double[,] { { 1 }, { 0 } }),
            ["y"] = Matrix<double>.Build.DenseOfArray(new double[,] { { -8 }, { 1 } }),
        };
        var ex = Assert.Throws<MatcalcException>(() => f.Evaluate(values));
        Assert.Equal("MC3004", ex.Diagnostics[0].Id);
        // Checks redraw such instances instead of reporting a NaN error.
        var r = MatCalc.Gradient("(c' a x' b)^(1/3)", "x", "a: k; b: k; c: k; x: k");
        Assert.True(r.Check!.Passed, r.Check.Summary);
    }

    [Fact]
    public void A_claim_is_not_right_when_no_instance_could_be_evaluated()
    {
        // With X fixed at 3×4 (--dims), X'CX (4×4, rank 3) is singular on every instance: nothing can be compared.
        var ex = Assert.Throws<NotebookCalc.Text.MatcalcException>(() =>
            MatCalc.Check("tr(inv(X' C X) (X' B X))", "X", "2 B X inv(X' C X)", "X: n x k; B: n x n; C: n x n",
                new GradientOptions { Dims = new Dictionary<string, int> { ["n"] = 3, ["k"] = 4 } }));
        Assert.Equal("MC3002", ex.Diagnostics[0].Id);
        Assert.Contains("cannot be judged", ex.Diagnostics[0].Message);
    }

    [Fact]
    public void A_claim_that_needs_tall_X_is_judged_on_the_size_assignments_where_it_is_defined()
    {
        // The default sizes make X wide (X'CX singular); other assignments make it tall, where the claim can be judged.
        var r = MatCalc.Check("tr(inv(X' C X) (X' B X))", "X", "2 B X inv(X' C X)", "X: n x k; B: n x n; C: n x n");
        Assert.False(r.Right);
        Assert.NotNull(r.Counterexample);
        Assert.True(r.Counterexample!.Sizes["n"] > r.Counterexample.Sizes["k"]);
        var right = MatCalc.Check("tr(inv(X' C X) (X' B X))", "X",
            "B X inv(X' C X) + B' X inv(X' C X)' - C X inv(X' C X) X' B X inv(X' C X) - C' X inv(X' C X)' X' B' X inv(X' C X)'",
            "X: n x k; B: n x n; C: n x n");
        Assert.True(right.Right, right.Verdict);
        Assert.True(right.Basis!.SizeAssignments >= 2, right.Basis.Summary);
        Assert.All(right.Basis.Instances, i => Assert.True(i.Sizes["n"] > i.Sizes["k"]));
    }

    [Fact]
    public void Claims_are_compared_on_instances_inside_the_domain()
    {
        // x'y < 0 on some random instances; those are skipped rather than counted or ending the comparison.
        for (var seed = 1; seed <= 8; seed++)
        {
            var report = MatCalc.Check("sqrt(x' y)", "x", "y / (2 sqrt(x' y))", "x: k; y: k", new GradientOptions { Seed = seed });
            Assert.True(report.Right, $"seed {seed}: {report.Verdict}");
            var wrong = MatCalc.Check("sqrt(x' y)", "x", "y / sqrt(x' y)", "x: k; y: k", new GradientOptions { Seed = seed });
            Assert.False(wrong.Right, $"seed {seed}: {wrong.Verdict}");
        }
    }

    [Fact]
    public void The_agreement_of_the_methods_uses_the_given_dimensions()
    {
        var dims = new Dictionary<string, int> { ["n"] = 4, ["k"] = 2 };
        var r = MatCalc.Gradient("tr(inv(X' C X) (X' B X))", "X", "B: n x n; C: n x n; X: n x k", new GradientOptions { Dims = dims });
        Assert.True(r.Agree, r.AgreementBasis);
        Assert.Equal("numeric", r.AgreementBasis);
        Assert.True(r.Check!.Passed, r.Check.Summary);
    }

    [Fact]
    public void Tree_equality_and_hashing_are_linear_in_the_depth()
    {
        // Each binary node used to compare its operands twice (as the base record's Left/Right and as its own L/R), so
        // equality of two equal trees took 2^depth steps: 13 s for the 17-term gradient of SymPy's complicated expression.
        static Expr Build(int depth)
        {
            var x = new Symbol("X", new Shape(Dim.Of("n"), Dim.Of("n")));
            Expr e = x;
            for (var i = 0; i < depth; i++)
                e = (i % 3) switch { 0 => new Add(e, x), 1 => new MatMul(x, e), _ => new Transpose(new Neg(e)) };
            return e;
        }
        var watch = Stopwatch.StartNew();
        var a = Build(26);
        var b = Build(26);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"equality took {watch.Elapsed}");
        // Operands and node kinds still matter.
        var x = new Symbol("X", new Shape(Dim.Of("n"), Dim.Of("n")));
        var y = new Symbol("Y", new Shape(Dim.Of("n"), Dim.Of("n")));
        Assert.NotEqual<Expr>(new Add(x, y), new Add(x, x));
        Assert.NotEqual<Expr>(new Add(y, x), new Add(x, y));
        Assert.NotEqual<Expr>(new MatMul(x, y), new Hadamard(x, y));
        Assert.NotEqual<Expr>(new Transpose(x), new Inverse(x));
        Assert.NotEqual<Expr>(new Power(x, 2), new Power(x, 3));
        Assert.NotEqual<Expr>(new Transpose(x), new Transpose(y));
        Assert.Equal<Expr>(new Scale(new Number(2), x), new Scale(new Number(2), x));
        Assert.Equal("X'", TextPrinter.Print(new Transpose(x)));
    }
}
