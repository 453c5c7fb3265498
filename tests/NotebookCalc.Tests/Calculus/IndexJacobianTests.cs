using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Index;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Cli;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// The third method for Jacobians and Hessians: index notation, ∂F_ij/∂X_ab with Kronecker deltas, read as the vec matrix
/// and applied to H. It agrees with the differential and Gâteaux methods on every construct, its own map passes the
/// numerical check, and it declines opaque functions, Kronecker products and vec with the gradient method's reasons.
/// </summary>
public class IndexJacobianTests
{
    private static readonly GradientOptions Seeded = new() { Seed = 1 };

    public static TheoryData<string, string, string> JacobianConstructs()
    {
        var data = new TheoryData<string, string, string>
        {
            { "A X B", "X", "A: p x n; X: n x m; B: m x q" },
            { "X X'", "X", "X: n x m" },
            { "x x' A", "x", "x: n; A: n x n" },
            { "X^3", "X", "X: n x n" },
            { "inv(X)", "X", "X: n x n" },
            { "inv(X) A", "X", "X: n x n; A: n x m" },
            { "X'", "X", "X: n x m" },
            { "A X' B", "X", "A: p x m; X: n x m; B: n x q" },
            { "X .* X", "X", "X: n x m" },
            { "A ./ P", "P", "A: n x m; P: n x m positive" },
            { "C .* exp(X)", "X", "X: n x m; C: n x m" },
            { "sqrt(P) .* log(P)", "P", "P: n x m positive" },
            { "sigmoid(x)", "x", "x: n" },
            { "tanh(W x + b)", "W", "W: n x d; x: d; b: n" },
            { "softmax(z)", "z", "z: n" },
            { "softmax(Z)", "Z", "Z: n x m" },
            { "softmax_rows(Z)", "Z", "Z: n x m" },
            { "diag(x) A", "x", "x: n; A: n x m" },
            { "diag(X)", "X", "X: n x n" },
            { "tr(X) X", "X", "X: n x n" },
            { "(x' A x) x", "x", "x: n; A: n x n" },
            { "A x", "x", "A: m x n; x: n" },
        };
        foreach (var row in JacobianTests.Cases)
            if (!((string)row[0]).Contains("kron")) data.Add((string)row[0], (string)row[1], (string)row[2]);
        return data;
    }

    public static TheoryData<string, string, string> HessianConstructs()
    {
        var data = new TheoryData<string, string, string>
        {
            { "norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m" },
            { "x' A x", "x", "A: n x n; x: n" },
            { "tr(X' A X)", "X", "A: n x n; X: n x m" },
            { "ln det X", "X", "X: n x n" },
            { "a' inv(X) b", "X", "X: n x n; a: n; b: n" },
            { "tr(X^3)", "X", "X: n x n" },
            { "sum(exp(P) .* C)", "P", "P: n x m; C: n x m" },
            { "sum(C .* softmax(X))", "X", "X: n x m; C: n x m" },
            { "sum(log(1 + exp(A w))) - y' A w", "w", "A: m x n; w: n; y: m" },
            { "norm(W .* (A - U V'))^2", "U", "W: n x m; A: n x m; U: n x k; V: m x k" },
            { "tr(S A S)", "S", "S: n x n symmetric; A: n x n" },
        };
        foreach (var row in HessianTests.Cases) data.Add((string)row[1], (string)row[2], (string)row[3]);
        return data;
    }

    private static Derivation Index(IReadOnlyList<Derivation> methods) => methods.Single(m => m.Method == IndexMethod.Name);

    [Theory]
    [MemberData(nameof(JacobianConstructs))]
    public void The_index_jacobian_agrees_with_the_other_methods_and_passes_its_own_check(string expr, string wrt, string where)
    {
        var r = MatCalc.Jacobian(expr, wrt, where, Seeded);
        Assert.Equal([JacobianMethods.Gateaux, IndexMethod.Name, JacobianMethods.Differential], r.Methods.Select(m => m.Method));
        var index = Index(r.Methods);
        Assert.True(index.Succeeded, $"{expr}: {index.Unsupported}");
        Assert.True(r.Agree, $"{expr}: {r.AgreementBasis}");
        var rules = index.Steps.SelectMany(s => s.Rules).ToHashSet();
        Assert.Superset(new HashSet<string> { Rules.IndexWrite.Name, Rules.IndexContract.Name, Rules.IndexVec.Name, Rules.IndexDirection.Name, Rules.IndexToMatrix.Name }, rules);
        Assert.All(index.Steps, s => Assert.NotEmpty(s.Rules));
        Assert.Contains(index.Steps, s => s.Lhs is EntryTerm { Variable: not null } && s.Rhs is IndexSumTerm);
        // Its own map, not only the common one, passes the numerical check against central differences of F.
        var check = JacobianCheck.Run(r.Function, r.Variable, r.Direction, index.Gradient!, 1);
        Assert.True(check.Passed, $"{expr}: {TextPrinter.Print(index.Gradient!)}: {check.Summary}");
        if (r.VecForm is not null) Assert.Equal(r.VecForm, Assert.IsType<ExprTerm>(index.Steps[^1].Rhs).Expr);
    }

    [Theory]
    [MemberData(nameof(HessianConstructs))]
    public void The_index_hessian_agrees_with_the_other_methods_and_passes_its_own_check(string expr, string wrt, string where)
    {
        var r = MatCalc.Hessian(expr, wrt, where, Seeded);
        Assert.Equal([HessianMethods.Gateaux, IndexMethod.Name, HessianMethods.Differential], r.Methods.Select(m => m.Method));
        var index = Index(r.Methods);
        Assert.True(index.Succeeded, $"{expr}: {index.Unsupported}");
        Assert.True(r.Agree, $"{expr}: {r.AgreementBasis}");
        Assert.Contains(index.Steps, s => s.Lhs is EntryTerm { Function: FunctionKind.Gradient, Variable: not null });
        Assert.Contains(index.Steps, s => s.Lhs is VecEntryTerm { Order: 2 });
        var check = HessianCheck.Run(r.Function, r.Variable, r.Direction, r.Gradient, index.Gradient!, 1);
        Assert.True(check.Passed, $"{expr}: {TextPrinter.Print(index.Gradient!)}: {check.Summary}");
    }

    [Theory]
    [InlineData("kron(A, X)", "X", "A: p x q; X: n x m", "Kronecker product")]
    [InlineData("vec(X)", "X", "X: n x m", "vec")]
    [InlineData("g(X)", "X", "X: n x m; g: n x m function of X", "opaque function")]
    public void The_index_jacobian_declines_what_the_gradient_method_declines_and_says_why(string expr, string wrt, string where, string reason)
    {
        var r = MatCalc.Jacobian(expr, wrt, where, Seeded);
        var index = Index(r.Methods);
        Assert.False(index.Succeeded);
        Assert.Contains(reason, index.Unsupported);
        Assert.Contains(r.Methods, m => m.Succeeded);
    }

    [Fact]
    public void The_index_hessian_of_an_opaque_function_says_why_it_declines()
    {
        var ex = Assert.Throws<Text.MatcalcException>(() => MatCalc.Hessian("sum(g(X))", "X", "X: n x m; g: n x m function of X", Seeded));
        Assert.Contains("index: an opaque function", ex.Diagnostics[0].Message);
    }

    [Fact]
    public void The_vec_entry_the_index_method_names_is_the_entry_of_the_vec_jacobian()
    {
        // F = A X B, F p×q, X n×m: [∂vec F/∂(vec X)ᵀ]_(i + p(j−1), a + n(b−1)) = ∂F_ij/∂X_ab, by central differences.
        var r = MatCalc.Jacobian("A X B", "X", "A: p x n; X: n x m; B: m x q", Seeded);
        var step = Index(r.Methods).Steps.Single(s => s.Lhs is VecEntryTerm);
        var entry = Assert.IsType<VecEntryTerm>(step.Lhs);
        Assert.Equal(("i + p(j - 1)", "a + n(b - 1)"), (entry.Row, entry.Col));
        Assert.Equal("[dvec(F)/dvec(X)']_(i + p(j - 1), a + n(b - 1)) = dF_ij/dX_ab", step.Text);
        var random = new Random(7);
        Matrix<double> M(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols, (_, _) => random.NextDouble() - 0.5);
        var (p, n, m, q) = (2, 3, 4, 5);
        var values = new Dictionary<string, Matrix<double>> { ["A"] = M(p, n), ["X"] = M(n, m), ["B"] = M(m, q) };
        var vec = MatCalc.JacobianAt(r, values);
        var bindings = Sampler.Bind(r.Function.Symbols, values, r.Function.Source);
        for (var (i, j, a, b) = (0, 0, 0, 0); i < p; i++)
            for (j = 0; j < q; j++)
                for (a = 0; a < n; a++)
                    for (b = 0; b < m; b++)
                    {
                        Matrix<double> At(double t)
                        {
                            var x = values["X"].Clone();
                            x[a, b] += t;
                            var copy = bindings.Clone();
                            copy.Set("X", x);
                            return Evaluator.Evaluate(r.Function.Expr, copy);
                        }
                        var fd = (At(1e-6)[i, j] - At(-1e-6)[i, j]) / 2e-6;
                        Assert.Equal(fd, vec[i + p * j, a + n * b], 6);
                    }
    }

    [Fact]
    public void The_cli_and_the_notebook_show_the_index_method_as_a_third_column()
    {
        var (code, stdout, stderr) = CliTests.Run("hessian", "norm(A X - B)^2", "--wrt", "X", "--where", "A: p x n; X: n x m; B: p x m", "--format", "json");
        Assert.True(code == 0, stderr);
        var methods = JsonDocument.Parse(stdout).RootElement.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(["gateaux", "index", "differential"], methods.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal("2 A' A H", methods[1].GetProperty("map").GetProperty("text").GetString());
        var (code2, text, _) = CliTests.Run("jacobian", "A X B", "--wrt", "X", "--where", "A: p x n; X: n x m; B: m x q", "--method", "index");
        Assert.Equal(0, code2);
        Assert.Contains("Index notation", text);
        Assert.Contains("dF_ij/dX_ab = A_ia B_bj    [index_contract]", text);
        Assert.DoesNotContain("Differential dF", text);
        var html = Html.Hessian(MatCalc.Hessian("tr(X' A X)", "X", "A: n x n; X: n x m", Seeded));
        Assert.Equal(3, html.Split("<section class=\"mc-method\">").Length - 1);
        Assert.Contains("Index notation", html);
        Assert.Contains("<mi>δ</mi>", html);
    }
}
