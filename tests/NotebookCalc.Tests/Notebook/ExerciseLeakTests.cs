using System.Text.Json;
using NotebookCalc.Calculus;
using NotebookCalc.Cli;
using NotebookCalc.Notebook;
using NotebookCalc.Semantics;
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

    /// <summary>
    /// The two tests above compare an exercise with expressions read under the exercise's own declarations, so a copy
    /// with its symbols renamed — tr(B Y) for an exercise tr(A X) — escapes both. Here every expression is read under the
    /// declarations in force where it stands (the notebook's `let`s so far, and the line's `--where`) and reduced to a
    /// canonical form: symbols renamed in order of first appearance, printed, once as written and once after the library's
    /// simplifier; for a scalar also after the transpose swap (tr(M) = tr(Mᵀ), s = sᵀ, transposes pushed onto the
    /// symbols), the sizes that print (ones(N), I_n) renamed as well. The properties that change a gradient (symmetric, diagonal, orthogonal, indicator) belong to the form,
    /// so the Rayleigh quotient of a general A is not the lesson's symmetric one.
    /// </summary>
    [Fact]
    public void No_exercise_function_is_worked_under_other_names()
    {
        var leaks = RenamedCopies(Exercises(), ReadableFor);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>The detector fails on planted copies: renamed, renamed and transposed, and renamed in another sheet's --where.</summary>
    [Fact]
    public void Renamed_copies_are_found()
    {
        var dir = Directory.CreateTempSubdirectory("leak");
        try
        {
            var planted = Path.Combine(dir.FullName, "planted.ipynb");
            File.WriteAllText(planted, JsonSerializer.Serialize(new
            {
                cells = new object[]
                {
                    new { cell_type = "code", source = new[] { "#!matcalc let \"P: q x r; Y: q x r\"" } },
                    new { cell_type = "code", source = new[] { "#!matcalc gradient \"tr(Y' P)\" --wrt Y" } },
                    new { cell_type = "code", source = new[] { "#!matcalc check \"tr(Q' Z' K)\" --wrt Z --where \"Z: p x p; K: p x s; Q: p x s\" --claim \"K\"" } },
                    new { cell_type = "code", source = new[] { "#!matcalc gradient \"tr(G' X' F)\" --wrt X --where \"X: n x m; F: n x p; G: p x m\"" } },
                    new { cell_type = "code", source = new[] { "#!matcalc let \"Q: n x n; v: n\"" } },
                    new { cell_type = "code", source = new[] { "#!matcalc check \"v' Q v / (v' v)\" --wrt v --claim \"Q v\"" } },
                },
            }));
            var exercises = new[]
            {
                Make("u01-e1", "tr(X' B)", "X", "X: n x m; B: n x m"),          // renamed (Y, P)
                Make("u01-e4", "tr(Y' M Z)", "M", "Y: n x k; Z: n x k; M: n x n"), // renamed and transposed: tr(Qᵀ Zᵀ K) = tr(Kᵀ Z Q)
                Make("u01-e3", "tr(B X' A)", "X", "X: n x m; A: n x p; B: p x m"), // not a copy: tr(Gᵀ Xᵀ F) would need G = Bᵀ, a transposed symbol, not a renamed one
                Make("u11-e1", "x' A x / (x' x)", "x", "A: n x n; x: n"),        // renamed
                Make("u11-e2", "x' A x / (x' B x)", "x", "A: n x n symmetric; B: n x n spd; x: n"), // not a copy
            };
            var leaks = RenamedCopies(exercises, _ => [planted]);
            Assert.Contains(leaks, l => l.StartsWith("u01-e1 ", StringComparison.Ordinal) && l.Contains("tr(Y' P)", StringComparison.Ordinal));
            Assert.Contains(leaks, l => l.StartsWith("u01-e4 ", StringComparison.Ordinal) && l.Contains("tr(Q' Z' K)", StringComparison.Ordinal));
            Assert.Contains(leaks, l => l.StartsWith("u11-e1 ", StringComparison.Ordinal) && l.Contains("v' Q v", StringComparison.Ordinal));
            Assert.DoesNotContain(leaks, l => l.StartsWith("u11-e2 ", StringComparison.Ordinal));
            Assert.DoesNotContain(leaks, l => l.StartsWith("u01-e3 ", StringComparison.Ordinal));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Theory]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x m", "tr(W V)", "V", "W: p x q; V: q x p", true)]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x m", "tr(V' W')", "V", "W: p x q; V: q x p", true)]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x m", "tr(V' W')", null, "W: p x q; V: q x p", true)]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x m", "tr(V' W')", "W", "W: p x q; V: q x p", false)]
    [InlineData("a' X b", "X", "X: n x m; a: n; b: m", "u' W v", "W", "W: p x q; u: p; v: q", true)]
    [InlineData("a' X b", "X", "X: n x m; a: n; b: m", "v' W' u", "W", "W: p x q; u: p; v: q", true)]
    [InlineData("tr(A X)", "X", "A: m x n; X: n x m", "tr(A X B)", "X", "A: m x n; X: n x k; B: k x m", false)]
    [InlineData("x' A x", "x", "A: n x n; x: n", "x' S x", "x", "S: n x n symmetric; x: n", false)]
    [InlineData("norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "norm(C Y - D)^2", "Y", "C: q x r; Y: r x s; D: q x s", true)]
    [InlineData("norm(A X - B)^2", "X", "A: p x n; X: n x m; B: p x m", "norm(C Y - D)^2", "C", "C: q x r; Y: r x s; D: q x s", false)]
    [InlineData("norm(W X + b ones(N)' - T)^2", "b", "W: h x d; X: d x N; b: h; T: h x N", "norm(V Z + c ones(M)' - S)^2", "c", "V: k x e; Z: e x M; c: k; S: k x M", true)]
    [InlineData("tr(X) + tr(A X)", "X", "X: n x n; A: n x n", "tr(Y) + tr(B Y)", "Y", "Y: m x m; B: m x m", true)]
    public void Canonical_forms_identify_renamed_copies(string exercise, string wrt, string where, string copy, string? copyWrt, string copyWhere, bool same)
    {
        var e = Canonical.Forms(MatCalc.Parse(exercise, where).Expr, wrt);
        var c = Canonical.Forms(MatCalc.Parse(copy, copyWhere).Expr, copyWrt);
        Assert.Equal(same, e.Overlaps(c));
    }

    private static Exercise Make(string id, string function, string wrt, string where) =>
        new("planted", new KeyExercise(id, function, wrt, where), Print(function, where)!);

    /// <summary>What a student working on an exercise of <paramref name="unit"/> can read: lessons, worked notebooks, other units' sheets.</summary>
    private static IEnumerable<string> ReadableFor(string unit)
    {
        var own = Path.Combine(Root, "curriculum", unit);
        return Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(Root, "curriculum"), "lesson.ipynb", SearchOption.AllDirectories))
            .Concat(Directory.GetDirectories(Path.Combine(Root, "curriculum")).Where(d => d != own)
                .SelectMany(d => new[] { "exercises.ipynb", "solutions.ipynb" }.Select(n => Path.Combine(d, n))).Where(File.Exists))
            .Order(StringComparer.Ordinal);
    }

    private static List<string> RenamedCopies(IEnumerable<Exercise> exercises, Func<string, IEnumerable<string>> readable)
    {
        var cache = new Dictionary<string, List<(string Where, string Expr, HashSet<string> Forms)>>(StringComparer.Ordinal);
        var leaks = new List<string>();
        foreach (var e in exercises)
        {
            var forms = Canonical.Forms(MatCalc.Parse(e.Key.Function, e.Key.Where).Expr, e.Key.Wrt);
            foreach (var path in readable(e.Unit))
            {
                if (!cache.TryGetValue(path, out var expressions)) cache[path] = expressions = ScopedExpressions(path).ToList();
                foreach (var (where, expr, other) in expressions)
                    if (other.Overlaps(forms))
                        leaks.Add($"{e.Key.Id} ({e.Key.Function}) is {expr}, renamed, in {where}");
            }
        }
        return leaks.Distinct().ToList();
    }

    /// <summary>Every expression of a notebook's #!matcalc lines, read under the declarations in force there, with its canonical forms.</summary>
    private static IEnumerable<(string Where, string Expr, HashSet<string> Forms)> ScopedExpressions(string path)
    {
        var scope = Scope.Empty;
        foreach (var (where, source) in Cells(path))
            foreach (var line in source.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("#!matcalc ", StringComparison.Ordinal)))
            {
                List<string> tokens;
                try { tokens = MatCalcSession.Tokenize(line); } catch (Exception) { continue; }
                if (tokens.Count > 2 && tokens[1] == "let")
                {
                    try { scope = scope.With(DeclarationParser.Parse(tokens[2])); } catch (Exception) { }
                    continue;
                }
                var lineScope = scope;
                var wrtAt = tokens.IndexOf("--wrt");
                var wrt = wrtAt >= 0 && wrtAt + 1 < tokens.Count ? tokens[wrtAt + 1] : null;
                var at = tokens.IndexOf("--where");
                if (at >= 0 && at + 1 < tokens.Count)
                    try { lineScope = scope.With(DeclarationParser.Parse(tokens[at + 1])); } catch (Exception) { }
                for (var t = 2; t < tokens.Count; t++)
                {
                    if (tokens[t].StartsWith("--", StringComparison.Ordinal) || NotExpressions.Contains(tokens[t - 1])) continue;
                    Expression parsed;
                    try { parsed = MatCalc.Parse(tokens[t], lineScope); } catch (Exception) { continue; }
                    if (wrt is not null && !parsed.Symbols.Any(s => s.Name == wrt)) continue;
                    yield return (where, tokens[t], Canonical.Forms(parsed.Expr, wrt));
                }
            }
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

/// <summary>
/// Canonical forms of an expression up to the names of its symbols (see
/// <see cref="ExerciseLeakTests.No_exercise_function_is_worked_under_other_names"/>).
/// </summary>
internal static class Canonical
{
    private const SymbolProps Significant = SymbolProps.Symmetric | SymbolProps.Diagonal | SymbolProps.Orthogonal | SymbolProps.Indicator;

    /// <summary>
    /// The forms of <paramref name="e"/> differentiated with respect to <paramref name="wrt"/> (the variable is renamed V,
    /// the other symbols Q1, Q2, …); with no variable given (a `show` line), one set of forms per symbol as the variable.
    /// </summary>
    public static HashSet<string> Forms(Expr e, string? wrt)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        var variables = wrt is not null ? [wrt] : e.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name).Distinct().ToList();
        foreach (var v in variables)
        {
            Add(forms, e, v);
            if (e.IsScalar) Add(forms, Swap(e), v);
        }
        return forms;
    }

    private static void Add(HashSet<string> forms, Expr e, string wrt)
    {
        var renamed = Rename(e, wrt);
        forms.Add(Form(renamed));
        try { forms.Add(Form(Rename(Simplifier.Simplify(renamed), "V"))); }
        catch (Exception) { }
    }

    /// <summary>The printed tree plus the significant properties of each canonical symbol.</summary>
    private static string Form(Expr e) =>
        e + " {" + string.Join(",", e.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name + ":" + (s.Props & Significant)).Distinct()) + "}";

    /// <summary>The variable renamed V, other symbols (and opaque functions) Q1, Q2, … (F1, …) in order of first appearance.</summary>
    private static Expr Rename(Expr e, string wrt)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [wrt] = "V" };
        foreach (var n in e.DescendantsAndSelf())
        {
            var name = n switch { Symbol s => s.Name, OpaqueCall c => "fn:" + c.Function, _ => null };
            if (name is not null && !names.ContainsKey(name)) names[name] = (name.StartsWith("fn:", StringComparison.Ordinal) ? "F" : "Q") + names.Count;
        }
        var dims = new Dictionary<string, Dim>(StringComparer.Ordinal);
        foreach (var n in e.DescendantsAndSelf())
            foreach (var d in n switch { Ones o => new[] { o.Shape.Rows, o.Shape.Cols }, ZeroMatrix z => [z.Shape.Rows, z.Shape.Cols], Identity i => [i.Dimension], _ => [] })
                if (d is NamedDim { Name: var name } && !dims.ContainsKey(name)) dims[name] = Dim.Of("k" + (dims.Count + 1));
        return Map(e, names, dims);
    }

    /// <summary>The sizes that print (ones(N), zeros(n, m), I_n) renamed k1, k2, … too, so ones(N) and ones(M) agree.</summary>
    private static Dim D(Dim d, Dictionary<string, Dim> dims) => d is NamedDim { Name: var n } && dims.TryGetValue(n, out var c) ? c : d;

    private static Expr Map(Expr e, Dictionary<string, string> names, Dictionary<string, Dim> dims) => e switch
    {
        Ones o => new Ones(new Shape(D(o.Shape.Rows, dims), D(o.Shape.Cols, dims))),
        ZeroMatrix z => new ZeroMatrix(new Shape(D(z.Shape.Rows, dims), D(z.Shape.Cols, dims))),
        Identity i => new Identity(D(i.Dimension, dims)),
        Symbol s => s with { Name = names[s.Name] },
        OpaqueCall c => new OpaqueCall(names["fn:" + c.Function], c.ResultShape, Map(c.Argument, names, dims)),
        _ when e.Children.Count == 0 => e,
        _ => e.With(e.Children.Select(c => Map(c, names, dims)).ToList()),
    };

    /// <summary>A scalar equals its transpose: tr(M) = tr(Mᵀ), uᵀMv = vᵀMᵀu, A : B = Aᵀ : Bᵀ, with transposes pushed onto symbols.</summary>
    private static Expr Swap(Expr e) => e switch
    {
        Add a => new Add(Swap(a.L), Swap(a.R)),
        Neg n => new Neg(Swap(n.A)),
        Scale s => new Scale(s.Factor, Swap(s.A)),
        Trace t => new Trace(PushT(t.A)),
        Frobenius f => new Frobenius(PushT(f.L), PushT(f.R)),
        MatMul when e.IsScalar => PushT(e),
        _ => e,
    };

    /// <summary>The factors of a product chain, however it is bracketed.</summary>
    private static IEnumerable<Expr> Factors(Expr e) => e is MatMul m ? Factors(m.L).Concat(Factors(m.R)) : [e];

    private static Expr PushT(Expr e) => e switch
    {
        Transpose t => t.A,
        MatMul => Factors(e).Reverse().Select(PushT).Aggregate((l, r) => new MatMul(l, r)),
        Add a => new Add(PushT(a.L), PushT(a.R)),
        Neg n => new Neg(PushT(n.A)),
        Scale s => new Scale(s.Factor, PushT(s.A)),
        Inverse i => new Inverse(PushT(i.A)),
        Identity or Number => e,
        Symbol { Props: var p } when (p & SymbolProps.Symmetric) != 0 || e.IsScalar => e,
        _ when e.IsScalar => e,
        _ => new Transpose(e),
    };
}
