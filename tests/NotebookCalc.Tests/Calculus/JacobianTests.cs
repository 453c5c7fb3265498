using NotebookCalc.Differentiation.Index;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Cli;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Jacobians of matrix- and vector-valued functions: the map, its Kronecker form, checked column by column.</summary>
public class JacobianTests
{
    public static TheoryData<string, string, string, string?, string?> Cases => new()
    {
        { "A X B", "X", "A: p x n; X: n x m; B: m x q", "A H B", "kron(B', A)" },
        { "A x", "x", "A: m x n; x: n", "A H", "A" },
        { "inv(X)", "X", "X: n x n", "-(inv(X) H inv(X))", "-kron(inv(X)', inv(X))" },
        { "X'", "X", "X: n x m", "H'", "K_(n,m)" },
        { "exp(X)", "X", "X: n x m", "H .* exp(X)", "diag(vec(exp(X)))" },
        { "sigmoid(x)", "x", "x: n", null, null },
        { "X .* X", "X", "X: n x m", "2 (H .* X)", "2 diag(vec(X))" },
        { "softmax(z)", "z", "z: n", null, "diag(softmax(z)) (I_n - ones(n, n) diag(softmax(z)))" },
        { "softmax(Z)", "Z", "Z: n x m", null, null },
        { "X W", "W", "X: n x k; W: k x m", "X H", "kron(I_m, X)" },
        { "X X'", "X", "X: n x m", null, null },
        { "tanh(W x + b)", "W", "W: n x d; x: d; b: n", null, null },
        { "kron(A, X)", "X", "A: p x q; X: n x m", "kron(A, H)", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_jacobian_is_derived_two_ways_checked_and_its_vec_form_is_its_matrix(string expr, string wrt, string where, string? map, string? vec)
    {
        var r = MatCalc.Jacobian(expr, wrt, where, new GradientOptions { Seed = 2 });
        Assert.Equal(JacobianMethods.Names, r.Methods.Select(m => m.Method));
        // The index method declines a Kronecker product (its entries need index arithmetic) and says so; the others derive it.
        Assert.All(r.Methods.Where(m => !(m.Method == IndexMethod.Name && expr.Contains("kron"))), m => Assert.True(m.Succeeded, $"{expr} {m.Method}: {m.Unsupported}"));
        if (expr.Contains("kron")) Assert.Contains("Kronecker", r.Methods.Single(m => m.Method == IndexMethod.Name).Unsupported);
        Assert.All(r.Methods.SelectMany(m => m.Steps), s => Assert.NotEmpty(s.Rules));
        Assert.True(r.Agree, r.AgreementBasis);
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.True(r.Check.Columns);
        if (map is not null) Assert.Equal(map, TextPrinter.Print(r.Map));
        if (vec is not null) Assert.Equal(vec, TextPrinter.Print(r.VecForm!));
        if (r.VecForm is null) { Assert.NotNull(r.VecUnsupported); return; }
        var symbols = r.Function.Symbols;
        var b = Sampler.Sample(symbols, 5);
        var numeric = HessianCheck.VecMatrix(r.Map, r.Variable, r.Direction, b, expr, projectOutput: false);
        var kron = Evaluator.Evaluate(r.VecForm, b);
        Assert.True((kron - numeric).FrobeniusNorm() <= 1e-9 * Math.Max(1, numeric.FrobeniusNorm()), $"{TextPrinter.Print(r.VecForm)} is not the vec Jacobian");
    }

    [Fact]
    public void Softmax_jacobian_at_a_point_is_diag_s_minus_s_s_transposed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"matcalc-jac-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"z": [1, 2, 0.5]}""");
        try
        {
            var (code, stdout, stderr) = CliTests.Run("jacobian", "softmax(z)", "--wrt", "z", "--at", path, "--format", "json");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var value = doc.RootElement.GetProperty("value").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var e = new[] { Math.Exp(1), Math.Exp(2), Math.Exp(0.5) };
            var s = e.Select(v => v / e.Sum()).ToArray();
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 3; j++)
                    Assert.Equal((i == j ? s[i] : 0) - s[i] * s[j], value[i][j], 12);
            Assert.Contains("numerator layout", doc.RootElement.GetProperty("jacobian").GetProperty("layout").GetString());
            Assert.True(doc.RootElement.GetProperty("check").GetProperty("passed").GetBoolean());
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("A X B", "X", "A: p x n; X: n x m; B: m x q", "A H B", true)]
    [InlineData("inv(X)", "X", "X: n x n", "-inv(X) H inv(X)", true)]
    [InlineData("inv(X)", "X", "X: n x n", "-inv(X) H' inv(X)", false)]
    [InlineData("inv(X)", "X", "X: n x n", "-inv(X)' H inv(X)'", false)]
    [InlineData("softmax(z)", "z", "z: n", "diag(softmax(z)) H - softmax(z) softmax(z)' H", true)]
    [InlineData("softmax(z)", "z", "z: n", "diag(softmax(z)) H", false)]
    [InlineData("X'", "X", "X: n x m", "H'", true)]
    [InlineData("exp(X)", "X", "X: n x m", "exp(X) .* H", true)]
    [InlineData("exp(X)", "X", "X: n x n", "exp(X) H", false)]
    public void Jacobian_claims_are_judged(string expr, string wrt, string where, string claim, bool right)
    {
        var report = MatCalc.CheckJacobian(expr, wrt, claim, where);
        Assert.Equal("jacobian", report.Derivative);
        Assert.True(report.Right == right, report.Verdict);
        if (!right)
        {
            var ce = Assert.IsType<Counterexample>(report.Counterexample);
            Assert.Contains("H", ce.Values.Keys);
            Assert.Contains($"DF({wrt})[H]", DerivationFormat.Text(report, wrt));
        }
    }

    [Theory]
    [InlineData("X", "X", "X: n x m")]
    [InlineData("x", "x", "x: n")]
    [InlineData("A", "A", "A: k x k")]
    public void The_jacobian_of_the_variable_itself_is_the_identity_by_every_method(string expr, string wrt, string where)
    {
        // Regression (SymPy's A.diff(A)): the differential method had no layer to apply to dF = dX and answered the zero map.
        var r = MatCalc.Jacobian(expr, wrt, where, new GradientOptions { Seed = 2 });
        Assert.All(r.Methods, m => Assert.Equal("H", TextPrinter.Print(m.Gradient!)));
        Assert.Equal("H", TextPrinter.Print(r.Map));
        Assert.True(r.Agree, r.AgreementBasis);
        Assert.True(r.Check!.Passed, r.Check.Summary);
        var b = Sampler.Sample(r.Function.Symbols, 5);
        var vec = Evaluator.Evaluate(r.VecForm!, b);
        Assert.Equal(Matrix<double>.Build.DenseIdentity(vec.RowCount), vec);
        Assert.True(MatCalc.CheckJacobian(expr, wrt, "H", where).Right);
    }

    [Fact]
    public void Check_derivative_jacobian_on_the_command_line()
    {
        var right = CliTests.Run("check", "A X B", "--wrt", "X", "--where", "A: p x n; X: n x m; B: m x q", "--derivative", "jacobian", "--claim", "A H B", "--format", "json");
        Assert.True(right.Code == 0, right.Out + right.Err);
        using var doc = JsonDocument.Parse(right.Out);
        Assert.Equal("jacobian", doc.RootElement.GetProperty("derivative").GetString());
        Assert.Equal("A H B", doc.RootElement.GetProperty("jacobian").GetProperty("text").GetString());
        var wrong = CliTests.Run("check", "A X B", "--wrt", "X", "--where", "A: n x n; X: n x n; B: n x n", "--derivative", "jacobian", "--claim", "A H' B");
        Assert.Equal(1, wrong.Code);
        var s = new MatCalcSession();
        var claim = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"inv(X)\" --wrt X --where \"X: n x n\" --derivative jacobian --claim \"-inv(X) H inv(X)\"")));
        Assert.True(claim.Report.Right, claim.Report.Verdict);
    }

    [Fact]
    public void Jacobian_cli_text_and_notebook()
    {
        var (code, stdout, stderr) = CliTests.Run("jacobian", "A X B", "--wrt", "X", "--where", "A: p x n; X: n x m; B: m x q");
        Assert.True(code == 0, stderr);
        Assert.Contains("DF(X)[H] = A H B", stdout);
        Assert.Contains("kron(B', A)", stdout);
        Assert.Contains("[identify_jacobian]", stdout);
        Assert.Contains("check: passed", stdout);
        var bad = CliTests.Run("jacobian", "A X B", "--wrt", "Y", "--where", "A: p x n; X: n x m; B: m x q");
        Assert.Equal(2, bad.Code);
        Assert.Contains("MC2002", bad.Err);
        var s = new MatCalcSession();
        var r = Assert.IsType<JacobianResult>(Assert.Single(s.Run("#!matcalc jacobian \"inv(X)\" --wrt X --where \"X: n x n\"")));
        Assert.Equal("-(inv(X) H inv(X))", r.Map.ToString());
        var html = Formats.Of(r)[Formats.Html];
        Assert.Contains("<math", html);
        Assert.DoesNotContain("<script", html);
    }
}
