using System.Text.Json.Nodes;
using NotebookCalc.Cli;

namespace NotebookCalc.Tests.Cli;

/// <summary>
/// `matcalc grade` flags, per student and exercise, what a right answer alone does not show (issue 17): the answer cell's
/// `--answer hidden` removed (<c>shown</c>), another cell deriving or showing the exercise's function (<c>derived</c>), the
/// function in the answer cell edited (<c>edited</c>). The flags are in the table, the CSV and the JSON.
/// </summary>
public sealed class GradeFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-gradeflag-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly KeyExercise Exercise = new("e1", "tr(A X)", "X", "A: m x n; X: n x m", "A");

    private static string Notebook(params string[] cells) => new JsonObject
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["source"] = new JsonArray(c.Split('\n').Select(l => (JsonNode)(l + "\n")).ToArray()),
        }).ToArray()),
        ["metadata"] = new JsonObject { ["matcalc"] = new JsonObject { ["student"] = "alice" } },
    }.ToJsonString();

    private static string Answer(string claim, string function = "tr(A X)", bool hidden = true) =>
        $"#!matcalc check \"{function}\" --wrt X --claim \"{claim}\"{(hidden ? " --answer hidden" : "")}\n// exercise: e1";

    private static Grade GradeOf(params string[] cells) => Assert.Single(Grader.GradeNotebook("alice.ipynb", Notebook(cells), [Exercise]));

    [Fact]
    public void An_honest_right_answer_has_no_flags()
    {
        var g = GradeOf(Answer("A'"));
        Assert.Equal("right", g.Status);
        Assert.Equal("", g.FlagText);
    }

    [Fact]
    public void Removing_answer_hidden_is_flagged_shown()
    {
        var g = GradeOf(Answer("A'", hidden: false));
        Assert.Equal("right", g.Status);
        Assert.Equal("shown", g.FlagText);
    }

    [Theory]
    [InlineData("#!matcalc gradient \"tr(A X)\" --wrt X")]
    [InlineData("#!matcalc gradient \"tr((A X))\" --wrt X")]
    [InlineData("#!matcalc show \"tr(A  X)\"")]
    public void A_cell_deriving_the_exercise_function_is_flagged_derived(string cell)
    {
        var g = GradeOf("#!matcalc let \"A: m x n; X: n x m\"", cell, Answer("A'"));
        Assert.Equal("right", g.Status);
        Assert.Equal("derived", g.FlagText);
    }

    [Fact]
    public void A_cell_deriving_another_function_is_not_flagged()
    {
        var g = GradeOf("#!matcalc gradient \"tr(B X)\" --wrt X", Answer("A'"));
        Assert.Equal("", g.FlagText);
    }

    [Fact]
    public void An_edited_function_is_flagged_and_still_graded_against_the_key()
    {
        var g = GradeOf(Answer("B'", function: "tr(B X)"));
        Assert.Equal("wrong", g.Status);
        Assert.Equal("edited", g.FlagText);
    }

    [Fact]
    public void All_three_together_and_every_format_shows_them()
    {
        var path = Path.Combine(_dir, "alice.ipynb");
        File.WriteAllText(path, Notebook("#!matcalc gradient \"tr(A X)\" --wrt X", Answer("A'", function: "tr(X A)", hidden: false)));
        var key = Path.Combine(_dir, "key.json");
        File.WriteAllText(key, """{"exercises":[{"id":"e1","function":"tr(A X)","wrt":"X","where":"A: m x n; X: n x m"}]}""");

        var (code, table, _) = CliTests.Run("grade", path, "--key", key);
        Assert.Equal(0, code);
        Assert.Matches(@"score\s+flags", table);
        Assert.Matches(@"alice\s+right\s+1/1\s+e1: shown\+derived\+edited", table);
        Assert.Contains("[flags: shown+derived+edited]", table);

        var (_, csv, _) = CliTests.Run("grade", path, "--key", key, "--format", "csv");
        Assert.StartsWith("student,exercise,status,claim,flags,feedback", csv);
        Assert.Contains("\"shown+derived+edited\"", csv);

        var (_, json, _) = CliTests.Run("grade", path, "--key", key, "--format", "json");
        var flags = JsonNode.Parse(json)!.AsArray()[0]!["flags"]!.AsArray().Select(f => f!.GetValue<string>());
        Assert.Equal(["shown", "derived", "edited"], flags);
    }

    [Fact]
    public void The_readme_explains_every_flag()
    {
        var readme = File.ReadAllText(Path.Combine(NotebookCalc.Tests.Support.Katex.RepoRoot(), "README.md"));
        foreach (var flag in Grader.FlagNames.Keys) Assert.Contains($"`{flag}`", readme);
    }
}
