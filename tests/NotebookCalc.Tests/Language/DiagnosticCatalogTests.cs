using System.Text.RegularExpressions;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Language;

/// <summary>One catalogue of diagnostic codes: unique codes, each used code catalogued and documented (issue 12: MC1005
/// and MC3007 each meant two things).</summary>
public partial class DiagnosticCatalogTests
{
    [GeneratedRegex(@"\bMC\d{4}\b")]
    private static partial Regex Code();

    private static IEnumerable<string> Files(string folder, params string[] patterns) =>
        patterns.SelectMany(p => Directory.GetFiles(Path.Combine(Katex.RepoRoot(), folder), p, SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    [Fact]
    public void Codes_are_unique_and_well_formed()
    {
        var ids = DiagnosticCatalog.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.Matches(@"^MC\d{4}$", d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.Title));
            Assert.EndsWith(".", d.Meaning);
        });
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids); // listed in code order
    }

    [Fact]
    public void Every_code_in_the_sources_is_catalogued()
    {
        var used = Files("src", "*.cs").SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), m.Value)))
            .Where(u => u.File != "DiagnosticCatalog.cs").ToList();
        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(DiagnosticCatalog.TryGet(u.Value, out _), $"{u.File} uses {u.Value}, which is not in DiagnosticCatalog"));
    }

    [Fact]
    public void Every_code_that_notebooks_tests_and_docs_name_is_catalogued()
    {
        var named = Files("notebooks", "*.ipynb").Concat(Files("curriculum", "*.ipynb", "*.md")).Concat(Files("docs", "*.md"))
            .Concat(Files("tests", "*.cs"))
            .SelectMany(f => Code().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), m.Value)))
            .Where(u => u.Value != "MC1234") // the example in this file's own assertion
            .ToList();
        Assert.All(named, u => Assert.True(DiagnosticCatalog.TryGet(u.Value, out _), $"{u.File} names {u.Value}, which is not in DiagnosticCatalog"));
    }

    [Fact]
    public void Every_code_is_documented_in_LANGUAGE_md()
    {
        var doc = File.ReadAllText(Path.Combine(Katex.RepoRoot(), "docs", "LANGUAGE.md"));
        Assert.All(DiagnosticCatalog.All, d => Assert.Contains($"| `{d.Id}` | {d.Title} |", doc));
    }

    [Fact]
    public void An_uncatalogued_code_or_a_wrong_severity_is_a_bug_not_a_diagnostic()
    {
        Assert.Throws<InvalidOperationException>(() => Diagnostic.Error("MC1234", default, "message."));
        Assert.Throws<InvalidOperationException>(() => Diagnostic.Error("MC1100", default, "message."));
        Assert.Equal(Severity.Info, Diagnostic.Info("MC1100", default, "message.").Severity);
    }

    [Fact]
    public void MC1005_and_MC3007_each_mean_one_thing()
    {
        // MC1005 is a product whose inner dimensions differ; a reserved name is MC1018.
        Assert.Equal("MC1005", Assert.Throws<MatcalcException>(() => MatCalc.Parse("W W", "W: n x m")).Diagnostics[0].Id);
        Assert.Equal("MC1018", Assert.Throws<MatcalcException>(() => Semantics.Scope.Parse("I: n x n")).Diagnostics[0].Id);
        // MC3007 is a values file that cannot be read; values that are not numbers are MC3013.
        var d = Assert.IsType<DiagnosticsDisplay>(Assert.Single(new MatCalcSession().Run("#!matcalc eval \"W\" --at /nonexistent/values.json")));
        Assert.Equal("MC3007", d.Diagnostics[0].Id);
        Assert.Equal("MC3013", Assert.Throws<MatcalcException>(() => ValuesJson.Parse("{\"W\": \"two\"}", "the values")).Diagnostics[0].Id);
    }
}
