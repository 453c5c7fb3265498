using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>One exercise of an answer key: the function, the variable and the declarations the answer is graded against.</summary>
/// <param name="Start">The first guess the exercise sheet ships with (optional): an answer still equal to it is "unchanged".</param>
public sealed record KeyExercise(string Id, string Function, string Wrt, string? Where, string? Start = null);

/// <summary>The grade of one answer: right, wrong, missing, or invalid (with feedback).</summary>
public sealed record Grade(string Student, string Exercise, string Status, string Feedback, string? Claim = null);

/// <summary>
/// `matcalc grade`: finds, in each submitted notebook, the cells marked `// exercise: ID` holding a
/// `#!matcalc check … --claim "…"` line, and grades the claim against the key's function (never the student's copy of it,
/// so an edited function cannot change the grade). Malformed notebooks are reported per file and do not stop the run.
/// </summary>
public static class Grader
{
    public static IReadOnlyList<KeyExercise> ReadKey(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("exercises").EnumerateArray().Select(e => new KeyExercise(
            e.GetProperty("id").GetString()!, e.GetProperty("function").GetString()!, e.GetProperty("wrt").GetString()!,
            e.TryGetProperty("where", out var w) ? w.GetString() : null,
            e.TryGetProperty("start", out var st) ? st.GetString() : null)).ToList();
    }

    public static IReadOnlyList<Grade> GradeNotebook(string path, string json, IReadOnlyList<KeyExercise> key)
    {
        var student = Path.GetFileNameWithoutExtension(path);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var functions = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new List<Grade>();
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("matcalc", out var m) &&
                m.TryGetProperty("student", out var s) && s.GetString() is { Length: > 0 } name)
                student = name;
            foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            {
                var src = cell.TryGetProperty("source", out var v)
                    ? v.ValueKind == JsonValueKind.Array ? string.Concat(v.EnumerateArray().Select(x => x.GetString())) : v.GetString() ?? ""
                    : "";
                var lines = src.Split('\n').Select(l => l.Trim()).ToList();
                var id = lines.FirstOrDefault(l => l.StartsWith("// exercise:", StringComparison.Ordinal))?["// exercise:".Length..].Trim();
                if (id is null) continue;
                var check = lines.FirstOrDefault(l => l.StartsWith("#!matcalc check", StringComparison.Ordinal));
                var tokens = check is null ? [] : MatCalcSession.Tokenize(check);
                var claimAt = tokens.IndexOf("--claim");
                if (claimAt < 0 || claimAt + 1 >= tokens.Count) { notes.Add(new Grade(student, id, "invalid", "the cell has no #!matcalc check … --claim \"…\" line")); continue; }
                if (key.All(k => k.Id != id)) { notes.Add(new Grade(student, id, "invalid", "no such exercise in the key")); continue; }
                answers[id] = tokens[claimAt + 1];
                if (tokens.Count > 2) functions[id] = tokens[2];
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [new Grade(student, "*", "invalid", $"{Path.GetFileName(path)} is not a readable notebook: {ex.Message}")];
        }
        var grades = new List<Grade>(notes);
        foreach (var k in key)
        {
            if (!answers.TryGetValue(k.Id, out var claim)) { grades.Add(new Grade(student, k.Id, "missing", "no answer cell")); continue; }
            // The answer is graded against the key's function; an edited function in the cell is reported, and changes nothing.
            var edited = functions.TryGetValue(k.Id, out var fn) && !SameFunction(fn, k.Function)
                ? $" (the cell's function was changed to \"{fn}\"; graded against the key's \"{k.Function}\")" : "";
            if (k.Start is not null && SameFunction(claim, k.Start))
            {
                grades.Add(new Grade(student, k.Id, "unchanged", "still the sheet's first guess: not attempted" + edited, claim));
                continue;
            }
            try
            {
                var report = MatrixCalculus.Check(MatCalc.Parse(k.Function, k.Where), k.Wrt, claim);
                // Feedback fits on a line: the counterexample's seed, sizes and the entries that differ (the matrices themselves
                // are one `#!matcalc check … --seed N` away), and the first line of each hint.
                var verdict = report.Verdict.StartsWith("wrong: ", StringComparison.Ordinal) ? report.Verdict["wrong: ".Length..] : report.Verdict;
                var feedback = report.Right ? verdict
                    : verdict + (report.Counterexample is { } c ? "; " + MatrixCalculus.Brief(c, k.Wrt) : "")
                      + string.Concat(report.Hints.Select(h => "; " + h.Split('\n')[0].TrimEnd('.', ':')));
                grades.Add(new Grade(student, k.Id, report.Right ? "right" : "wrong", OneLine(feedback) + edited, claim));
            }
            catch (MatcalcException ex)
            {
                var d = ex.Diagnostics[0];
                var (_, column) = DiagnosticFormatter.Position(ex.Source, d.Span.Start);
                grades.Add(new Grade(student, k.Id, "invalid",
                    OneLine($"{d.Id} in \"{ex.Source}\" at column {column}: {d.Message}" + (d.Hint is null ? "" : $" Hint: {d.Hint}")) + edited, claim));
            }
        }
        return grades;
    }

    private static string OneLine(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"\s*\n\s*", " ").Replace(".;", ";");

    private static bool SameFunction(string a, string b)
    {
        static string Squeeze(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
        return Squeeze(a) == Squeeze(b);
    }

    /// <param name="exercisesInKey">The number of exercises in the key: the denominator of each student's score.</param>
    public static string Format(IReadOnlyList<Grade> grades, string format, int exercisesInKey)
    {
        switch (format)
        {
            case "json":
                return new JsonArray(grades.Select(g => (JsonNode)new JsonObject
                {
                    ["student"] = g.Student, ["exercise"] = g.Exercise, ["status"] = g.Status, ["claim"] = g.Claim, ["feedback"] = g.Feedback,
                }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            case "csv":
            {
                static string Q(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
                var sb = new StringBuilder("student,exercise,status,claim,feedback\n");
                foreach (var g in grades) sb.Append($"{Q(g.Student)},{Q(g.Exercise)},{Q(g.Status)},{Q(g.Claim ?? "")},{Q(g.Feedback)}\n");
                return sb.ToString().TrimEnd('\n');
            }
            default:
            {
                var exercises = grades.Select(g => g.Exercise).Distinct().ToList();
                var students = grades.Select(g => g.Student).Distinct().ToList();
                var width = Math.Max(7, students.Max(s => s.Length));
                var sb = new StringBuilder("student".PadRight(width));
                foreach (var e in exercises) sb.Append("  ").Append(e.PadRight(Math.Max(7, e.Length)));
                sb.Append("  score\n");
                foreach (var s in students)
                {
                    sb.Append(s.PadRight(width));
                    foreach (var e in exercises)
                        sb.Append("  ").Append((grades.FirstOrDefault(g => g.Student == s && g.Exercise == e)?.Status ?? "").PadRight(Math.Max(7, e.Length)));
                    sb.Append($"  {grades.Count(g => g.Student == s && g.Status == "right")}/{exercisesInKey}\n");
                }
                sb.Append("\nfeedback:\n");
                foreach (var g in grades.Where(g => g.Status != "right"))
                    sb.Append($"  {g.Student} / {g.Exercise}: {g.Status}{(g.Claim is null ? "" : $" (claim: {g.Claim})")} — {g.Feedback}\n");
                return sb.ToString().TrimEnd('\n');
            }
        }
    }
}
