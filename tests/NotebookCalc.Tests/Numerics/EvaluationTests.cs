using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Numerics;

public class EvaluationTests
{
    private static readonly MatrixBuilder<double> M = Matrix<double>.Build;

    private static double Scalar(string expr, string where, int seed, out Bindings b)
    {
        var e = MatCalc.Parse(expr, where);
        b = e.Sample(seed);
        return e.Evaluate(b)[0, 0];
    }

    private static void AssertClose(double expected, double actual, double rel = 1e-10) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private static void AssertClose(Matrix<double> expected, Matrix<double> actual, double rel = 1e-10)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        Assert.True((expected - actual).FrobeniusNorm() <= rel * Math.Max(1, expected.FrobeniusNorm()), $"expected\n{expected}\ngot\n{actual}");
    }

    [Theory]
    [InlineData("det(A B)", "det(A) det(B)")]
    [InlineData("tr(A B)", "tr(B A)")]
    [InlineData("tr(C' C)", "norm(C)^2")]
    [InlineData("C : D", "tr(C' D)")]
    [InlineData("logdet(S)", "log(det(S))")]
    [InlineData("det(inv(A))", "1 / det(A)")]
    [InlineData("tr(kron(A, B))", "tr(A) tr(B)")]
    [InlineData("det(A')", "det(A)")]
    [InlineData("sum(C .* D)", "C : D")]
    [InlineData("norm1(C)", "sum(abs(C))")]
    [InlineData("vec(C)' vec(D)", "C : D")]
    [InlineData("sum(diag(A))", "tr(A)")]
    [InlineData("x' diag(x) x", "sum(x .^ 3)")]
    [InlineData("tr(Q' Q)", "3")]
    [InlineData("sum(softmax(C))", "m")]
    [InlineData("sum(softmax_rows(C))", "n")]
    [InlineData("norm(x)^2", "x' x")]
    [InlineData("sum(exp(log(P)))", "sum(P)")]
    [InlineData("sum(sigmoid(C) + sigmoid(-C))", "sum(ones(n, m))")]
    [InlineData("sum(sin(C) .^ 2 + cos(C) .^ 2)", "sum(ones(n, m))")]
    [InlineData("tr(A^3)", "tr(A A A)")]
    [InlineData("sum(tanh(C) - (exp(2 C) - 1) ./ (exp(2 C) + 1))", "0")]
    [InlineData("sum(sqrt(P) .* sqrt(P))", "sum(P)")]
    [InlineData("sum(sign(C) .* abs(C))", "sum(C)")]
    [InlineData("sum(C ./ (2 C))", "sum(ones(n, m)) / 2")]
    public void Identities_hold_on_random_instances(string lhs, string rhs)
    {
        const string where = "A: n x n; B: n x n; C: n x m; D: n x m; S: n x n spd; Q: 3 x 3 orthogonal; x: n; P: n x m positive";
        var l = MatCalc.Parse(lhs, where);
        var r = MatCalc.Parse(rhs, where);
        for (var seed = 1; seed <= 5; seed++)
        {
            var b = Sampler.Sample(l.Symbols.Concat(r.Symbols).DistinctBy(s => s.Name), seed);
            var rv = rhs is "m" or "n" ? b.Sizes[rhs] : r.Evaluate(b)[0, 0];
            AssertClose(rv, l.Evaluate(b)[0, 0], 1e-9);
        }
    }

    [Fact]
    public void Evaluates_against_hand_computed_values()
    {
        var values = new Dictionary<string, Matrix<double>>
        {
            ["W"] = M.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 } }),
            ["s"] = M.Dense(1, 1, 0.5),
            ["y"] = M.Dense(2, 1, [1, 2]),
        };
        var e = MatCalc.Parse("y' W y + s", "W: n x n; y: n; s: scalar");
        // yᵀWy = [1 2]·[[1,2],[3,4]]·[1,2]ᵀ = [1 2]·[5, 11]ᵀ = 27
        AssertClose(27.5, e.Evaluate(values)[0, 0]);
        AssertClose(M.DenseOfArray(new double[,] { { -2, 1 }, { 1.5, -0.5 } }), MatCalc.Parse("inv(W)", "W: n x n").Evaluate(values));
        AssertClose(Math.Log(2), MatCalc.Parse("logdet(W' W)", "W: n x n").Evaluate(values)[0, 0] / 2);
        AssertClose(M.DenseOfArray(new double[,] { { 0.5, 1.5 }, { 2.5, 3.5 } }), MatCalc.Parse("W - s", "W: n x n; s: scalar").Evaluate(values));
        AssertClose(M.Dense(4, 1, [1, 3, 2, 4]), MatCalc.Parse("vec(W)", "W: n x n").Evaluate(values));
        AssertClose(Math.Sqrt(30), MatCalc.Parse("norm(W)", "W: n x n").Evaluate(values)[0, 0]);
        var sm = MatCalc.Parse("softmax(W)", "W: n x n").Evaluate(values);
        AssertClose(1 / (1 + Math.Exp(2)), sm[0, 0]);
    }

    [Fact]
    public void Kronecker_product_matches_its_definition()
    {
        var values = new Dictionary<string, Matrix<double>>
        {
            ["A"] = M.DenseOfArray(new double[,] { { 1, 2 } }),
            ["B"] = M.DenseOfArray(new double[,] { { 0, 1 }, { 1, 0 } }),
        };
        var k = MatCalc.Parse("kron(A, B)", "A: 1 x 2; B: 2 x 2").Evaluate(values);
        AssertClose(M.DenseOfArray(new double[,] { { 0, 1, 0, 2 }, { 1, 0, 2, 0 } }), k);
    }

    [Fact]
    public void Sampled_instances_honour_declared_properties_and_use_distinct_sizes()
    {
        var e = MatCalc.Parse("tr(S + Y + Q + Dg) + sum(P) + sum(B) + sum(W)",
            "S: n x n spd; Y: n x n symmetric; Q: n x n orthogonal; Dg: n x n diagonal; P: n x m positive; B: n x m indicator; W: k x d");
        var b = e.Sample(seed: 7);
        var sizes = b.Sizes.Values.ToList();
        Assert.Equal(sizes.Count, sizes.Distinct().Count());
        Assert.True(b["S"].Evd().EigenValues.All(v => v.Real > 0));
        AssertClose(b["S"], b["S"].Transpose());
        AssertClose(b["Y"], b["Y"].Transpose());
        AssertClose(M.DenseIdentity(b.Sizes["n"]), b["Q"].Transpose() * b["Q"]);
        Assert.True(b["Dg"].Enumerate().Count(v => v != 0) <= b.Sizes["n"]);
        Assert.True(b["P"].Enumerate().All(v => v > 0));
        Assert.True(b["B"].Enumerate().All(v => v is 0 or 1));
        // Same seed, same instance: output is deterministic.
        AssertClose(b["W"], e.Sample(seed: 7)["W"], 0);
        Assert.NotEqual(b["W"], e.Sample(seed: 8)["W"]);
    }

    [Fact]
    public void Dimension_overrides_are_used()
    {
        var e = MatCalc.Parse("tr(W W')", "W: n x m");
        var b = e.Sample(1, new Dictionary<string, int> { ["n"] = 2, ["m"] = 9 });
        Assert.Equal(2, b["W"].RowCount);
        Assert.Equal(9, b["W"].ColumnCount);
    }

    [Fact]
    public void Numerical_trouble_is_a_diagnostic()
    {
        var singular = new Dictionary<string, Matrix<double>> { ["A"] = M.DenseOfArray(new double[,] { { 1, 2 }, { 2, 4 } }) };
        Assert.Equal("MC3002", Assert.Throws<MatcalcException>(() => MatCalc.Parse("inv(A)", "A: n x n").Evaluate(singular)).Diagnostics[0].Id);
        var negative = new Dictionary<string, Matrix<double>> { ["A"] = M.DenseOfArray(new double[,] { { 0, 1 }, { 1, 0 } }) };
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Parse("logdet(A)", "A: n x n").Evaluate(negative));
        Assert.Equal("MC3002", ex.Diagnostics[0].Id);
        Assert.Contains("spd", ex.Diagnostics[0].Hint);
        Assert.Equal("MC3004", Assert.Throws<MatcalcException>(() => MatCalc.Parse("log(A)", "A: n x n").Evaluate(negative)).Diagnostics[0].Id);
        var zero = new Dictionary<string, Matrix<double>> { ["s"] = M.Dense(1, 1, 0) };
        Assert.Equal("MC3003", Assert.Throws<MatcalcException>(() => MatCalc.Parse("1 / s", "s: scalar").Evaluate(zero)).Diagnostics[0].Id);
    }

    [Fact]
    public void Values_that_do_not_fit_the_declarations_are_rejected()
    {
        var values = new Dictionary<string, Matrix<double>> { ["W"] = M.Dense(2, 3), ["A"] = M.Dense(3, 3) };
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Parse("W + A", "W: n x m; A: n x m").Evaluate(values));
        Assert.Equal("MC3006", ex.Diagnostics[0].Id);
        Assert.Contains("n is 2 from W (2×3)", ex.Diagnostics[0].Message);
        var missing = Assert.Throws<MatcalcException>(() => MatCalc.Parse("W + A", "W: n x m; A: n x m").Evaluate(new Dictionary<string, Matrix<double>> { ["W"] = M.Dense(2, 3) }));
        Assert.Equal("MC3001", missing.Diagnostics[0].Id);
    }
}
