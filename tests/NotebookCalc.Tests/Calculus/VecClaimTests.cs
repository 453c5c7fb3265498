using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Differentiation;
using NotebookCalc.Differentiation.Index;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;
using NotebookCalc.Cli;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Cli;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Hessian and Jacobian claims written as vec matrices (`kron(B', A)`, `K_(n,m)`): judged against the derived vec matrix,
/// with shape errors that name the layout, and the denominator-layout slip of a Jacobian named.
/// </summary>
public class VecClaimTests
{
    private static readonly GradientOptions Seeded = new() { Seed = 1 };

    /// <summary>The Hessian cases of <see cref="HessianTests"/> and the golden files (whose vec form exists).</summary>
    public static TheoryData<string, string, string> HessianCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in HessianTests.Cases) data.Add((string)row[1], (string)row[2], (string)row[3]);
        data.Add("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b");
        data.Add("ln det(W W' + sigma^2 I)", "W", "W: n x m; sigma: scalar");
        data.Add("tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible");
        data.Add("tr(S A S)", "S", "S: n x n symmetric; A: n x n");
        return data;
    }

    public static TheoryData<string, string, string> JacobianCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in JacobianTests.Cases) data.Add((string)row[0], (string)row[1], (string)row[2]);
        return data;
    }

    [Theory]
    [MemberData(nameof(HessianCases))]
    public void The_printed_vec_Hessian_parses_back_and_is_judged_right(string expr, string wrt, string where)
    {
        var r = MatCalc.Hessian(expr, wrt, where, Seeded);
        if (r.VecForm is null) { Assert.NotNull(r.VecUnsupported); return; }
        var text = TextPrinter.Print(r.VecForm);
        var claim = MatCalc.CheckHessian(expr, wrt, text, where, Seeded);
        Assert.True(claim.Right, $"{expr}: {text}: {claim.Verdict}");
        Assert.True(claim.VecMatrix);
        Assert.Equal("hessian", claim.Derivative);
        Assert.Equal(r.VecForm, claim.Gradient);
        Assert.StartsWith("numeric", claim.How);
        Assert.True(claim.Basis!.SizeAssignments >= 2 || claim.Basis.AssignmentsAvailable < 2, claim.Basis.Summary);
        // Twice the vec Hessian is not the vec Hessian (none of these Hessians vanishes).
        var doubled = MatCalc.CheckHessian(expr, wrt, $"2 ({text})", where, Seeded);
        Assert.False(doubled.Right, doubled.Verdict);
        Assert.NotNull(doubled.Counterexample);
        Assert.DoesNotContain(r.Direction.Name, doubled.Counterexample!.Values.Keys);
        var n = doubled.Counterexample.Values[r.Variable.Name].RowCount * doubled.Counterexample.Values[r.Variable.Name].ColumnCount;
        Assert.Equal((n, n), (doubled.Counterexample.Expected.RowCount, doubled.Counterexample.Expected.ColumnCount));
    }

    [Theory]
    [MemberData(nameof(JacobianCases))]
    public void The_printed_vec_Jacobian_parses_back_and_is_judged_right(string expr, string wrt, string where)
    {
        var r = MatCalc.Jacobian(expr, wrt, where, Seeded);
        if (r.VecForm is null) { Assert.NotNull(r.VecUnsupported); return; }
        var text = TextPrinter.Print(r.VecForm);
        var claim = MatCalc.CheckJacobian(expr, wrt, text, where, Seeded);
        Assert.True(claim.Right, $"{expr}: {text}: {claim.Verdict}");
        Assert.True(claim.VecMatrix);
        Assert.Equal("dvec(F)/dvec(" + r.Variable.Name + ")'", claim.Label(r.Variable.Name));
        var doubled = MatCalc.CheckJacobian(expr, wrt, $"2 ({text})", where, Seeded);
        Assert.False(doubled.Right, doubled.Verdict);
    }

    /// <summary>The five seed problems: the Hessian of each function, and the Jacobian of its matrix-valued inner part.</summary>
    [Theory]
    [InlineData("hessian", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible; l1: scalar; l2: scalar")]
    [InlineData("hessian", "ln det(W W' + sigma^2 I)", "W", "W: n x m; sigma: scalar")]
    [InlineData("hessian", "norm(W .* (A - U V'))^2", "U", "W: n x m; A: n x m; U: n x k; V: m x k")]
    [InlineData("hessian", "norm(softmax(w' B) - beta D' Z)^2", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; beta: n x m")]
    [InlineData("hessian", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b")]
    [InlineData("jacobian", "W inv(Omega) W'", "W", "W: n x m; Omega: m x m invertible")]
    [InlineData("jacobian", "inv(W W' + sigma^2 I)", "W", "W: n x m; sigma: scalar")]
    [InlineData("jacobian", "W .* (A - U V')", "U", "W: n x m; A: n x m; U: n x k; V: m x k")]
    [InlineData("jacobian", "softmax(w' B)", "w", "B: d x l; w: d x n")]
    [InlineData("jacobian", "X W Z - X", "W", "X: a x b; W: b x c; Z: c x b")]
    public void The_seed_problems_vec_matrices_parse_back_and_are_judged_right(string derivative, string expr, string wrt, string where)
    {
        var (vec, claim) = derivative == "hessian"
            ? (MatCalc.Hessian(expr, wrt, where, Seeded).VecForm, (Func<string, ClaimReport>)(c => MatCalc.CheckHessian(expr, wrt, c, where, Seeded)))
            : (MatCalc.Jacobian(expr, wrt, where, Seeded).VecForm, c => MatCalc.CheckJacobian(expr, wrt, c, where, Seeded));
        Assert.NotNull(vec);
        var r = claim(TextPrinter.Print(vec!));
        Assert.True(r.Right && r.VecMatrix, r.Verdict);
        Assert.False(claim($"-({TextPrinter.Print(vec!)})").Right);
    }

    [Theory]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "kron(I_m, A + A')", true)]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "kron(I_m, A) + kron(I_m, A')", true)]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "kron(A + A', I_m)", false)]
    [InlineData("tr(X' A X)", "X", "A: n x n; X: n x m", "kron(I_m, 2 A)", false)]
    [InlineData("norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "kron(eye(m), 2 A' A)", true)]
    [InlineData("ln det X", "X", "X: n x n", "-(kron(inv(X), inv(X)') K_(n,n))", true)]
    [InlineData("ln det X", "X", "X: n x n", "-commutation(n, n) kron(inv(X)', inv(X))", true)]
    [InlineData("ln det X", "X", "X: n x n", "-kron(inv(X), inv(X)')", false)]
    [InlineData("x' A x", "x", "A: n x n; x: n", "A + A'", true)]
    [InlineData("x' A x", "x", "A: n x n; x: n", "2 A", false)]
    // S spd: only the part on symmetric directions is determined, and S⁻¹ ⊗ S⁻¹ is right there.
    [InlineData("ln det S", "S", "S: n x n spd", "-kron(inv(S), inv(S))", true)]
    [InlineData("ln det S", "S", "S: n x n spd", "kron(inv(S), inv(S))", false)]
    public void Vec_Hessian_claims_are_judged(string expr, string wrt, string where, string claim, bool right)
    {
        var r = MatCalc.CheckHessian(expr, wrt, claim, where, Seeded);
        Assert.True(r.Right == right, $"{claim}: {r.Verdict}");
        Assert.True(r.VecMatrix, r.Verdict);
        Assert.Contains("vec Hessian", r.Verdict);
        if (!right) Assert.NotEmpty(r.Counterexample!.Differing);
    }

    [Theory]
    [InlineData("A X B", "X", "A: p x n; X: n x m; B: m x q", "kron(B', A)", true)]
    [InlineData("A X B", "X", "A: p x n; X: n x m; B: m x q", "kron(A, B')", false)]
    [InlineData("X'", "X", "X: n x m", "K_(n,m)", true)]
    [InlineData("X'", "X", "X: n x m", "commutation(n, m)", true)]
    [InlineData("exp(X)", "X", "X: n x m", "diag(vec(exp(X)))", true)]
    [InlineData("inv(X)", "X", "X: n x n", "-kron(inv(X)', inv(X))", true)]
    [InlineData("inv(X)", "X", "X: n x n", "-kron(inv(X), inv(X))", false)]
    [InlineData("softmax(z)", "z", "z: n", "diag(softmax(z)) - softmax(z) softmax(z)'", true)]
    [InlineData("softmax(z)", "z", "z: n", "diag(softmax(z))", false)]
    [InlineData("A x", "x", "A: m x n; x: n", "A", true)]
    [InlineData("A x", "x", "A: n x n; x: n", "A'", false)]
    public void Vec_Jacobian_claims_are_judged(string expr, string wrt, string where, string claim, bool right)
    {
        var r = MatCalc.CheckJacobian(expr, wrt, claim, where, Seeded);
        Assert.True(r.Right == right, $"{claim}: {r.Verdict}");
        Assert.True(r.VecMatrix, r.Verdict);
        Assert.Equal("jacobian", r.Derivative);
    }

    [Fact]
    public void A_Jacobian_claim_of_the_transposed_shape_names_the_denominator_layout()
    {
        var r = MatCalc.CheckJacobian("A X B", "X", "kron(B, A')", "A: p x n; X: n x m; B: m x q", Seeded);
        Assert.False(r.Right);
        Assert.Equal("shape check", r.How);
        Assert.Contains("pq×mn", r.Verdict);
        Assert.Contains("mn×pq", r.Verdict);
        Assert.Contains(r.Hints, h => h.Contains("denominator layout") && h.Contains("numerator layout"));
        Assert.Contains(r.Hints, h => h.Contains("column-major"));
        Assert.Contains(r.Hints, h => h.StartsWith("The transpose of the claim is the vec Jacobian"));
        // A claim of that shape whose transpose is wrong too gets the shape hint only.
        var other = MatCalc.CheckJacobian("A X B", "X", "kron(B, 2 A')", "A: p x n; X: n x m; B: m x q", Seeded);
        Assert.False(other.Right);
        Assert.DoesNotContain(other.Hints, h => h.StartsWith("The transpose of the claim is the vec Jacobian"));
        Assert.Contains(other.Hints, h => h.Contains("denominator layout"));
    }

    [Theory]
    [InlineData("A x", "x", "A: n x n; x: n", "A'")]
    [InlineData("A X", "X", "A: n x n; X: n x n", "kron(I_n, A')")]
    [InlineData("X'", "X", "X: n x m", "K_(m,n)")]
    public void A_square_vec_Jacobian_claim_that_is_the_transpose_gets_the_layout_hint(string expr, string wrt, string where, string claim)
    {
        var r = MatCalc.CheckJacobian(expr, wrt, claim, where, Seeded);
        Assert.False(r.Right, r.Verdict);
        Assert.Contains(r.Hints, h => h.Contains("denominator layout"));
        Assert.Contains("(1,", string.Join(" ", r.Counterexample!.Differences.Select(d => $"({d.Row + 1},{d.Col + 1})")) + " (1,");
    }

    [Fact]
    public void A_Hessian_claim_without_H_of_another_shape_says_which_shape_and_why()
    {
        var r = MatCalc.CheckHessian("tr(X' A X)", "X", "A + A'", "A: n x n; X: n x m", Seeded);
        Assert.False(r.Right);
        Assert.Equal("shape check", r.How);
        Assert.Contains("mn×mn", r.Verdict);
        Assert.Contains("(entries of vec X) × (entries of vec X)", r.Verdict);
        Assert.Contains(r.Hints, h => h.Contains("numerator layout") && h.Contains("column-major"));
        Assert.Contains(r.Hints, h => h.Contains("does not contain H"));
    }

    [Fact]
    public void A_vec_claim_is_judged_through_the_map_when_the_derivative_has_no_Kronecker_form()
    {
        var r = MatCalc.Jacobian("kron(A, X)", "X", "A: p x q; X: n x m", Seeded);
        Assert.Null(r.VecForm);
        // For a 1×1 A, kron(A, X) = a X, whose vec matrix is a I: judged through unvec(C vec H) against the map kron(A, H).
        var wrong = MatCalc.CheckJacobian("kron(A, X)", "X", "2 kron(I_m, I_n)", "A: 1 x 1; X: n x m", Seeded);
        Assert.False(wrong.Right, wrong.Verdict);
        Assert.False(wrong.VecMatrix);
        Assert.Contains(wrong.Hints, h => h.Contains("no Kronecker form"));
        var right = MatCalc.CheckJacobian("kron(A, X)", "X", "tr(A) kron(I_m, I_n)", "A: 1 x 1; X: n x m", Seeded);
        Assert.True(right.Right, right.Verdict);
    }

    [Fact]
    public void The_commutation_matrix_parses_in_both_spellings_prints_back_and_permutes_vec()
    {
        var k = MatCalc.Parse("K_(n,m)", "");
        Assert.IsType<Commutation>(k.Expr);
        Assert.Equal("K_(n,m)", TextPrinter.Print(k.Expr));
        Assert.Equal(k.Expr, MatCalc.Parse("commutation(n, m)", "").Expr);
        Assert.Equal("mn×mn", k.Shape.ToString());
        // K_(n,1) is the identity.
        Assert.IsType<Expressions.Identity>(MatCalc.Parse("K_(n,1)", "").Expr);
        var e = MatCalc.Parse("K_(n,m) vec(A) - vec(A')", "A: n x m");
        var a = Matrix<double>.Build.Dense(3, 4, (i, j) => 10 * i + j);
        var value = Evaluator.Evaluate(e.Expr, Sampler.Bind(e.Symbols, new Dictionary<string, Matrix<double>> { ["A"] = a }, e.Source));
        Assert.Equal(0, value.FrobeniusNorm());
        var bad = Assert.Throws<MatcalcException>(() => MatCalc.Parse("K_(A, n)", "A: n x n"));
        Assert.Equal("MC1014", bad.Diagnostics[0].Id);
    }

    [Fact]
    public void The_cli_json_says_the_claim_form()
    {
        var (code, stdout, stderr) = CliTests.Run("check", "A X B", "--wrt", "X", "--where", "A: p x n; X: n x m; B: m x q",
            "--derivative", "jacobian", "--claim", "kron(B', A)", "--format", "json");
        Assert.True(code == 0, stderr + stdout);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("vec", doc.GetProperty("form").GetString());
        Assert.Equal("kron(B', A)", doc.GetProperty("jacobian").GetProperty("text").GetString());
        var (code2, stdout2, _) = CliTests.Run("check", "A X B", "--wrt", "X", "--where", "A: p x n; X: n x m; B: m x q",
            "--derivative", "jacobian", "--claim", "A H B", "--format", "json");
        Assert.Equal(0, code2);
        Assert.Equal("map", JsonDocument.Parse(stdout2).RootElement.GetProperty("form").GetString());
        var (code3, text, _) = CliTests.Run("check", "tr(X' A X)", "--wrt", "X", "--where", "A: n x n; X: n x m",
            "--derivative", "hessian", "--claim", "kron(A + A', I_m)");
        Assert.Equal(1, code3);
        Assert.Contains("d2f/dvec(X) dvec(X)' = kron(I_m, A + A')", text);
        Assert.Contains("entries that differ most", text);
    }

    [Fact]
    public void The_notebook_check_takes_a_vec_matrix_and_shows_its_label()
    {
        var s = new MatCalcSession();
        var ok = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X' A X)\" --wrt X --where \"A: n x n; X: n x m\" --derivative hessian --claim \"kron(I_m, A + A')\"")));
        Assert.True(ok.Report.Right, ok.Report.Verdict);
        Assert.True(ok.Report.VecMatrix);
        var html = Html.Claim(ok.Report, "X");
        Assert.Contains("<mi>vec</mi>", html);
        var bad = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"A X B\" --wrt X --where \"A: p x n; X: n x m; B: m x q\" --derivative jacobian --claim \"kron(B, A')\"")));
        Assert.False(bad.Report.Right);
        Assert.Contains("denominator layout", Html.Claim(bad.Report, "X"));
    }

    private static string Notebook(string cell) => new JsonObject
    {
        ["cells"] = new JsonArray(new JsonObject
        {
            ["cell_type"] = "code",
            ["source"] = new JsonArray(cell.Split('\n').Select(l => (JsonNode)(l + "\n")).ToArray()),
        }),
        ["metadata"] = new JsonObject { ["matcalc"] = new JsonObject { ["student"] = "alice" } },
    }.ToJsonString();

    [Theory]
    [InlineData("hessian", "tr(X B X')", "X: n x m; B: m x m", "kron(B + B', I_n)", "right")]
    [InlineData("hessian", "tr(X B X')", "X: n x m; B: m x m", "kron(I_n, B + B')", "wrong")]
    [InlineData("jacobian", "A X B", "A: p x n; X: n x m; B: m x q", "kron(B', A)", "right")]
    [InlineData("jacobian", "A X B", "A: p x n; X: n x m; B: m x q", "kron(B, A')", "wrong")]
    public void A_grade_key_with_a_second_derivative_takes_a_vec_matrix_answer(string derivative, string function, string where, string claim, string status)
    {
        var key = new KeyExercise("e1", function, "X", where, Derivative: derivative);
        var cell = $"#!matcalc check \"{function}\" --wrt X --derivative {derivative} --claim \"{claim}\" --answer hidden\n// exercise: e1";
        var g = Assert.Single(Grader.GradeNotebook("alice.ipynb", Notebook(cell), [key]));
        Assert.Equal(status, g.Status);
        Assert.DoesNotContain(claim == "kron(B + B', I_n)" ? "kron(I_n" : "kron(B + B', I_n)", g.Feedback);
    }
}
