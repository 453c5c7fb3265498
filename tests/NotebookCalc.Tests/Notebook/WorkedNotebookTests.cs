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
        var first = File.ReadAllText(Path.Combine(_dir, "site", Path.GetFileNameWithoutExtension(notebooks[0]) + ".html"));
        NotebookCalc.Tests.Cli.CliTests.Run(["render", notebooks[0], "--out", Path.Combine(_dir, "again")]);
        Assert.Equal(first, File.ReadAllText(Path.Combine(_dir, "again", Path.GetFileNameWithoutExtension(notebooks[0]) + ".html")));
    }
}
