using System.Text.Json;
using NotebookCalc.Cli;

namespace NotebookCalc.Tests.Cli;

/// <summary>The grade table, CSV and JSON as an instructor reads them.</summary>
public class GradeOutputTests
{
    private static readonly Grade[] Grades =
    [
        new("Ada", "u01-e1", "right", "right (equal …)", "A'"),
        new("Ada", "u01-e2", "right", "right (equal …)", "a b'"),
        new("Bartholomew", "u01-e1", "unchanged", "still the sheet's first guess: not attempted", "A"),
        new("Bartholomew", "u01-e2", "invalid", "MC0005 …", "a b +"),
        new("Cy", "u01-e1", "missing", "no answer cell"),
        new("Cy", "u01-e2", "wrong", "it differs …", "b a'"),
    ];

    [Fact]
    public void Table_columns_line_up_whatever_the_statuses()
    {
        var lines = Grader.Format(Grades, "text", 2).Split('\n');
        var table = lines.TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(4, table.Count);
        // Every column starts at the same position in every row: the header's column starts are where cells start.
        var starts = new[] { "u01-e1", "u01-e2", "score" }.Select(h => table[0].IndexOf(h, StringComparison.Ordinal)).ToList();
        foreach (var row in table.Skip(1))
            foreach (var at in starts)
            {
                Assert.NotEqual(' ', row[at]);
                Assert.Equal(' ', row[at - 1]);
                Assert.Equal(' ', row[at - 2]);
            }
        Assert.EndsWith("2/2", table[1]);
        Assert.EndsWith("0/2", table[2]);
        Assert.EndsWith("0/2", table[3]);
    }

    [Fact]
    public void No_empty_feedback_section_when_every_answer_is_right()
    {
        var text = Grader.Format(Grades.Where(g => g.Student == "Ada").ToList(), "text", 2);
        Assert.DoesNotContain("feedback", text);
        Assert.Contains("feedback:", Grader.Format(Grades, "text", 2));
    }

    [Fact]
    public void Csv_and_json_give_each_students_score()
    {
        var csv = Grader.Format(Grades, "csv", 2).Split('\n');
        Assert.Equal("student,exercise,status,claim,flags,feedback,score,outOf", csv[0]);
        Assert.EndsWith(",2,2", csv[1]);
        Assert.EndsWith(",0,2", csv[3]);
        using var doc = JsonDocument.Parse(Grader.Format(Grades, "json", 2));
        foreach (var g in doc.RootElement.EnumerateArray())
        {
            Assert.Equal(g.GetProperty("student").GetString() == "Ada" ? 2 : 0, g.GetProperty("score").GetInt32());
            Assert.Equal(2, g.GetProperty("outOf").GetInt32());
        }
    }

    [Fact]
    public void A_mis_shaped_claim_is_explained_once()
    {
        var dir = Directory.CreateTempSubdirectory("matcalc-grade-");
        try
        {
            var key = Path.Combine(dir.FullName, "key.json");
            File.WriteAllText(key, """{"exercises": [{"id": "e2", "function": "a' X b", "wrt": "X", "where": "a: n; b: m; X: n x m"}]}""");
            var nb = Path.Combine(dir.FullName, "bob.ipynb");
            File.WriteAllText(nb, """{"cells": [{"cell_type": "code", "source": ["#!matcalc check \"a' X b\" --wrt X --claim \"a b\"\n", "// exercise: e2"]}], "metadata": {}}""");
            var (code, text, _) = CliTests.Run("grade", nb, "--key", key);
            Assert.Equal(0, code);
            var line = text.Split('\n').Single(l => l.Contains("bob / e2", StringComparison.Ordinal));
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "not even well-shaped"));
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "cannot multiply"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
