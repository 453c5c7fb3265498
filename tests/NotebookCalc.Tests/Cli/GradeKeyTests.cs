using System.Text.Json.Nodes;

namespace NotebookCalc.Tests.Cli;

/// <summary>
/// `matcalc grade` checks the key and the submission paths before any student is graded (issue 12): a broken key is the
/// instructor's error (exit 2, naming the exercise), not every student's "invalid"; a pattern that matches nothing is
/// an error, not a student named `*`.
/// </summary>
public sealed class GradeKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-gradekey-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Key(params (string Id, string Function, string Wrt, string Where)[] exercises)
    {
        var path = Path.Combine(_dir, $"key{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JsonObject
        {
            ["exercises"] = new JsonArray(exercises.Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.Id, ["function"] = e.Function, ["wrt"] = e.Wrt, ["where"] = e.Where,
            }).ToArray()),
        }.ToJsonString());
        return path;
    }

    private string Submission(string name, string claim)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject
            {
                ["cell_type"] = "code",
                ["source"] = new JsonArray($"#!matcalc check \"tr(A X)\" --wrt X --claim \"{claim}\"\n", "// exercise: e1"),
            }),
            ["metadata"] = new JsonObject(),
        }.ToJsonString());
        return path;
    }

    private static readonly (string, string, string, string) Good = ("e1", "tr(A X)", "X", "A: m x n; X: n x m");

    [Theory]
    [InlineData("tr(A X", "X", "A: m x n; X: n x m", "its function \"tr(A X\" does not read (MC0006")]
    [InlineData("tr(A X)", "Y", "A: m x n; X: n x m", "its variable Y does not occur in its function tr(A X)")]
    [InlineData("A X", "X", "A: m x n; X: n x m", "its function A X is m×m, not a scalar")]
    [InlineData("sum(relu(A X))", "X", "A: m x n; X: n x m", "its function \"sum(relu(A X))\" does not read (MC1013: relu(…) is not a function")]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x", "its declarations \"A: m x n; X: n x\" does not read (MC1001")]
    public void Grade_BrokenKeyEntry_StopsBeforeAnyStudentWithExit2(string function, string wrt, string where, string message)
    {
        var key = Key(Good with { Item1 = "e0" }, ("e1", function, wrt, where));
        var alice = Submission("alice.ipynb", "A'");
        var (code, output, err) = CliTests.Run("grade", alice, "--key", key);
        Assert.Equal(2, code);
        Assert.Equal("", output); // no student was graded
        Assert.Contains("error MC5004", err);
        Assert.Contains("Exercise \"e1\" of the key is broken: " + message, err);
        Assert.Contains("no student was graded", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Grade_BrokenKey_InJson_IsAnErrorObject()
    {
        var key = Key(("e1", "tr(A X", "X", "A: m x n; X: n x m"));
        var (code, output, _) = CliTests.Run("grade", Submission("alice.ipynb", "A'"), "--key", key, "--format", "json");
        Assert.Equal(2, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var error = Assert.Single(doc.RootElement.GetProperty("error").EnumerateArray());
        Assert.Equal("MC5004", error.GetProperty("id").GetString());
        Assert.Equal(2, error.GetProperty("span").GetProperty("start").GetInt32()); // the bracket of "tr(A X" that is not closed
    }

    [Fact]
    public void Grade_DuplicateOrIncompleteKeyEntries_AreKeyErrors()
    {
        var twice = Key(Good, Good);
        var (code, _, err) = CliTests.Run("grade", Submission("alice.ipynb", "A'"), "--key", twice);
        Assert.Equal(2, code);
        Assert.Contains("Exercise \"e1\" of the key appears twice.", err);

        var incomplete = Path.Combine(_dir, "incomplete.json");
        File.WriteAllText(incomplete, """{"exercises": [{"id": "e1", "function": null, "wrt": "X"}]}""");
        (code, _, err) = CliTests.Run("grade", Submission("alice.ipynb", "A'"), "--key", incomplete);
        Assert.Equal(2, code);
        Assert.Contains("error MC5003", err);
        Assert.Contains("exercise 1 of the key has no \"function\" text", err);
    }

    [Fact]
    public void Grade_PatternMatchingNoFile_IsAnErrorNotAStudentNamedStar()
    {
        var key = Key(Good);
        Submission("alice.ipynb", "A'");
        var (code, output, err) = CliTests.Run("grade", Path.Combine(_dir, "*.ipnyb"), "--key", key);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error MC5005", err);
        Assert.Contains("matches no file", err);

        (code, output, err) = CliTests.Run("grade", Path.Combine(_dir, "bob.ipynb"), "--key", key);
        Assert.Equal(2, code);
        Assert.Contains($"There is no file {Path.Combine(_dir, "bob.ipynb")}.", err);

        (code, _, err) = CliTests.Run("grade", _dir, "--key", key);
        Assert.Equal(2, code);
        Assert.Contains("is a directory, not a notebook", err);
    }

    [Fact]
    public void Grade_PatternTheShellLeftUnexpanded_IsExpandedHere()
    {
        var key = Key(Good);
        Submission("alice.ipynb", "A'");
        Submission("bob.ipynb", "A");
        var (code, output, err) = CliTests.Run("grade", Path.Combine(_dir, "*.ipynb"), "--key", key);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Matches(@"alice\s+right\s+1/1", output);
        Assert.Matches(@"bob\s+wrong\s+0/1", output);
        Assert.DoesNotContain("*", output.Split('\n')[1]);
    }

    [Fact]
    public void Every_course_key_passes_the_check()
    {
        var keys = Directory.GetFiles(Path.Combine(NotebookCalc.Tests.Support.Katex.RepoRoot(), "curriculum"), "key.json", SearchOption.AllDirectories);
        Assert.NotEmpty(keys);
        foreach (var key in keys) NotebookCalc.Cli.Grader.CheckKey(NotebookCalc.Cli.Grader.ReadKey(File.ReadAllText(key)));
    }
}
