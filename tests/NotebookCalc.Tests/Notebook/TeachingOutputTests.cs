using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Notebook;

/// <summary>How derivations and verdicts read to a student: found while writing the course.</summary>
public class TeachingOutputTests
{
    [Fact]
    public void An_exercise_sheet_can_hide_the_derived_gradient_but_keeps_the_counterexample()
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"X: n x n\"");
        var shown = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\"")));
        var hidden = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\" --answer hidden")));
        Assert.False(hidden.Report.Right);
        Assert.Contains("2 X'", Formats.Of(shown)[Formats.Plain]);
        Assert.DoesNotContain("2 X'", Formats.Of(hidden)[Formats.Plain]);
        Assert.Contains("Counterexample", Formats.Of(hidden)[Formats.Plain]);
        Assert.Contains("derived:", Formats.Of(shown)[Formats.Html]);
        Assert.DoesNotContain("derived:", Formats.Of(hidden)[Formats.Html]);
        Assert.Contains("Counterexample", Formats.Of(hidden)[Formats.Html]);
        // The grader reads the claim whatever --answer says.
        var wrong = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc check \"tr(X X)\" --wrt X --claim \"2 X\" --answer maybe")));
        Assert.Equal("MC4003", wrong.Diagnostics[0].Id);

        var (code, text, _) = NotebookCalc.Tests.Cli.CliTests.Run("check", "tr(X X)", "--wrt", "X", "--claim", "2 X", "--where", "X: n x n", "--answer", "hidden");
        Assert.Equal(1, code);
        Assert.DoesNotContain("2 X'", text);
        var (_, json, _) = NotebookCalc.Tests.Cli.CliTests.Run("check", "tr(X X)", "--wrt", "X", "--claim", "2 X", "--where", "X: n x n", "--answer", "hidden", "--format", "json");
        Assert.DoesNotContain("\"gradient\"", json);
        Assert.Contains("\"counterexample\"", json);
    }

    [Theory]
    [InlineData("B : (X + H)", "B : (X + H)", @"B : \left(X + H\right)")]
    [InlineData("(A x + A' x) : y", "(A x + A' x) : y", null)]
    [InlineData("A : B C", "A : B C", null)]
    public void A_sum_beside_a_Frobenius_product_is_bracketed(string input, string text, string? latex)
    {
        var e = MatCalc.Parse(input, "A: n x n; B: n x n; X: n x n; H: n x n; x: n; y: n; C: n x n");
        Assert.Equal(text, e.Text);
        if (latex is not null) Assert.Equal(latex, e.Latex);
        Assert.Equal(text.Contains('('), MathMlPrinter.Math(e.Expr).Contains("<mo>(</mo>", StringComparison.Ordinal));
        Assert.Equal(e.Text, MatCalc.Parse(e.Text, "A: n x n; B: n x n; X: n x n; H: n x n; x: n; y: n; C: n x n").Text); // prints back to itself
    }

    [Fact]
    public void Index_letters_never_reuse_the_name_of_a_symbol()
    {
        var f = MatCalc.Parse("a' X b + tr(S X' i)", "a: n; X: n x m; b: m; S: m x m; i: n x m");
        var index = MatCalc.Gradient(f, "X").Methods.Single(m => m.Method == IndexMethod.Name);
        foreach (var step in index.Steps)
            foreach (var sym in new[] { "a", "b", "i" })
                Assert.DoesNotMatch($@"_{sym}\b|_{sym}[a-z]\b|_[a-z]{sym}\b|δ_\w*{sym}", step.Text);
    }
}

/// <summary>Bugs the course writers found, each pinned.</summary>
public class CourseFindingsTests
{
    [Fact]
    public void A_claim_is_never_judged_right_when_no_instance_can_be_evaluated()
    {
        // W W' is 4×4 of rank 2: singular for every W, so nothing can be compared.
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Check("ln det(W W')", "W", "W", "W: n x m",
            new GradientOptions { Dims = new Dictionary<string, int> { ["n"] = 4, ["m"] = 2 } }));
        Assert.Equal("MC3002", ex.Diagnostics[0].Id);
        Assert.Contains("cannot be judged", ex.Diagnostics[0].Message);
        Assert.Contains("rank at most 2", ex.Diagnostics[0].Hint);
        var (code, _, err) = NotebookCalc.Tests.Cli.CliTests.Run("check", "ln det(W W')", "--wrt", "W", "--claim", "W", "--where", "W: n x m", "--dims", "n=4,m=2");
        Assert.Equal(2, code);
        Assert.Contains("MC3002", err);
        // With full-rank sizes the same claim is judged, and wrong.
        Assert.False(MatCalc.Check("ln det(W W')", "W", "W", "W: n x m", new GradientOptions { Dims = new Dictionary<string, int> { ["n"] = 2, ["m"] = 4 } }).Right);
    }

    [Theory]
    [InlineData("kron(B', A)'", @"\left(B^\top \otimes A\right)^\top")]
    [InlineData("kron(B, A)'", @"\left(B \otimes A\right)^\top")]
    [InlineData("inv(kron(A, B))", @"\left(A \otimes B\right)^{-1}")]
    [InlineData("kron(eye(3), A)'", @"\left(I_{3} \otimes A\right)^\top")]
    public void A_transposed_or_inverted_Kronecker_product_keeps_its_brackets(string input, string latex)
    {
        var e = MatCalc.Parse(input, "A: n x n; B: n x n");
        Assert.Equal(latex, e.Latex);
        Assert.Contains("<mo>(</mo>", MathMlPrinter.Math(e.Expr));
    }

    [Fact]
    public void An_unsized_identity_in_a_claim_takes_the_shape_of_the_variable()
    {
        Assert.True(MatCalc.Check("tr(X)^2", "X", "2 tr(X) I", "X: n x n").Right);
        // …but a claim of another shape is still reported as such, not bent to fit.
        var wrong = MatCalc.Check("tr(X)^2", "X", "2 tr(X) ones(n, 1)", "X: n x n");
        Assert.False(wrong.Right);
        Assert.Contains("must have the shape of X", wrong.Verdict);
    }

    [Fact]
    public void Kronecker_sizes_multiply_in_any_order_and_the_gradient_reads_back_as_a_product()
    {
        const string where = "A: p x n; X: n x m; B: m x q; C: p x q";
        Assert.Equal("pq×1", MatCalc.Parse("kron(B', A) vec(X)", where).Shape.ToString()); // q·p rows times n·m = m·n
        var g = MatCalc.Gradient(MatCalc.Parse("vec(C)' kron(B', A) vec(X)", where), "X");
        Assert.Equal("A' C B'", g.Gradient.ToString());
        Assert.True(g.Agree);
        Assert.True(g.Check!.Passed);
        Assert.Equal(g.Gradient.ToString(), MatCalc.Parse(g.Gradient.ToString(), where).Text); // parses back (LANGUAGE.md §4)
        Assert.True(MatCalc.Check("vec(C)' kron(B', A) vec(X)", "X", "A' C B'", where).Right);
    }

    [Fact]
    public void The_LaTeX_of_a_derivation_shows_the_index_sums_and_the_basis_step_in_full()
    {
        var g = MatCalc.Gradient(MatCalc.Parse("x' A x", "A: n x n; x: n"), "x");
        var latex = DerivationFormat.Latex(g);
        Assert.Contains(@"\sum_{", latex);
        Assert.Contains(@"Df(x)[e_{i}]", latex);
        Assert.Contains("df/dx_i = Df(x)[e_i] = ((A + A') x)' e_i = ((A + A') x)_i",
            g.Methods.Single(m => m.Method == GateauxMethod.Name).Steps.Select(s => s.Text));
        var b = MatCalc.Gradient(MatCalc.Parse("B : X", "B: n x m; X: n x m"), "X");
        Assert.Contains("df/dX_ij = Df(X)[E_ij] = tr(B' E_ij) = B_ij", b.Methods.Single(m => m.Method == GateauxMethod.Name).Steps.Select(s => s.Text));
    }

    [Theory]
    [InlineData("tr(X' (A .* X))", "A: n x m; X: n x m", "2 (A .* X)")]
    [InlineData("tr(kron(X, B))", "X: n x n; B: m x m", "tr(B) I_n")]
    [InlineData("tr(kron(B, X))", "X: n x n; B: m x m", "tr(B) I_n")]
    [InlineData("vec(C)' vec(A X B)", "A: p x n; X: n x m; B: m x q; C: p x q", "A' C B'")]
    public void Results_are_written_in_their_simplest_form(string f, string where, string gradient)
    {
        var g = MatCalc.Gradient(MatCalc.Parse(f, where), "X");
        Assert.Equal(gradient, g.Gradient.ToString());
        Assert.True(g.Agree);
        Assert.True(g.Check!.Passed, g.Check.Summary);
    }

    [Fact]
    public void A_claim_of_the_wrong_shape_also_gets_the_square_case_counterexample()
    {
        var r = MatCalc.Check("tr(A X)", "X", "A", "A: m x n; X: n x m");
        Assert.False(r.Right);
        Assert.Contains(r.Hints, h => h.Contains("Even with the dimensions m, n all equal", StringComparison.Ordinal) && h.Contains("Counterexample", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tr(X A X')", "X: n x m; A: m x m", "X")]
    [InlineData("x' A x", "A: n x n; x: n", "x")]
    [InlineData("norm(W .* (A - U V'))^2", "W: n x m; A: n x m; U: n x k; V: m x k", "U")]
    [InlineData("ln det(W W' + s^2 I)", "W: n x m; s: scalar", "W")]
    public void Every_step_of_every_method_is_shown_as_MathML(string f, string where, string wrt)
    {
        var html = Html.Gradient(MatCalc.Gradient(MatCalc.Parse(f, where), wrt));
        Assert.DoesNotContain("<li><code>", html); // no step falls back to plain text (rule names are code)
        var maths = System.Text.RegularExpressions.Regex.Matches(html, "<math[\\s\\S]*?</math>").Select(m => m.Value).ToList();
        Assert.All(maths, m => System.Xml.Linq.XElement.Parse(m));
        Assert.Contains("<munder><mo>∑</mo>", html); // the index column's sums
        Assert.Contains("<mi>D</mi><mi>f</mi>", html); // the basis step
    }

    [Fact]
    public void A_hidden_answer_is_not_given_away_by_the_shapes_that_fit()
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"X: n x m; W: m x p; Y: n x p\"");
        const string cell = "#!matcalc check \"norm(X W - Y)^2\" --wrt X --claim \"2 (X W - Y) W\"";
        var shown = Assert.IsType<ClaimResult>(Assert.Single(s.Run(cell)));
        var hidden = Assert.IsType<ClaimResult>(Assert.Single(s.Run(cell + " --answer hidden")));
        Assert.Contains("Shapes that fit", Formats.Of(shown)[Formats.Html]);
        foreach (var format in new[] { Formats.Html, Formats.Plain })
        {
            Assert.DoesNotContain("Shapes that fit", Formats.Of(hidden)[format]);
            Assert.DoesNotContain("W'", Formats.Of(hidden)[format].Replace("--claim", ""));
        }
    }

    [Fact]
    public void The_variable_may_be_written_in_Greek_as_in_the_function()
    {
        var g = MatCalc.Gradient(MatCalc.Parse("ln det(Ω) + tr(Ω⁻¹ S)", "Ω: n x n spd; S: n x n"), "Ω");
        Assert.Equal("Omega", g.Variable.Name);
        Assert.True(g.Check!.Passed);
        Assert.Equal("lambda1", MatCalc.Gradient(MatCalc.Parse("λ₁ tr(λ₁ W)", "W: n x n"), "λ₁").Variable.Name);
    }

    [Fact]
    public void A_scalar_function_evaluates_to_a_number_as_the_README_shows()
    {
        var f = MatCalc.Parse("ln det(W W' + s^2 I)", "W: n x m; s: scalar");
        var instance = f.Sample(seed: 1);
        Assert.Equal(f.Evaluate(instance)[0, 0], f.EvaluateScalar(instance));
        Assert.Equal("MC2001", Assert.Throws<MatcalcException>(() => MatCalc.Parse("W W'", "W: n x m").EvaluateScalar(instance)).Diagnostics[0].Id);
    }

    [Theory]
    [InlineData("tr(W Omgea W')", "W: n x m; Omega: m x m symmetric", "Omgea", "MC1017", "did you mean Omega")]
    [InlineData("ln dte(W W' + s^2 I)", "W: n x m; s: scalar", "dte", "MC1013", "did you mean det(…)")]
    [InlineData("sigmiod(x' w)", "x: n; w: n", "sigmiod", "MC1013", "did you mean sigmoid(…)")]
    public void A_misspelt_name_is_reported_not_inferred(string f, string where, string at, string id, string message)
    {
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Parse(f, where));
        var d = ex.Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.Contains(message, d.Message);
        Assert.Equal(at, f.Substring(d.Span.Start, d.Span.Length));
    }

    [Fact]
    public void Names_that_are_not_slips_are_still_inferred_and_a_near_miss_can_be_declared()
    {
        Assert.Equal("n×1", MatCalc.Parse("A (x + b)", "A: n x n; x: n; b: n").Shape.ToString()); // a product, not a call
        Assert.True(MatCalc.Parse("tr(A W2)", "W1: n x m; A: m x n").Shape.IsScalar); // two-letter names are left alone
        Assert.Equal("MC1017", Assert.Throws<MatcalcException>(() => MatCalc.Parse("tr(Omega2 Omega2')", "Omega: m x m")).Diagnostics[0].Id);
        Assert.True(MatCalc.Parse("tr(Omega2 Omega2')", "Omega: m x m; Omega2: m x m").Shape.IsScalar); // declared: meant
        Assert.True(MatCalc.Parse("tr(Omega Omega2)", "Omega: m x m").Shape.IsScalar); // Omega is used: Omega2 is another symbol
    }

    [Fact]
    public void A_quadratic_form_with_a_rectangular_matrix_asks_for_a_square_one()
    {
        var d = Assert.Throws<MatcalcException>(() => MatCalc.Parse("x' A x", "A: m x n; x: n")).Diagnostics[0];
        Assert.Equal("MC1005", d.Id);
        Assert.Contains("x' A x is a quadratic form: A must be square, n×n", d.Hint);
        // Elsewhere the transposes that fit are still suggested, without brackets around a transposed name.
        var other = Assert.Throws<MatcalcException>(() => MatCalc.Parse("x' A y", "A: m x n; x: n; y: n")).Diagnostics[0];
        Assert.Contains("Shapes that fit: x' A'", other.Hint);
    }

    [Theory]
    [InlineData("tr(A X)", "A: m x n; X: n x m")]
    [InlineData("B : X", "B: n x m; X: n x m")]
    [InlineData("ln det(X)", "X: n x n")]
    [InlineData("sum(log(X))", "X: n x m positive")]
    public void No_step_repeats_the_line_before_it(string f, string where)
    {
        foreach (var m in MatCalc.Gradient(MatCalc.Parse(f, where), "X").Methods.Where(m => m.Succeeded))
            for (var i = 0; i < m.Steps.Count; i++)
            {
                Assert.NotEmpty(m.Steps[i].Rules); // every step names the rule that justifies it
                if (i > 0) Assert.NotEqual(m.Steps[i - 1].Text, m.Steps[i].Text);
            }
    }

    [Fact]
    public void Across_the_cookbook_every_step_names_a_rule_and_none_repeats_the_line_before()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "cookbook.json")));
        var problems = new List<string>();
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var g = MatCalc.Gradient(MatCalc.Parse(c.GetProperty("expr").GetString()!, c.GetProperty("where").GetString()), c.GetProperty("wrt").GetString()!,
                new GradientOptions { Check = false });
            foreach (var m in g.Methods.Where(m => m.Succeeded))
                for (var i = 0; i < m.Steps.Count; i++)
                {
                    if (m.Steps[i].Rules.Count == 0) problems.Add($"{c.GetProperty("id").GetString()} {m.Method} step {i + 1} has no rule: {m.Steps[i].Text}");
                    if (i > 0 && m.Steps[i - 1].Text == m.Steps[i].Text) problems.Add($"{c.GetProperty("id").GetString()} {m.Method} step {i + 1} repeats: {m.Steps[i].Text}");
                }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
