using System.Text.Json;
using System.Text.RegularExpressions;
using NotebookCalc.Cli;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// The course: every unit folder has its lesson, exercise sheet, solutions, key and instructor notes; the exercise sheet's
/// first guesses are all graded wrong (with feedback), the solutions all right, and sheet, solutions, key and notes name
/// the same exercises with the same functions. (Every cell of every unit is also executed by <see cref="WorkedNotebookTests"/>.)
/// </summary>
public class CurriculumTests
{
    private static string Curriculum => Path.Combine(Katex.RepoRoot(), "curriculum");

    private static List<string> UnitNames() => Directory.Exists(Curriculum)
        ? Directory.GetDirectories(Curriculum).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^\d\d-")).Order(StringComparer.Ordinal).ToList()
        : [];

    public static TheoryData<string> Units => new(UnitNames());

    [Fact]
    public void The_syllabus_lists_at_least_eight_units_in_order()
    {
        var units = UnitNames();
        Assert.True(units.Count >= 8, $"only {units.Count} units");
        var syllabus = File.ReadAllText(Path.Combine(Curriculum, "README.md"));
        var positions = units.Select(u => syllabus.IndexOf(u + "/", StringComparison.Ordinal)).ToList();
        Assert.All(units.Zip(positions), p => Assert.True(p.Second >= 0, $"the syllabus does not link {p.First}/"));
        Assert.Equal(positions.Order(), positions);
    }

    /// <summary>
    /// Every mention of a unit folder (`NN-name/`) in the course, the docs, the READMEs, the notebooks and the build names
    /// a folder that exists — so a renamed unit (10-second-order-look-ahead became 10-second-order) leaves no dead link.
    /// </summary>
    [Fact]
    public void Every_mention_of_a_unit_folder_names_one_that_exists()
    {
        var root = Katex.RepoRoot();
        var files = Directory.GetFiles(Curriculum, "*.*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb"))
            .Concat(new[] { "README.md", "build.cake" }.Select(f => Path.Combine(root, f)).Where(File.Exists))
            .Where(f => f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".ipynb", StringComparison.Ordinal) || f.EndsWith(".cake", StringComparison.Ordinal));
        var units = UnitNames().ToHashSet(StringComparer.Ordinal);
        var dead = files.SelectMany(f => Regex.Matches(File.ReadAllText(f), @"(?<![\w-])((?:0[1-9]|1\d)-[a-z][a-z-]*[a-z])/")
                .Select(m => m.Groups[1].Value).Where(u => !units.Contains(u)).Select(u => $"{Path.GetRelativePath(root, f)}: {u}/"))
            .Distinct().ToList();
        Assert.True(units.Count >= 8);
        Assert.True(dead.Count == 0, string.Join("\n", dead));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void A_unit_has_its_files_and_its_exercises_grade_as_intended(string unit)
    {
        var dir = Path.Combine(Curriculum, unit);
        foreach (var f in new[] { "lesson.ipynb", "exercises.ipynb", "solutions.ipynb", "key.json", "instructor.md" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{unit}/{f} is missing");
        var key = Grader.ReadKey(File.ReadAllText(Path.Combine(dir, "key.json")));
        Assert.True(key.Count >= 4, $"{unit}: only {key.Count} exercises");
        Assert.Equal(key.Count, key.Select(k => k.Id).Distinct().Count());
        var notes = File.ReadAllText(Path.Combine(dir, "instructor.md"));
        foreach (var k in key) Assert.Contains(k.Id, notes);

        // The key knows each sheet's first guess: an untouched sheet is "unchanged", not "wrong"; graded without that
        // knowledge, every first guess is wrong (with a counterexample), and every solution is right.
        Assert.All(key, k => Assert.False(string.IsNullOrWhiteSpace(k.Start), $"{unit} {k.Id}: the key has no start"));
        var untouched = Grader.GradeNotebook(Path.Combine(dir, "exercises.ipynb"), File.ReadAllText(Path.Combine(dir, "exercises.ipynb")), key);
        Assert.All(untouched, g => Assert.True(g.Status == "unchanged", $"{unit} {g.Exercise}: {g.Status} — {g.Feedback}"));
        var withoutStarts = key.Select(k => k with { Start = null }).ToList();
        foreach (var (sheet, expected) in new[] { ("exercises.ipynb", "wrong"), ("solutions.ipynb", "right") })
        {
            var path = Path.Combine(dir, sheet);
            var json = File.ReadAllText(path);
            // The cells grade the key's function: the function in the cell must be that same function.
            foreach (var (id, function) in ExerciseCells(json))
                Assert.Equal(key.Single(k => k.Id == id).Function, function);
            var grades = Grader.GradeNotebook(path, json, withoutStarts);
            Assert.Equal(key.Count, grades.Count);
            Assert.All(grades, g => Assert.True(g.Status == expected, $"{unit}/{sheet} {g.Exercise}: {g.Status} — {g.Feedback}"));
            if (expected == "wrong")
                Assert.All(grades, g => Assert.True(g.Feedback.Contains("counterexample", StringComparison.OrdinalIgnoreCase) || g.Feedback.Contains("shape", StringComparison.Ordinal) || g.Feedback.Contains("differ", StringComparison.Ordinal),
                    $"{unit}/{sheet} {g.Exercise}: feedback without a counterexample: {g.Feedback}"));
        }
        // The sheet does not give the answer away: its answer cells hide the derived formula.
        Assert.All(ExerciseLines(File.ReadAllText(Path.Combine(dir, "exercises.ipynb"))), l => Assert.Contains("--answer hidden", l));
        using var exercises = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "exercises.ipynb")));
        Assert.True(exercises.RootElement.GetProperty("metadata").GetProperty("matcalc").TryGetProperty("student", out _), $"{unit}: the sheet has no metadata.matcalc.student for the student's name");
    }

    private static IEnumerable<string> ExerciseLines(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("cells").EnumerateArray()
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())).Split('\n'))
            .Where(lines => lines.Any(l => l.StartsWith("// exercise:", StringComparison.Ordinal)))
            .Select(lines => lines.First(l => l.StartsWith("#!matcalc check", StringComparison.Ordinal))).ToList();
    }

    private static IEnumerable<(string Id, string Function)> ExerciseCells(string json)
    {
        using var doc = JsonDocument.Parse(json);
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            var lines = string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString())).Split('\n').Select(l => l.Trim()).ToList();
            var id = lines.FirstOrDefault(l => l.StartsWith("// exercise:", StringComparison.Ordinal))?["// exercise:".Length..].Trim();
            if (id is null) continue;
            var tokens = MatCalcSession.Tokenize(lines.First(l => l.StartsWith("#!matcalc check", StringComparison.Ordinal)));
            yield return (id, tokens[2]);
        }
    }
}
