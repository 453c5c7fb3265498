using System.Text.Json.Nodes;
using NotebookCalc.Cli;

namespace NotebookCalc.Tests.Cli;

/// <summary>
/// `matcalc grade` on second-order exercises: a key entry with <c>"derivative": "hessian"</c> (or <c>"jacobian"</c>) is
/// graded with the Hessian (Jacobian) claim check, the claim being the map applied to the direction H; the answer cell
/// must say the same <c>--derivative</c>; the key check knows that a Hessian needs a scalar function and a Jacobian not.
/// </summary>
public sealed class GradeHessianTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-gradehess-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly KeyExercise Hessian = new("h1", "tr(X B X')", "X", "X: n x m; B: m x m", Derivative: "hessian");
    private static readonly KeyExercise Jacobian = new("j1", "A X B", "X", "A: p x n; X: n x m; B: m x q", Derivative: "jacobian");

    private static string Notebook(params string[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["source"] = new JsonArray(c.Split('\n').Select(l => (JsonNode)(l + "\n")).ToArray()),
        }).ToArray()),
        ["metadata"] = new JsonObject { ["matcalc"] = new JsonObject { ["student"] = "alice" } },
    }.ToJsonString();

    private static string Answer(KeyExercise k, string claim, string? derivative) =>
        $"#!matcalc check \"{k.Function}\" --wrt {k.Wrt}{(derivative is null ? "" : $" --derivative {derivative}")} --claim \"{claim}\" --answer hidden\n// exercise: {k.Id}";

    private static Grade GradeOf(KeyExercise k, string claim, string? derivative) =>
        Assert.Single(Grader.GradeNotebook("alice.ipynb", Notebook(Answer(k, claim, derivative)), [k]));

    [Fact]
    public void A_right_Hessian_claim_is_right()
    {
        var g = GradeOf(Hessian, "H (B + B')", "hessian");
        Assert.Equal("right", g.Status);
        Assert.Contains("Hessian", g.Feedback);
        Assert.Equal("", g.FlagText);
    }

    [Fact]
    public void A_wrong_Hessian_claim_is_wrong_with_a_counterexample()
    {
        var g = GradeOf(Hessian, "2 H B", "hessian");
        Assert.Equal("wrong", g.Status);
        Assert.Contains("differs from the derived Hessian", g.Feedback);
        Assert.Contains("counterexample", g.Feedback, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_Hessian_claim_without_H_is_wrong_with_the_hint()
    {
        var g = GradeOf(Hessian, "2 X B", "hessian");
        Assert.Equal("wrong", g.Status);
        Assert.Contains("does not contain H", g.Feedback);
    }

    [Theory]
    [InlineData(null, "gradient")]
    [InlineData("gradient", "gradient")]
    [InlineData("jacobian", "jacobian")]
    public void An_answer_cell_with_another_derivative_is_invalid(string? cell, string said)
    {
        var g = GradeOf(Hessian, "H (B + B')", cell);
        Assert.Equal("invalid", g.Status);
        Assert.Contains($"claims a {said}", g.Feedback);
        Assert.Contains("asks for the hessian", g.Feedback);
        Assert.Contains("--derivative hessian", g.Feedback);
    }

    [Fact]
    public void A_gradient_exercise_answered_as_a_Hessian_is_invalid()
    {
        var gradient = new KeyExercise("g1", "tr(X B X')", "X", "X: n x m; B: m x m");
        var g = GradeOf(gradient, "X (B + B')", "hessian");
        Assert.Equal("invalid", g.Status);
        Assert.Contains("asks for the gradient", g.Feedback);
        Assert.Contains("or leave --derivative out", g.Feedback);
    }

    [Fact]
    public void A_Jacobian_exercise_is_graded_with_the_Jacobian_check()
    {
        Assert.Equal("right", GradeOf(Jacobian, "A H B", "jacobian").Status);
        var wrong = GradeOf(Jacobian, "A H", "jacobian");
        Assert.NotEqual("right", wrong.Status);
        var shaped = GradeOf(Jacobian, "B' H A'", "jacobian");
        Assert.Equal("wrong", shaped.Status);
    }

    [Fact]
    public void An_added_hessian_cell_on_the_function_is_flagged_derived()
    {
        var cells = new[] { "#!matcalc let \"X: n x m; B: m x m\"", "#!matcalc hessian \"tr(X B X')\" --wrt X", Answer(Hessian, "H (B + B')", "hessian") };
        var g = Assert.Single(Grader.GradeNotebook("alice.ipynb", Notebook(cells), [Hessian]));
        Assert.Equal("right", g.Status);
        Assert.Equal("derived", g.FlagText);
    }

    private string Key(string entry)
    {
        var path = Path.Combine(_dir, $"key{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $$"""{"exercises": [{{entry}}]}""");
        return path;
    }

    [Fact]
    public void The_key_reads_the_derivative()
    {
        var key = Grader.ReadKey("""{"exercises": [{"id": "h1", "function": "tr(X B X')", "wrt": "X", "where": "X: n x m; B: m x m", "derivative": "hessian"}, {"id": "g1", "function": "tr(X)", "wrt": "X", "where": "X: n x n"}]}""");
        Assert.Equal("hessian", key[0].Kind);
        Assert.Equal("gradient", key[1].Kind);
        Grader.CheckKey(key);
    }

    [Theory]
    [InlineData("""{"id": "h1", "function": "X B", "wrt": "X", "where": "X: n x m; B: m x m", "derivative": "hessian"}""", "its function X B is n×m, not a scalar, so it has no hessian")]
    [InlineData("""{"id": "h1", "function": "tr(X)", "wrt": "X", "where": "X: n x n", "derivative": "hesian"}""", "its derivative \"hesian\" is not one of gradient, hessian, jacobian")]
    public void A_broken_second_order_key_entry_stops_grade_with_MC5004(string entry, string message)
    {
        var student = Path.Combine(_dir, "alice.ipynb");
        File.WriteAllText(student, Notebook(Answer(Hessian, "H (B + B')", "hessian")));
        var (code, output, err) = CliTests.Run("grade", student, "--key", Key(entry));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error MC5004", err);
        Assert.Contains("Exercise \"h1\" of the key is broken: " + message, err);
    }

    [Fact]
    public void A_Jacobian_key_entry_may_have_a_matrix_function_and_grades_through_the_cli()
    {
        var student = Path.Combine(_dir, "alice.ipynb");
        File.WriteAllText(student, Notebook(Answer(Jacobian, "A H B", "jacobian")));
        var (code, output, err) = CliTests.Run("grade", student, "--key",
            Key("""{"id": "j1", "function": "A X B", "wrt": "X", "where": "A: p x n; X: n x m; B: m x q", "derivative": "jacobian"}"""));
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Matches(@"alice\s+right\s+1/1", output);
    }
}
