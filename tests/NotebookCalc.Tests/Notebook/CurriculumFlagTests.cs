using System.Text.RegularExpressions;
using NotebookCalc.Cli;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// The grade flags on the real course (issue 17): an untouched exercise sheet raises none; the same sheet with
/// `--answer hidden` removed from every cell and a `gradient` cell added for each exercise is flagged <c>shown</c> and
/// <c>derived</c> on every exercise — and still graded, so a right answer obtained that way is visible to the instructor.
/// </summary>
public class CurriculumFlagTests
{
    public static TheoryData<string> Units => new(Directory.GetDirectories(Path.Combine(Katex.RepoRoot(), "curriculum"))
        .Select(d => Path.GetFileName(d)!).Where(d => Regex.IsMatch(d, @"^\d\d-")).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Units))]
    public void An_untouched_sheet_has_no_flags_and_a_tampered_one_is_flagged_everywhere(string unit)
    {
        var dir = Path.Combine(Katex.RepoRoot(), "curriculum", unit);
        var key = Grader.ReadKey(File.ReadAllText(Path.Combine(dir, "key.json")));
        var sheet = File.ReadAllText(Path.Combine(dir, "exercises.ipynb"));
        Assert.All(Grader.GradeNotebook("sheet.ipynb", sheet, key), g => Assert.True(g.FlagText == "", $"{unit} {g.Exercise}: {g.FlagText}"));

        var node = System.Text.Json.Nodes.JsonNode.Parse(sheet.Replace(" --answer hidden", "", StringComparison.Ordinal))!;
        var cells = node["cells"]!.AsArray();
        foreach (var k in key)
            cells.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["cell_type"] = "code",
                ["source"] = new System.Text.Json.Nodes.JsonArray($"#!matcalc gradient \"{k.Function.Replace("\"", "\\\"")}\" --wrt {k.Wrt}"),
            });
        var tampered = Grader.GradeNotebook("sheet.ipynb", node.ToJsonString(), key);
        Assert.Equal(key.Count, tampered.Count);
        Assert.All(tampered, g => Assert.True(g.FlagText == "shown+derived", $"{unit} {g.Exercise}: \"{g.FlagText}\""));
    }
}
