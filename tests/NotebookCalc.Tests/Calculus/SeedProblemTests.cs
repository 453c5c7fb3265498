using NotebookCalc.Calculus;
using NotebookCalc.Rendering;

namespace NotebookCalc.Tests.Calculus;

/// <summary>The five source problems (../shared/seeds): textbook-form gradients, numerically checked.</summary>
public class SeedProblemTests
{
    private static GradientResult Grad(string expr, string wrt, string where, int seed = 1)
    {
        var r = MatCalc.Gradient(expr, wrt, where, new GradientOptions { Seed = seed });
        Assert.NotNull(r.Check);
        if (!r.Check!.Skipped) Assert.True(r.Check.Passed, r.Check.Summary);
        // gradient.text is valid matcalc syntax that parses back to the same gradient.
        if (!r.Gradient.DescendantsAndSelf().Any(e => e is JacobianAdjoint))
            Assert.Equal(r.Gradient, MatCalc.Parse(TextPrinter.Print(r.Gradient), where).Expr);
        return r;
    }

    private static string Text(string expr, string wrt, string where) => TextPrinter.Print(Grad(expr, wrt, where).Gradient);

    [Fact]
    public void Seed000_symmetric_omega_gives_the_stated_factored_form() =>
        Assert.Equal("W (l1 I_m + l2 inv(Omega))",
            Text("l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar"));

    [Fact]
    public void Seed000_general_omega_keeps_both_inverse_terms()
    {
        var r = Grad("λ₁/2 tr(W Wᵀ) + λ₂/2 tr(W Ω⁻¹ Wᵀ)", "W", "W: n x m; Ω: m x m invertible; λ1, λ2: scalar");
        Assert.Equal("lambda1 W + lambda2 / 2 W (inv(Omega) + inv(Omega)')", TextPrinter.Print(r.Gradient));
        Assert.Equal("\\lambda_1 W + \\frac{\\lambda_2}{2} W \\left(\\Omega^{-1} + \\Omega^{-\\top}\\right)", LatexPrinter.Print(r.Gradient));
    }

    [Fact]
    public void Seed001_log_det_and_the_trace_form()
    {
        Assert.Equal("2 inv(W W' + sigma^2 I_n) W", Text("ln det(W Wᵀ + σ²I)", "W", "W: n x m; sigma: scalar"));
        // Σᵢ yᵢᵀ(WWᵀ + σ²I)yᵢ = tr(Yᵀ(WWᵀ + σ²I)Y): the gradient is 2 Y Yᵀ W = 2 S W with S = Y Yᵀ.
        Assert.Equal("2 Y Y' W", Text("tr(Y' (W W' + sigma^2 I) Y)", "W", "W: n x m; Y: n x k; sigma: scalar"));
        Assert.Equal("2 sigma tr(Y Y')", Text("tr(Y' (W W' + sigma^2 I) Y)", "sigma", "W: n x m; Y: n x k; sigma: scalar"));
    }

    [Fact]
    public void Seed002_hadamard_weights_square_unless_declared_indicator()
    {
        const string shapes = "A: n x m; U: n x k; V: m x k";
        Assert.Equal("-2 (W.^2 .* (A - U V')) V", Text("‖W ⊙ (A − U Vᵀ)‖²_F", "U", "W: n x m; " + shapes));
        Assert.Equal("-2 (W .* (A - U V')) V", Text("‖W ⊙ (A − U Vᵀ)‖²_F", "U", "W: n x m indicator; " + shapes));
        Assert.Equal("-2 (W.^2 .* (A - U V'))' U", Text("‖W ⊙ (A − U Vᵀ)‖²_F", "V", "W: n x m; " + shapes));
    }

    [Fact]
    public void Seed003_opaque_function_keeps_the_jacobian_tensor()
    {
        var r = Grad("‖F(w) − β Dᵀ Z‖²_F", "w", "D: d x m; Z: d x l; F: n x l function of w; w: d x n; β: n x m");
        Assert.Equal("2 ((F(w) - beta D' Z) : dF/dw)", TextPrinter.Print(r.Gradient));
        Assert.Equal("d×n", r.Gradient.Shape.ToString()); // the shape of w, as the answer says
        Assert.True(r.Check!.Skipped);
        Assert.Equal("2 \\left(\\left(F\\left(w\\right) - \\beta D^\\top Z\\right) : \\frac{\\partial F}{\\partial w}\\right)", LatexPrinter.Print(r.Gradient));
    }

    [Fact]
    public void Seed003_with_a_concrete_softmax_is_checked_numerically()
    {
        var r = Grad("‖softmax(wᵀ B) − β Dᵀ Z‖²_F", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; β: n x m");
        Assert.Equal("d×n", r.Gradient.Shape.ToString());
    }

    [Theory]
    [InlineData("X: a x b; W: b x c; Z: c x b")]
    [InlineData("X: n x n; W: n x n; Z: n x n")]
    public void Seed004_both_variables(string where)
    {
        Assert.Equal("2 X' (X W Z - X) Z'", Text("‖X W Z − X‖²_F", "W", where));
        Assert.Equal("2 W' X' (X W Z - X)", Text("‖X W Z − X‖²_F", "Z", where));
    }

    [Fact]
    public void Derivation_steps_name_their_rules_and_render_in_latex()
    {
        var r = Grad("ln det(W Wᵀ + σ²I)", "W", "W: n x m; sigma: scalar");
        var steps = r.Methods.Single(m => m.Method == "differential").Steps;
        var rules = steps.SelectMany(s => s.Rules).ToHashSet();
        foreach (var rule in new[] { "d_logdet", "d_sum", "d_product", "d_transpose", "trace_as_frobenius", "frobenius_mul_left", "identify_gradient" })
            Assert.Contains(rule, rules);
        Assert.All(steps.SelectMany(s => s.Rules), name => Assert.Contains(Rules.All, x => x.Name == name || name == "definition"));
        Assert.StartsWith("df = \\operatorname{tr}\\left(", steps.First(s => s.Rules.Contains("d_logdet")).Latex);
    }
}
