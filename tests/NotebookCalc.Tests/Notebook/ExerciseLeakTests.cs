using System.Text.Json;
using NotebookCalc.Cli;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Exercises that teach (issue 17): no exercise's function is worked anywhere a student can read it — in a lesson, a
/// worked notebook, or another unit's sheet (or solutions) — and no two exercises of the course are the same function
/// for the same variable. Functions are compared as the library prints them after parsing with the exercise's
/// declarations, so spacing, redundant parentheses and ' versus ᵀ do not hide a copy; nor is an exercise's (long) answer
/// claimed in any of those cells. A hint must not state the answer:
/// the solution's claim, printed the same way, does not occur in the sheet's text.
/// </summary>
public class ExerciseLeakTests
{
    private static string Root => Katex.RepoRoot();

    private sealed record Exercise(string Unit, KeyExercise Key, string Printed);

    private static List<Exercise> Exercises() =>
        Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => File.Exists(Path.Combine(d, "key.json"))).Order(StringComparer.Ordinal)
            .SelectMany(d => Grader.ReadKey(File.ReadAllText(Path.Combine(d, "key.json")))
                .Select(k => new Exercise(Path.GetFileName(d), k, Print(k.Function, k.Where)!)))
            .ToList();

    private static string? Print(string text, string? where)
    {
        try { return MatCalc.Parse(text, where).ToString(); }
        catch (Exception) { return null; }
    }

    /// <summary>The cells a student can read: every cell of every lesson and worked notebook, every cell of another unit's sheet.</summary>
    private static IEnumerable<(string Where, string Source)> Cells(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var i = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            i++;
            yield return ($"{Path.GetRelativePath(Root, path)} cell {i}", string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString())));
        }
    }

    private static readonly HashSet<string> NotExpressions = ["--wrt", "--where", "--dims", "--seed", "--method", "--answer", "--at", "--claim", "--format"];

    /// <summary>The expressions a cell's #!matcalc lines work on (the function of gradient, check, show, derive, plot …).</summary>
    private static IEnumerable<string> Expressions(string source)
    {
        foreach (var line in source.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("#!matcalc ", StringComparison.Ordinal)))
        {
            List<string> tokens;
            try { tokens = MatCalcSession.Tokenize(line); } catch (Exception) { continue; }
            for (var t = 2; t < tokens.Count; t++)
                if (!tokens[t].StartsWith("--", StringComparison.Ordinal) && !NotExpressions.Contains(tokens[t - 1]))
                    yield return tokens[t];
        }
    }

    [Fact]
    public void No_exercise_function_is_worked_in_a_lesson_a_notebook_or_another_sheet()
    {
        var exercises = Exercises();
        Assert.True(exercises.Count >= 40);
        var readable = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(Root, "curriculum"), "lesson.ipynb", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).ToList();
        var leaks = new List<string>();
        foreach (var e in exercises)
        {
            var own = Path.Combine(Root, "curriculum", e.Unit);
            var others = Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => d != own)
                .SelectMany(d => new[] { "exercises.ipynb", "solutions.ipynb" }.Select(f => Path.Combine(d, f))).Where(File.Exists);
            foreach (var path in readable.Concat(others))
                foreach (var (where, source) in Cells(path))
                    foreach (var expr in Expressions(source))
                        if (Print(expr, e.Key.Where) == e.Printed)
                            leaks.Add($"{e.Key.Id} ({e.Key.Function}) is worked in {where}");
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct()));
    }

    /// <summary>
    /// The printed-form comparison above misses a function rewritten by algebra — tr(XᵀAXB) is tr(AXBXᵀ) rotated, and
    /// ‖(Bᵀ ⊗ A) vec X − vec C‖² is ‖AXB − C‖². So every expression of a readable cell (and of another unit's sheet) that
    /// parses with an exercise's declarations, is scalar and uses exactly the exercise's symbols is also compared with the
    /// exercise's function by value, on two random instances.
    /// </summary>
    [Fact]
    public void No_exercise_function_is_worked_in_another_form()
    {
        var readable = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(Root, "curriculum"), "lesson.ipynb", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).ToList();
        var leaks = new List<string>();
        foreach (var e in Exercises())
        {
            var f = MatCalc.Parse(e.Key.Function, e.Key.Where);
            var names = f.Symbols.Select(s => s.Name).ToHashSet();
            var instances = new List<(NotebookCalc.Numerics.Bindings At, double Value)>();
            foreach (var seed in new[] { 1, 2 })
                try { var at = f.Sample(seed); instances.Add((at, f.EvaluateScalar(at))); } catch (Exception) { }
            if (instances.Count == 0) continue;
            var own = Path.Combine(Root, "curriculum", e.Unit);
            var others = Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => d != own)
                .SelectMany(d => new[] { "exercises.ipynb", "solutions.ipynb" }.Select(n => Path.Combine(d, n))).Where(File.Exists);
            foreach (var path in readable.Concat(others))
                foreach (var (where, source) in Cells(path))
                    foreach (var expr in Expressions(source))
                    {
                        Expression g;
                        try { g = MatCalc.Parse(expr, e.Key.Where); } catch (Exception) { continue; }
                        if (!g.Shape.IsScalar || !g.Symbols.Select(s => s.Name).ToHashSet().SetEquals(names)) continue;
                        var same = instances.All(i =>
                        {
                            try { var v = g.EvaluateScalar(i.At); return Math.Abs(v - i.Value) <= 1e-9 * Math.Max(1, Math.Abs(i.Value)); }
                            catch (Exception) { return false; }
                        });
                        if (same) leaks.Add($"{e.Key.Id} ({e.Key.Function}) equals {expr}, worked in {where}");
                    }
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct()));
    }

    /// <summary>The claims a cell's #!matcalc check lines make.</summary>
    private static IEnumerable<string> Claims(string source)
    {
        foreach (var line in source.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("#!matcalc check", StringComparison.Ordinal)))
        {
            List<string> tokens;
            try { tokens = MatCalcSession.Tokenize(line); } catch (Exception) { continue; }
            var at = tokens.IndexOf("--claim");
            if (at >= 0 && at + 1 < tokens.Count) yield return tokens[at + 1];
        }
    }

    [Fact]
    public void No_exercise_answer_is_claimed_in_a_lesson_a_notebook_or_another_sheet()
    {
        var readable = Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(Root, "curriculum"), "lesson.ipynb", SearchOption.AllDirectories)).ToList();
        var leaks = new List<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => File.Exists(Path.Combine(d, "key.json"))))
        {
            var key = Grader.ReadKey(File.ReadAllText(Path.Combine(dir, "key.json")));
            var answers = Grader.GradeNotebook("solutions.ipynb", File.ReadAllText(Path.Combine(dir, "solutions.ipynb")), key)
                .Where(g => g.Claim is not null).ToDictionary(g => g.Exercise, g => g.Claim!);
            var others = Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => d != dir)
                .SelectMany(d => new[] { "exercises.ipynb", "solutions.ipynb" }.Select(f => Path.Combine(d, f))).Where(File.Exists);
            foreach (var k in key)
            {
                // A short answer (A', 2 X, a b') is the answer to many questions; a long one identifies its exercise.
                if (!answers.TryGetValue(k.Id, out var answer) || Print(answer, k.Where) is not { Length: >= 12 } printed) continue;
                foreach (var path in readable.Concat(others))
                    foreach (var (where, source) in Cells(path))
                        if (Claims(source).Any(c => Print(c, k.Where) == printed))
                            leaks.Add($"{k.Id}: its answer {answer} is claimed in {where}");
            }
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Distinct()));
    }

    [Fact]
    public void No_two_exercises_are_the_same_function_for_the_same_variable()
    {
        var duplicates = Exercises().GroupBy(e => (e.Printed, e.Key.Wrt)).Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g.Select(e => e.Key.Id)) + $": {g.Key.Printed} in {g.Key.Wrt}").ToList();
        Assert.True(duplicates.Count == 0, string.Join("\n", duplicates));
    }

    [Fact]
    public void No_sheet_states_an_answer_in_its_text()
    {
        var leaks = new List<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => File.Exists(Path.Combine(d, "key.json"))))
        {
            var key = Grader.ReadKey(File.ReadAllText(Path.Combine(dir, "key.json")));
            var solutions = File.ReadAllText(Path.Combine(dir, "solutions.ipynb"));
            var answers = Grader.GradeNotebook("solutions.ipynb", solutions, key).Where(g => g.Claim is not null).ToDictionary(g => g.Exercise, g => g.Claim!);
            var text = string.Concat(Cells(Path.Combine(dir, "exercises.ipynb")).Select(c => c.Source))
                .Replace(" ", "", StringComparison.Ordinal);
            foreach (var k in key)
                if (answers.TryGetValue(k.Id, out var answer) && answer.Length > 3 && text.Contains(answer.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal))
                    leaks.Add($"{Path.GetFileName(dir)} {k.Id}: the sheet's text contains the answer {answer}");
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
