using System.Text.Json;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Support;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Every #!matcalc cell of the worked notebooks and of every curriculum notebook runs through a session in order; a cell
/// may state what it expects in a `// expect: right|wrong|MCxxxx` line, otherwise it must not produce a diagnostic, any
/// gradient's methods must agree and its check must pass. A notebook added to notebooks/ or curriculum/ is picked up here.
/// </summary>
public class WorkedNotebookTests
{
    /// <summary>Every notebook of notebooks/ and curriculum/ (paths relative to the repository root, '/'-separated).</summary>
    public static IReadOnlyList<string> AllNotebooks()
    {
        var root = Katex.RepoRoot();
        var curriculum = Path.Combine(root, "curriculum");
        return Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb")
            .Concat(Directory.Exists(curriculum) ? Directory.GetFiles(curriculum, "*.ipynb", SearchOption.AllDirectories) : [])
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
    }

    public static TheoryData<string> Notebooks => new(AllNotebooks());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_matcalc_cell_does_what_the_notebook_says(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Katex.RepoRoot(), file)));
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
        // nbformat 4.5 (which the notebooks declare) requires a unique id on every cell.
        if (doc.RootElement.GetProperty("nbformat_minor").GetInt32() >= 5)
        {
            var ids = doc.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.TryGetProperty("id", out var id) ? id.GetString() : null).ToList();
            Assert.All(ids, id => Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", id ?? ""));
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }
}

public sealed class RenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Render_writes_deterministic_html_for_every_notebook_and_unit_and_reports_bad_files()
    {
        var notebooks = WorkedNotebookTests.AllNotebooks().Select(n => Path.Combine(Katex.RepoRoot(), n)).ToArray();
        var bad = Path.Combine(_dir, "broken.ipynb");
        File.WriteAllText(bad, "{ not json");
        var (code, output, err) = NotebookCalc.Tests.Cli.CliTests.Run(["render", .. notebooks, bad, "--out", Path.Combine(_dir, "site")]);
        Assert.Equal(2, code); // one bad file, and no failed C# cell (that would be exit 1 without the bad file)
        Assert.Contains("MC5001", err);
        Assert.DoesNotContain("C# cell(s) failed", err);
        var pages = NotebookCalc.Cli.NotebookRenderer.Pages(notebooks);
        Assert.Equal(pages.Count, pages.Select(p => p.File).Distinct().Count()); // lesson.ipynb of every unit gets its own page
        foreach (var (nb, page) in notebooks.Zip(pages))
        {
            var html = File.ReadAllText(Path.Combine(_dir, "site", page.File));
            Assert.Contains("<math", html);
            Assert.DoesNotContain("MC9999", html);
            Assert.DoesNotContain("C# cell failed", html);
            Assert.Contains($"{nb} → {Path.Combine(_dir, "site", page.File)}", output);
            // Offline: charts use the site's own plotly.js, nothing is loaded from the network.
            Assert.DoesNotContain("src=\"http", html);
            if (html.Contains("class=\"mc-chart\"", StringComparison.Ordinal)) Assert.Contains("<script src=\"plotly.min.js\"></script>", html);
        }
        Assert.StartsWith("/**\n* plotly.js v", File.ReadAllText(Path.Combine(_dir, "site", "plotly.min.js")).ReplaceLineEndings("\n"));
        var seed001 = File.ReadAllText(Path.Combine(_dir, "site", "seed001-logdet-and-the-comparison.html"));
        var m = System.Text.RegularExpressions.Regex.Match(seed001, @"derivative along ones = (-?[\d.]+); sum of the gradient&#39;s entries = (-?[\d.]+)");
        Assert.True(m.Success, "the C# cell's output is on the page");
        Assert.Equal(double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 4);
        var index = File.ReadAllText(Path.Combine(_dir, "site", "index.html"));
        foreach (var page in pages) Assert.Contains($"href=\"{page.File}\"", index);
        Assert.Contains("<h2>Unit 1 — ", index); // a unit is headed by its lesson's title…
        Assert.Contains("-lesson.html\">Lesson</a>", index); // …and its pages are named by what they are
        Assert.Contains("-exercises.html\">Exercises</a>", index);
        // A worked notebook's page name does not depend on the other inputs, so render one alone and compare.
        var seed = Array.FindIndex(notebooks, n => Path.GetFileName(n).StartsWith("seed000", StringComparison.Ordinal));
        var first = File.ReadAllText(Path.Combine(_dir, "site", pages[seed].File));
        Assert.Contains("<a href=\"index.html\">Index</a>", first);
        NotebookCalc.Tests.Cli.CliTests.Run(["render", notebooks[seed], "--out", Path.Combine(_dir, "again")]);
        // Rendered alone the page has no neighbours, so compare everything after the navigation bar.
        static string Body(string html) => html[html.IndexOf("</nav>", StringComparison.Ordinal)..];
        Assert.Equal(Body(first), Body(File.ReadAllText(Path.Combine(_dir, "again", pages[seed].File))));
    }

    [Fact]
    public void Charts_are_drawn_offline_with_deterministic_ids()
    {
        var nb = Path.Combine(Katex.RepoRoot(), "notebooks", "seed000-gateaux-trace-regulariser.ipynb");
        var one = NotebookCalc.Cli.NotebookRenderer.Execute(File.ReadAllText(nb), "t");
        var two = NotebookCalc.Cli.NotebookRenderer.Execute(File.ReadAllText(nb), "t");
        Assert.True(one.HasCharts);
        Assert.Equal(one.Page, two.Page);
        Assert.Contains("<div class=\"mc-chart\" id=\"mc-chart-1-1\"", one.Page);
        Assert.Contains("Plotly.newPlot(\"mc-chart-1-1\",f.data,l,", one.Page);
        Assert.Contains("\"type\":\"log\"", one.Page); // the convergence chart's log axes reached the page
    }

    [Fact]
    public void Render_shares_CSharp_values_with_matcalc_cells_as_the_host_does()
    {
        static System.Text.Json.Nodes.JsonObject Code(string source) => new()
        {
            ["cell_type"] = "code", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["outputs"] = new System.Text.Json.Nodes.JsonArray(),
            ["source"] = source,
        };
        var nb = new System.Text.Json.Nodes.JsonObject
        {
            ["cells"] = new System.Text.Json.Nodes.JsonArray(
                Code("var vals = \"{\\\"A\\\": [[1, 2], [3, 4]], \\\"B\\\": [[0, 1], [1, 0]]}\";"),
                Code("#!matcalc eval \"tr(A B)\" --at @csharp:vals"),
                Code("var grid = new Dictionary<string, double[][]> { [\"A\"] = [[2, 0], [0, 3]] };"),
                Code("#!matcalc eval \"det(A)\" --at @csharp:grid"),
                Code("#!matcalc eval \"tr(A)\" --at @csharp:nothing")),
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
        };
        var run = NotebookCalc.Cli.NotebookRenderer.Execute(nb.ToJsonString(), "sharing");
        Assert.Contains("5", run.Outputs[1].Single().Plain);
        Assert.Contains("6", run.Outputs[3].Single().Plain);
        Assert.Contains("MC4005", run.Outputs[4].Single().Plain);
        Assert.Contains("no C# variable named &#39;nothing&#39;", run.Page);
    }

    [Fact]
    public void In_place_writes_outputs_into_the_notebook_deterministically_and_keeps_the_rest()
    {
        var source = Path.Combine(Katex.RepoRoot(), "notebooks", "seed004-accepted-answer-rejected.ipynb");
        var copy = Path.Combine(_dir, "seed004.ipynb");
        File.Copy(source, copy);
        var (code, output, _) = NotebookCalc.Tests.Cli.CliTests.Run("render", copy, "--out", Path.Combine(_dir, "s1"), "--in-place");
        Assert.Equal(0, code);
        Assert.Contains("outputs written back", output);
        var once = File.ReadAllText(copy);
        NotebookCalc.Tests.Cli.CliTests.Run("render", copy, "--out", Path.Combine(_dir, "s2"), "--in-place");
        Assert.Equal(once, File.ReadAllText(copy)); // running again changes nothing
        using var before = JsonDocument.Parse(File.ReadAllText(source));
        using var after = JsonDocument.Parse(once);
        Assert.Equal(before.RootElement.GetProperty("metadata").GetRawText().Replace(" ", "").Replace("\n", ""),
            after.RootElement.GetProperty("metadata").GetRawText().Replace(" ", "").Replace("\n", ""));
        var cells = after.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(before.RootElement.GetProperty("cells").GetArrayLength(), cells.Count);
        var claim = cells.First(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())).Contains("--claim", StringComparison.Ordinal));
        var data = claim.GetProperty("outputs")[0].GetProperty("data");
        Assert.Contains("wrong", string.Concat(data.GetProperty("text/plain").EnumerateArray().Select(l => l.GetString())));
        Assert.Contains("<", string.Concat(data.GetProperty("text/html").EnumerateArray().Select(l => l.GetString())));
        Assert.All(cells.Where(c => c.GetProperty("cell_type").GetString() == "markdown"), c => Assert.False(c.TryGetProperty("outputs", out _)));
        // The notebook still runs as it did: the worked-notebook rules hold for the written-back copy.
        Assert.Equal(0, NotebookCalc.Tests.Cli.CliTests.Run("render", copy, "--out", Path.Combine(_dir, "s3")).Code);
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
        var dan = Notebook("dan.ipynb", "Dan",
            ("e2", "#!matcalc check \"norm(X W Z - X)^2\" --wrt W --claim \"2 X'X Z W Z' - 2 X'X Z\" --answer hidden"));
        var broken = Path.Combine(_dir, "carol.ipynb");
        File.WriteAllText(broken, "{\"cells\": [ {");
        var (code, text, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, bob, dan, broken, "--key", key);
        Assert.Equal(0, code);
        Assert.Matches(@"Alice\s+right\s+right\s+2/2", text); // a score per student
        Assert.Contains("bob / e1: wrong [flags: shown+edited] (claim: A)", text); // the claim is shown, and the flags
        Assert.Matches(@"bob\s+wrong\s+missing\s+invalid\s+0/2\s+e1: shown\+edited", text); // the flags column
        Assert.Contains("Dan / e2: wrong (claim:", text); // --answer hidden kept, function unchanged: no flag
        Assert.Contains("the cell's function was changed to \"tr(X A)\"; graded against the key's \"tr(A X)\"", text);
        Assert.DoesNotContain("wrong — wrong", text);
        Assert.Contains("bob / e1: wrong", text);
        Assert.Contains("bob / e2: missing", text);
        Assert.Contains("bob / e9: invalid — no such exercise in the key", text);
        Assert.Contains("carol / *: invalid", text);
        Assert.Contains("must have the shape of X", text);
        // Feedback is one readable line: the seed, the sizes and the entries that differ, not matrices folded into a line.
        Assert.Matches(@"Dan / e2: wrong \(claim: [^)]*\) — .*counterexample with seed \d+ \(n=\d+\): entry \(\d,\d\) is -?[\d.]+ in ∂f/∂W but -?[\d.]+ in the claim", text);
        Assert.DoesNotContain("⎡", text);

        var (jcode, json, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, bob, "--key", key, "--format", "json");
        Assert.Equal(0, jcode);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Contains(doc.RootElement.EnumerateArray(), g => g.GetProperty("student").GetString() == "Alice" && g.GetProperty("status").GetString() == "right");
        var (ccode, csv, _) = NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, "--key", key, "--format", "csv");
        Assert.Equal(0, ccode);
        Assert.StartsWith("student,exercise,status,claim,flags,feedback,score,outOf\n\"Alice\",\"e1\",\"right\",\"A'\",\"shown\"", csv.Replace("\r", ""));
        Assert.Equal(2, NotebookCalc.Tests.Cli.CliTests.Run("grade", alice, "--key", Path.Combine(_dir, "nokey.json")).Code);
    }
}
