using System.Text.Json;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Every #!matcalc cell of the worked notebooks runs through a session in order; a cell may state what it expects in a
/// `// expect: right|wrong|MCxxxx` line, otherwise it must not produce a diagnostic and any gradient must pass its check.
/// </summary>
public class WorkedNotebookTests
{
    public static TheoryData<string> Notebooks => new(Directory.GetFiles(Path.Combine(Katex.RepoRoot(), "notebooks"), "*.ipynb").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_matcalc_cell_does_what_the_notebook_says(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Katex.RepoRoot(), "notebooks", file)));
        Assert.Equal("csharp", doc.RootElement.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        var session = new MatCalcSession();
        var ran = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var lines = cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()!.TrimEnd('\n')).ToList();
            var directive = lines.FirstOrDefault(l => l.StartsWith("#!matcalc", StringComparison.Ordinal));
            if (directive is null) continue;
            var expect = lines.FirstOrDefault(l => l.StartsWith("// expect: ", StringComparison.Ordinal))?["// expect: ".Length..];
            var output = Assert.Single(session.Run(directive));
            ran++;
            var html = Formats.Of(output)[Formats.Html];
            Assert.False(string.IsNullOrEmpty(html));
            switch (expect)
            {
                case "right": Assert.True(Assert.IsType<ClaimResult>(output).Report.Right, $"{file}: {directive}"); break;
                case "wrong": Assert.False(Assert.IsType<ClaimResult>(output).Report.Right, $"{file}: {directive}"); break;
                case { } id when id.StartsWith("MC", StringComparison.Ordinal):
                    var verdict = output switch
                    {
                        DiagnosticsDisplay d => d.Diagnostics[0].Id,
                        ClaimResult c when !c.Report.Right => c.Report.ClaimDiagnostics.FirstOrDefault()?.Id ?? (c.Report.How == "shape check" ? "MC1015" : "wrong"),
                        _ => "ok",
                    };
                    Assert.True(verdict == id, $"{file}: {directive} gave {verdict}, expected {id}");
                    break;
                default:
                    Assert.False(output is DiagnosticsDisplay, $"{file}: {directive} → {(output as DiagnosticsDisplay)?.Diagnostics[0].Message}");
                    if (output is GradientResult g && g.Check is { Skipped: false } check) Assert.True(check.Passed, $"{file}: {check.Summary}");
                    if (output is GradientResult g2) Assert.True(g2.Agree, $"{file}: methods disagree");
                    break;
            }
        }
        Assert.True(ran >= 5, $"{file}: only {ran} #!matcalc cells");
    }
}

public sealed class RenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Render_writes_deterministic_html_for_every_notebook_and_reports_bad_files()
    {
        var notebooks = Directory.GetFiles(Path.Combine(Katex.RepoRoot(), "notebooks"), "*.ipynb");
        var bad = Path.Combine(_dir, "broken.ipynb");
        File.WriteAllText(bad, "{ not json");
        var (code, output, err) = NotebookCalc.Tests.Cli.CliTests.Run(["render", .. notebooks, bad, "--out", Path.Combine(_dir, "site")]);
        Assert.Equal(2, code); // one bad file
        Assert.Contains("MC5001", err);
        foreach (var nb in notebooks)
        {
            var page = Path.Combine(_dir, "site", Path.GetFileNameWithoutExtension(nb) + ".html");
            var html = File.ReadAllText(page);
            Assert.Contains("<math", html);
            Assert.DoesNotContain("MC9999", html);
            Assert.Contains(Path.GetFileName(page), output.Replace('\\', '/').Split('\n').Select(l => Path.GetFileName(l.Trim())).First(l => l == Path.GetFileName(page)));
        }
        Assert.DoesNotContain("C# cell failed", string.Concat(notebooks.Select(nb => File.ReadAllText(Path.Combine(_dir, "site", Path.GetFileNameWithoutExtension(nb) + ".html")))));
        var seed001 = File.ReadAllText(Path.Combine(_dir, "site", "seed001-logdet-and-the-comparison.html"));
        var m = System.Text.RegularExpressions.Regex.Match(seed001, @"derivative along ones = (-?[\d.]+); sum of the gradient&#39;s entries = (-?[\d.]+)");
        Assert.True(m.Success, "the C# cell's output is on the page");
        Assert.Equal(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 4);
        var index = File.ReadAllText(Path.Combine(_dir, "site", "index.html"));
        foreach (var nb in notebooks) Assert.Contains(Path.GetFileNameWithoutExtension(nb) + ".html", index);
        var first = File.ReadAllText(Path.Combine(_dir, "site", Path.GetFileNameWithoutExtension(notebooks[0]) + ".html"));
        Assert.Contains("<a href=\"index.html\">Index</a>", first);
        NotebookCalc.Tests.Cli.CliTests.Run(["render", notebooks[0], "--out", Path.Combine(_dir, "again")]);
        // Rendered alone the page has no neighbours, so compare everything after the navigation bar.
        static string Body(string html) => html[html.IndexOf("</nav>", StringComparison.Ordinal)..];
        Assert.Equal(Body(first), Body(File.ReadAllText(Path.Combine(_dir, "again", Path.GetFileNameWithoutExtension(notebooks[0]) + ".html"))));
    }
}

public sealed class GradeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-grade-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Notebook(string name, string? student, params (string Exercise, string Cell)[] cells)
    {
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["cells"] = new System.Text.Json.Nodes.JsonArray(cells.Select(c => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
            {
                ["cell_type"] = "code",
                ["source"] = new System.Text.Json.Nodes.JsonArray(c.Cell + "\n", "// exercise: " + c.Exercise),
            }).ToArray()),
            ["metadata"] = student is null ? new System.Text.Json.Nodes.JsonObject() : new System.Text.Json.Nodes.JsonObject { ["matcalc"] = new System.Text.Json.Nodes.JsonObject { ["student"] = student } },
        };
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Fact]
    public void Grades_every_student_and_exercise_and_survives_bad_files()
    {
        var key = Path.Combine(_dir, "key.json");
        File.WriteAllText(key, """
            {"exercises": [
              {"id": "e1", "function": "tr(A X)", "wrt": "X", "where": "A: m x n; X: n x m"},
              {"id": "e2", "function": "norm(X W Z - X)^2", "wrt": "W", "where": "X: n x n; W: n x n; Z: n x n"}
            ]}
            """);
        var alice = Notebook("alice.ipynb", "Alice",
            ("e1", "#!matcalc check \"tr(A X)\" --wrt X --claim \"A'\""),
            ("e2", "#!matcalc check \"norm(X W Z - X)^2\" --wrt W --claim \"2 X'X W Z Z' - 2 X'X Z'\""));
        // Bob edits the function to match his wrong answer: graded against the key's function anyway.
        var bob = Notebook("bob.ipynb", null,
            ("e1", "#!matcalc check \"tr(X A)\" --wrt X --claim \"A\""),
            ("e9", "#!matcalc check \"tr(X)\" --wrt X --claim \"I\""));
        var broken = Path.Combine(_dir, "carol.ipynb");
        File.WriteAllText(broken, "{\"cells\": [ {");
        var (code, text, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, bob, broken, "--key", key);
        Assert.Equal(0, code);
        Assert.Matches(@"Alice\s+right\s+right", text);
        Assert.Contains("bob / e1: wrong", text);
        Assert.Contains("bob / e2: missing", text);
        Assert.Contains("bob / e9: invalid — no such exercise in the key", text);
        Assert.Contains("carol / *: invalid", text);
        Assert.Contains("must have the shape of X", text);

        var (jcode, json, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, bob, "--key", key, "--format", "json");
        Assert.Equal(0, jcode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Contains(doc.RootElement.EnumerateArray(), g => g.GetProperty("student").GetString() == "Alice" && g.GetProperty("status").GetString() == "right");
        var (ccode, csv, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, "--key", key, "--format", "csv");
        Assert.Equal(0, ccode);
        Assert.StartsWith("student,exercise,status,feedback\n\"Alice\",\"e1\",\"right\"", csv.Replace("\r", ""));
        Assert.Equal(2, NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, "--key", Path.Combine(_dir, "nokey.json")).Code);
    }
}
