using NotebookCalc.Calculus;
using NotebookCalc.Tests.Cli;

namespace NotebookCalc.Tests.Calculus;

public class ClaimTests
{
    private const string Seed004Rect = "X: a x b; W: b x c; Z: c x b";
    private const string Seed004Square = "X: n x n; W: n x n; Z: n x n";

    [Fact]
    public void Seed004_accepted_answer_is_rejected_with_a_counterexample_when_square()
    {
        var r = MatCalc.Check("norm(X W Z - X)^2", "W", "2 X'X Z W Z' - 2 X'X Z", Seed004Square);
        Assert.False(r.Right);
        Assert.Equal("2 X' (X W Z - X) Z'", r.Gradient.ToString());
        var c = Assert.IsType<Counterexample>(r.Counterexample);
        Assert.NotEmpty(c.Differences);
        Assert.All(c.Differences, d => Assert.True(Math.Abs(d.Expected - d.Claimed) > 1e-6));
        Assert.Equal(3, c.Values.Count);
    }

    [Fact]
    public void Seed004_accepted_answer_is_not_even_well_shaped_when_rectangular()
    {
        var r = MatCalc.Check("norm(X W Z - X)^2", "W", "2 X'X Z W Z' - 2 X'X Z", Seed004Rect);
        Assert.False(r.Right);
        Assert.Contains("inner dimensions b and c differ", r.Verdict);
        Assert.Contains(r.Hints, h => h.Contains("Even with the dimensions a, b, c all equal"));
    }

    [Theory]
    [InlineData(Seed004Rect)]
    [InlineData(Seed004Square)]
    public void A_right_claim_written_differently_is_accepted(string where)
    {
        Assert.True(MatCalc.Check("norm(X W Z - X)^2", "W", "2 X'X W Z Z' - 2 X'X Z'", where).Right);
        Assert.True(MatCalc.Check("norm(X W Z - X)^2", "Z", "2 (X W)' (X W Z - X)", where).Right);
    }

    [Fact]
    public void Seed000_stated_answer_needs_omega_symmetric_and_says_so()
    {
        const string f = "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')";
        var general = MatCalc.Check(f, "W", "W (l1 I + l2 inv(Omega))", "W: n x m; Omega: m x m invertible; l1, l2: scalar");
        Assert.False(general.Right);
        Assert.Contains(general.Hints, h => h.Contains("Omega were symmetric"));
        var symmetric = MatCalc.Check(f, "W", "W (l1 I + l2 inv(Omega))", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar");
        Assert.True(symmetric.Right);
    }

    [Fact]
    public void Seed003_claim_of_the_wrong_shape_is_explained()
    {
        var r = MatCalc.Check("norm(softmax(w' B) - beta D' Z)^2", "w", "(softmax(w' B) - beta D' Z)' softmax(w' B)",
            "D: d x m; Z: d x l; B: d x l; w: d x n; beta: n x m");
        Assert.False(r.Right);
        Assert.Contains("the claim is l×l but ∂f/∂w must have the shape of w (d×n)", r.Verdict);
    }

    [Fact]
    public void Seed001_asker_comparison_dU_is_not_a_matrix_of_ones()
    {
        // The asker compared d ln det(K) with a perturbation by a matrix of ones; the gradient is 2 K⁻¹ W, and
        // ⟨G, 𝟙⟩ = sum(G) is the derivative along ones only.
        var r = MatCalc.Check("ln det(W W' + s^2 I)", "W", "2 inv(W W' + s^2 I) W", "W: n x m; s: scalar");
        Assert.True(r.Right);
        Assert.False(MatCalc.Check("ln det(W W' + s^2 I)", "W", "inv(W W' + s^2 I) W", "W: n x m; s: scalar").Right);
    }

    [Fact]
    public void Cli_check_exit_codes_and_json()
    {
        var (ok, outOk, _) = CliTests.Run("check", "norm(X W Z - X)^2", "--wrt", "W", "--claim", "2 X'X W Z Z' - 2 X'X Z'", "--where", Seed004Rect);
        Assert.Equal(0, ok);
        Assert.Contains("verdict: right", outOk);
        var (wrong, outWrong, _) = CliTests.Run("check", "norm(X W Z - X)^2", "--wrt", "W", "--claim", "2 X'X Z W Z' - 2 X'X Z", "--where", Seed004Square, "--format", "json");
        Assert.Equal(1, wrong);
        using var doc = System.Text.Json.JsonDocument.Parse(outWrong);
        Assert.False(doc.RootElement.GetProperty("right").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("counterexample").GetProperty("differences").GetArrayLength() > 0);
        Assert.Equal(2, CliTests.Run("check", "norm(X W Z - X", "--wrt", "W", "--claim", "X", "--where", Seed004Rect).Code);
    }
}
