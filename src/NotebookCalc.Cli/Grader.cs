using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>One exercise of an answer key: the function, the variable and the declarations the answer is graded against.</summary>
/// <param name="Start">The first guess the exercise sheet ships with (optional): an answer still equal to it is "unchanged".</param>
/// <param name="Derivative">What the answer claims: <c>gradient</c> (the default, when the key says nothing), <c>hessian</c>
/// (the Hessian map applied to the direction H) or <c>jacobian</c> (the Jacobian map applied to H). The answer cell's
/// <c>--derivative</c> must say the same.</param>
public sealed record KeyExercise(string Id, string Function, string Wrt, string? Where, string? Start = null, string? Derivative = null)
{
    /// <summary>The derivative the answer claims, "gradient" when the key does not say.</summary>
    public string Kind => string.IsNullOrWhiteSpace(Derivative) ? "gradient" : Derivative.Trim();
}

/// <summary>The grade of one answer: right, wrong, missing, or invalid (with feedback).</summary>
/// <param name="Flags">What the instructor should look at besides the verdict (see <see cref="Grader.FlagNames"/>):
/// <c>shown</c> (the answer cell no longer has <c>--answer hidden</c>), <c>derived</c> (another cell runs
/// <c>gradient</c>, <c>show</c> or <c>derive</c> on the exercise's function), <c>edited</c> (the cell's function is not
/// the key's). Empty when nothing is amiss.</param>
public sealed record Grade(string Student, string Exercise, string Status, string Feedback, string? Claim = null, IReadOnlyList<string>? Flags = null)
{
    /// <summary>The flags joined with "+", or "" — the form the table, CSV and JSON show.</summary>
    public string FlagText => Flags is { Count: > 0 } f ? string.Join("+", f) : "";
}

/// <summary>
/// `matcalc grade`: finds, in each submitted notebook, the cells marked `// exercise: ID` holding a
/// `#!matcalc check … --claim "…"` line, and grades the claim against the key's function (never the student's copy of it,
/// so an edited function cannot change the grade). Malformed notebooks are reported per file and do not stop the run.
/// </summary>
public static class Grader
{
    /// <summary>Reads KEY.json; a missing or non-string id, function or wrt throws (the CLI reports it as MC5003).</summary>
    public static IReadOnlyList<KeyExercise> ReadKey(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var exercises = new List<KeyExercise>();
        var i = 0;
        foreach (var e in doc.RootElement.GetProperty("exercises").EnumerateArray())
        {
            i++;
            string? Text(string name, bool required)
            {
                var present = e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;
                if (!present && !required) return null;
                if (present && e.GetProperty(name) is { ValueKind: JsonValueKind.String } text && (text.GetString()!.Trim().Length > 0 || !required))
                    return text.GetString();
                throw new InvalidOperationException($"exercise {i} of the key has no \"{name}\" text");
            }
            exercises.Add(new KeyExercise(Text("id", true)!, Text("function", true)!, Text("wrt", true)!, Text("where", false), Text("start", false), Text("derivative", false)));
        }
        return exercises;
    }

    /// <summary>
    /// Checks every exercise of a key before any student is graded: its derivative is gradient, hessian or jacobian, its
    /// declarations and function parse, the function is scalar (for a gradient or a Hessian; a Jacobian's function may be
    /// a vector or a matrix), its variable occurs in it, and no two exercises share an id. A broken key would otherwise grade every
    /// answer "invalid" and blame the students; instead it stops `grade` (MC5004, exit 2) naming the exercise.
    /// </summary>
    public static void CheckKey(IReadOnlyList<KeyExercise> key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in key)
        {
            var entry = $"Exercise \"{k.Id}\" of the key";
            if (!seen.Add(k.Id))
                throw KeyError(k.Id, default, $"{entry} appears twice.", "Give every exercise its own id.");
            if (!Derivatives.Contains(k.Kind))
                throw KeyError(k.Kind, new TextSpan(0, k.Kind.Length), $"{entry} is broken: its derivative \"{k.Kind}\" is not one of {string.Join(", ", Derivatives)}.",
                    "Fix the key before grading (leave \"derivative\" out for a gradient); no student was graded.");
            Expression f;
            try { f = MatCalc.Parse(k.Function, k.Where); }
            catch (MatcalcException ex)
            {
                var d = ex.Diagnostics[0];
                var part = ex.Source == k.Function ? $"its function \"{k.Function}\"" : $"its declarations \"{k.Where}\"";
                throw new MatcalcException(ex.Source, DiagnosticCatalog.BadKeyEntry.At(d.Span,
                    $"{entry} is broken: {part} does not read ({d.Id}: {d.Message.TrimEnd('.')}).",
                    $"Fix the key before grading; no student was graded. {d.Hint}".TrimEnd()));
            }
            if (!f.Shape.IsScalar && k.Kind != "jacobian")
                throw KeyError(k.Function, new TextSpan(0, k.Function.Length), $"{entry} is broken: its function {k.Function} is {f.Shape}, not a scalar, so it has no {k.Kind}.",
                    k.Kind == "hessian"
                        ? "Fix the key before grading (a Hessian needs a scalar function: take tr(…), sum(…) or norm(…)^2 of it; for a matrix-valued function say \"derivative\": \"jacobian\"); no student was graded."
                        : "Fix the key before grading (take tr(…), sum(…) or norm(…)^2 of it, or say \"derivative\": \"jacobian\"); no student was graded.");
            var wrt = Syntax.Greek.Normalize(k.Wrt.Trim());
            var wrtTokens = Syntax.Lexer.Tokenize(k.Wrt.Trim(), []);
            if (wrtTokens is [{ Kind: Syntax.TokenKind.Identifier } only, { Kind: Syntax.TokenKind.End }]) wrt = only.Text;
            if (!f.Symbols.Any(s => s.Name == wrt))
                throw KeyError(k.Function, new TextSpan(0, k.Function.Length),
                    $"{entry} is broken: its variable {k.Wrt} does not occur in its function {k.Function}.",
                    $"Fix the key before grading: \"wrt\" is one of {string.Join(", ", f.Symbols.Select(s => s.Name))}; no student was graded.");
        }
    }

    /// <summary>The derivatives a key entry (and an answer cell's <c>--derivative</c>) can name.</summary>
    public static readonly IReadOnlyList<string> Derivatives = ["gradient", "hessian", "jacobian"];

    private static MatcalcException KeyError(string source, TextSpan span, string message, string hint) =>
        new(source, DiagnosticCatalog.BadKeyEntry.At(span, message, hint));

    /// <summary>
    /// The notebooks named on the command line. A pattern the shell left unexpanded (`subs/*.ipynb` matching nothing, or
    /// any pattern on Windows) is expanded here; a path or pattern that matches no file is an error (MC5005), never a
    /// student named `*`.
    /// </summary>
    public static IReadOnlyList<string> Submissions(IEnumerable<string> arguments)
    {
        var paths = new List<string>();
        foreach (var arg in arguments)
        {
            if (File.Exists(arg)) { paths.Add(arg); continue; }
            var source = arg;
            var all = new TextSpan(0, arg.Length);
            if (Directory.Exists(arg))
                throw new MatcalcException(source, DiagnosticCatalog.NoSubmission.At(all, $"{arg} is a directory, not a notebook.",
                    $"Pass the notebooks in it, e.g. {Path.Combine(arg, "*.ipynb")}."));
            var name = Path.GetFileName(arg);
            var dir = Path.GetDirectoryName(arg) is { Length: > 0 } d ? d : ".";
            if (name.IndexOfAny(['*', '?']) < 0)
                throw new MatcalcException(source, DiagnosticCatalog.NoSubmission.At(all, $"There is no file {arg}.", "Check the path of the submission; no student was graded."));
            var matches = Directory.Exists(dir) && dir.IndexOfAny(['*', '?']) < 0
                ? Directory.GetFiles(dir, name).Where(p => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(name, Path.GetFileName(p))).Order(StringComparer.Ordinal).ToList()
                : [];
            if (matches.Count == 0)
                throw new MatcalcException(source, DiagnosticCatalog.NoSubmission.At(all, $"The pattern {arg} matches no file.",
                    "Check the folder and the pattern (wildcards * and ? in the file name); no student was graded."));
            paths.AddRange(matches);
        }
        return paths;
    }

    /// <summary>The integrity flags `grade` can raise, with what each means (the README lists the same).</summary>
    public static readonly IReadOnlyDictionary<string, string> FlagNames = new Dictionary<string, string>
    {
        ["shown"] = "the answer cell no longer has --answer hidden, so the derived formula was on the student's screen",
        ["derived"] = "another cell of the notebook runs gradient, hessian, jacobian, show or derive on the exercise's function",
        ["edited"] = "the function in the answer cell is not the key's (the answer is still graded against the key's)",
    };

    public static IReadOnlyList<Grade> GradeNotebook(string path, string json, IReadOnlyList<KeyExercise> key)
    {
        var student = Path.GetFileNameWithoutExtension(path);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var functions = new Dictionary<string, string>(StringComparer.Ordinal);
        var derivatives = new Dictionary<string, string>(StringComparer.Ordinal);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var derivedFunctions = new List<string>();
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
                // Any cell (an exercise cell included) that derives or shows a function: its function may be an exercise's.
                foreach (var l in lines.Where(l => l.StartsWith("#!matcalc ", StringComparison.Ordinal)))
                {
                    List<string> t;
                    try { t = MatCalcSession.Tokenize(l); } catch (Exception) { continue; }
                    if (t.Count > 2 && t[1] is "gradient" or "hessian" or "jacobian" or "show" or "derive") derivedFunctions.Add(t[2]);
                }
                if (id is null) continue;
                var check = lines.FirstOrDefault(l => l.StartsWith("#!matcalc check", StringComparison.Ordinal));
                var tokens = check is null ? [] : MatCalcSession.Tokenize(check);
                var claimAt = tokens.IndexOf("--claim");
                if (claimAt < 0 || claimAt + 1 >= tokens.Count) { notes.Add(new Grade(student, id, "invalid", "the cell has no #!matcalc check … --claim \"…\" line")); continue; }
                if (key.All(k => k.Id != id)) { notes.Add(new Grade(student, id, "invalid", "no such exercise in the key")); continue; }
                answers[id] = tokens[claimAt + 1];
                if (tokens.Count > 2) functions[id] = tokens[2];
                var derivativeAt = tokens.IndexOf("--derivative");
                derivatives[id] = derivativeAt >= 0 && derivativeAt + 1 < tokens.Count ? tokens[derivativeAt + 1] : "gradient";
                var answerAt = tokens.IndexOf("--answer");
                if (answerAt < 0 || answerAt + 1 >= tokens.Count || tokens[answerAt + 1] != "hidden") shown.Add(id);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [new Grade(student, "*", "invalid", $"{Path.GetFileName(path)} is not a readable notebook: {ex.Message}")];
        }
        var grades = new List<Grade>(notes);
        List<string>? FlagsOf(KeyExercise k)
        {
            var flags = new List<string>();
            if (shown.Contains(k.Id)) flags.Add("shown");
            if (derivedFunctions.Any(f => SameExpression(f, k.Function, k.Where))) flags.Add("derived");
            if (functions.TryGetValue(k.Id, out var f) && !SameFunction(f, k.Function)) flags.Add("edited");
            return flags.Count > 0 ? flags : null;
        }
        foreach (var k in key)
        {
            if (!answers.TryGetValue(k.Id, out var claim)) { grades.Add(new Grade(student, k.Id, "missing", "no answer cell")); continue; }
            // The answer is graded against the key's function; an edited function in the cell is reported, and changes nothing.
            var edited = functions.TryGetValue(k.Id, out var fn) && !SameFunction(fn, k.Function)
                ? $" (the cell's function was changed to \"{fn}\"; graded against the key's \"{k.Function}\")" : "";
            // A Hessian exercise answered as a gradient (or the reverse) claims a different object: say so, judge nothing.
            if (derivatives.TryGetValue(k.Id, out var said) && said != k.Kind)
            {
                grades.Add(new Grade(student, k.Id, "invalid",
                    $"the answer cell claims a {said} (--derivative {said}) but the exercise asks for the {k.Kind}: write the cell as #!matcalc check … --derivative {k.Kind} --claim \"…\"" +
                    (k.Kind == "gradient" ? " (or leave --derivative out)" : "") + edited, claim));
                continue;
            }
            if (k.Start is not null && SameFunction(claim, k.Start))
            {
                grades.Add(new Grade(student, k.Id, "unchanged", "still the sheet's first guess: not attempted" + edited, claim));
                continue;
            }
            try
            {
                var report = Verdict(k, claim);
                // Feedback fits on a line: the counterexample's seed, sizes and the entries that differ (the matrices themselves
                // are one `#!matcalc check … --seed N` away), and the first line of each hint.
                var verdict = report.Verdict.StartsWith("wrong: ", StringComparison.Ordinal) ? report.Verdict["wrong: ".Length..] : report.Verdict;
                var feedback = report.Right ? verdict
                    : verdict + (report.Counterexample is { } c ? "; " + MatCalc.Brief(c, k.Wrt) : "")
                      + string.Concat(report.Hints.Select(h => "; " + Once(h.Split('\n')[0].TrimEnd('.', ':'), verdict)));
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
        return grades.Select(g => key.FirstOrDefault(k => k.Id == g.Exercise) is { } k && g.Status != "missing" ? g with { Flags = FlagsOf(k) } : g).ToList();
    }

    /// <summary>Two spellings of one function: equal once parsed and printed (so spacing and redundant parentheses do not matter).</summary>
    private static bool SameExpression(string a, string b, string? where)
    {
        if (SameFunction(a, b)) return true;
        try { return MatCalc.Parse(a, where).ToString() == MatCalc.Parse(b, where).ToString(); }
        catch (Exception) { return false; }
    }

    /// <summary>
    /// A hint that ends by repeating what the verdict already says (the square-matrices hint restates "not even
    /// well-shaped") keeps only its own part: each message is said once.
    /// </summary>
    private static string Once(string hint, string verdict)
    {
        var head = verdict.Split(" — ")[0].Split(':')[0].Trim();
        var at = head.Length >= 12 ? hint.IndexOf(head, StringComparison.Ordinal) : -1;
        if (at <= 0) return hint;
        var cut = hint.LastIndexOf(':', at);
        return cut > 0 ? hint[..cut] : hint;
    }

    /// <summary>
    /// The verdict on one claim for one exercise. It depends only on the key's function, declarations and variable and on the
    /// claim's text, so a class's repeated answers (the same right formula, the same typical mistake) are judged once per
    /// process: grading 200 submissions costs the distinct answers, not the answers. A diagnostic is remembered too.
    /// </summary>
    private static ClaimReport Verdict(KeyExercise k, string claim)
    {
        var lazy = Verdicts.GetOrAdd((k.Function, k.Where, k.Wrt, k.Kind, claim), key => new Lazy<(ClaimReport?, MatcalcException?)>(() =>
        {
            try
            {
                var f = MatCalc.Parse(key.Function, key.Where);
                return (key.Derivative switch
                {
                    "hessian" => MatCalc.CheckHessian(f, key.Wrt, key.Claim),
                    "jacobian" => MatCalc.CheckJacobian(f, key.Wrt, key.Claim),
                    _ => MatCalc.Check(f, key.Wrt, key.Claim),
                }, null);
            }
            catch (MatcalcException ex) { return (null, ex); }
        }));
        var (report, error) = lazy.Value;
        return report ?? throw error!;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Function, string? Where, string Wrt, string Derivative, string Claim),
        Lazy<(ClaimReport?, MatcalcException?)>> Verdicts = new();

    private static string OneLine(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"\s*\n\s*", " ").Replace(".;", ";");

    private static bool SameFunction(string a, string b)
    {
        static string Squeeze(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
        return Squeeze(a) == Squeeze(b);
    }

    /// <param name="exercisesInKey">The number of exercises in the key: the denominator of each student's score.</param>
    /// <remarks>Every format has each student's score (answers right out of the exercises in the key): the table in its
    /// last column, csv and json in every record (<c>score</c>, <c>outOf</c>).</remarks>
    public static string Format(IReadOnlyList<Grade> grades, string format, int exercisesInKey)
    {
        var scores = grades.GroupBy(g => g.Student).ToDictionary(g => g.Key, g => g.Count(x => x.Status == "right"), StringComparer.Ordinal);
        switch (format)
        {
            case "json":
                return new JsonArray(grades.Select(g => (JsonNode)new JsonObject
                {
                    ["student"] = g.Student, ["exercise"] = g.Exercise, ["status"] = g.Status, ["claim"] = g.Claim, ["flags"] = new JsonArray((g.Flags ?? []).Select(f => (JsonNode)f).ToArray()), ["feedback"] = g.Feedback,
                    ["score"] = scores[g.Student], ["outOf"] = exercisesInKey,
                }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            case "csv":
            {
                static string Q(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
                var sb = new StringBuilder("student,exercise,status,claim,flags,feedback,score,outOf\n");
                foreach (var g in grades) sb.Append($"{Q(g.Student)},{Q(g.Exercise)},{Q(g.Status)},{Q(g.Claim ?? "")},{Q(g.FlagText)},{Q(g.Feedback)},{scores[g.Student]},{exercisesInKey}\n");
                return sb.ToString().TrimEnd('\n');
            }
            default:
            {
                var exercises = grades.Select(g => g.Exercise).Distinct().ToList();
                var students = grades.Select(g => g.Student).Distinct().ToList();
                string Status(string s, string e) => grades.FirstOrDefault(g => g.Student == s && g.Exercise == e)?.Status ?? "";
                // Each column as wide as its widest cell, whatever the statuses (unchanged, invalid, missing).
                var width = students.Append("student").Max(s => s.Length);
                var widths = exercises.Select(e => students.Select(s => Status(s, e).Length).Append(e.Length).Max()).ToList();
                string Score(string s) => $"{scores[s]}/{exercisesInKey}";
                var sb = new StringBuilder("student".PadRight(width));
                for (var k = 0; k < exercises.Count; k++) sb.Append("  ").Append(exercises[k].PadRight(widths[k]));
                var scoreWidth = students.Select(s => Score(s).Length).Append("score".Length).Max();
                sb.Append("  ").Append("score".PadRight(scoreWidth)).Append("  flags\n");
                foreach (var s in students)
                {
                    sb.Append(s.PadRight(width));
                    for (var k = 0; k < exercises.Count; k++) sb.Append("  ").Append(Status(s, exercises[k]).PadRight(widths[k]));
                    var flagged = grades.Where(g => g.Student == s && g.FlagText.Length > 0).Select(g => $"{g.Exercise}: {g.FlagText}");
                    sb.Append(($"  {Score(s).PadRight(scoreWidth)}  " + string.Join("; ", flagged)).TrimEnd()).Append('\n');
                }
                // The feedback section only when there is feedback to give (an answer not right, or a flagged one).
                var notable = grades.Where(g => g.Status != "right" || g.FlagText.Length > 0).ToList();
                if (notable.Count > 0)
                {
                    sb.Append("\nfeedback:\n");
                    foreach (var g in notable)
                        sb.Append($"  {g.Student} / {g.Exercise}: {g.Status}{(g.FlagText.Length > 0 ? $" [flags: {g.FlagText}]" : "")}{(g.Claim is null ? "" : $" (claim: {g.Claim})")} — {g.Feedback}\n");
                }
                return sb.ToString().TrimEnd('\n');
            }
        }
    }
}
