using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

/// <summary>
/// The peer benchmark: the SymPy conformance set and the source problems through SymPy's <c>.diff</c> (bench/peers/sympy_peer.py,
/// run with the machine's python3) and through NotebookCalc in-process, in the same run, judged the same way: the gradient
/// at one random instance against central differences of f (NotebookCalc's evaluator only, no symbolic derivation).
/// Writes a markdown table (docs/peers.md). Installs nothing: without SymPy it says so and exits 2.
/// </summary>
public static class Peers
{
    private sealed record Problem(string Id, string Origin, string Expr, string Wrt, string Where, string? Sympy);

    /// <summary>The five source problems (seed 003's softmax has no SymPy matrix-expression counterpart).</summary>
    private static readonly Problem[] Seeds =
    [
        new("seed000 general", "source problem 000", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible; l1, l2: scalar",
            "l1/2*Trace(W*W.T) + l2/2*Trace(W*Inverse(Omega)*W.T)"),
        new("seed001 logdet", "source problem 001", "ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", "log(Determinant(W*W.T + s**2*Identity(n)))"),
        new("seed001 trace", "source problem 001", "tr(Y' (W W' + s^2 I) Y)", "W", "W: n x m; Y: n x k; s: scalar", "Trace(Y.T*(W*W.T + s**2*Identity(n))*Y)"),
        new("seed002 U", "source problem 002", "norm(W .* (A - U V'))^2", "U", "W: n x m; A: n x m; U: n x k; V: m x k",
            "Trace(HadamardProduct(W, A - U*V.T).T*HadamardProduct(W, A - U*V.T))"),
        new("seed003 softmax", "source problem 003", "norm(softmax(w' B) - beta D' Z)^2", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; beta: n x m", null),
        new("seed004 W", "source problem 004", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", "Trace((X*W*Z - X).T*(X*W*Z - X))"),
        new("seed004 Z", "source problem 004", "norm(X W Z - X)^2", "Z", "X: a x b; W: b x c; Z: c x b", "Trace((X*W*Z - X).T*(X*W*Z - X))"),
    ];

    private sealed record Ours(string Status, string Detail, double DifferentialMedianUs, double AllMedianUs);

    public static int Run(string[] args)
    {
        string? Opt(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var root = RepoRoot();
        var reps = int.Parse(Opt("--reps") ?? "7", CultureInfo.InvariantCulture);
        var data = Opt("--data") ?? Path.Combine(root, "tests", "NotebookCalc.Tests", "Data", "sympy-derivatives.json");
        var output = Opt("--out") ?? Path.Combine(root, "docs", "peers.md");
        var python = FindPython(Opt("--python"));
        if (python is null)
        {
            Console.Error.WriteLine($"The peer benchmark needs SymPy: {(Opt("--python") is { } py ? py : "neither /usr/bin/python3 nor `python3`")} cannot `import sympy`.\n" +
                "It installs nothing itself. On Debian/Ubuntu: apt-get install python3-sympy (or pass --python PATH).");
            return 2;
        }

        var problems = Seeds.Concat(ReadConformance(data)).ToList();
        Console.WriteLine($"{problems.Count} problems; SymPy through {python}; {reps} repetitions each");
        var request = new JsonArray();
        var ours = new Dictionary<string, Ours>();
        foreach (var p in problems)
        {
            var (entry, mine) = Prepare(p, reps);
            ours[p.Id] = mine;
            if (entry is not null) request.Add(entry);
            Console.WriteLine($"  NotebookCalc {p.Id}: {mine.Status} ({mine.DifferentialMedianUs:F0} µs differential, {mine.AllMedianUs:F0} µs all + check)");
        }
        var sympy = RunSympy(python, new JsonObject { ["reps"] = Math.Max(3, reps / 2), ["problems"] = request }, root);
        File.WriteAllText(output, Report(problems, ours, sympy, reps, python) + NonScalarSection(data));
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NotebookCalc.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    internal static string? FindPython(string? given)
    {
        // The one given, else Debian's python3-sympy first, then whatever python3 is on the PATH.
        foreach (var candidate in given is not null ? [given] : new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(candidate, ["-c", "import sympy"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                p.WaitForExit(60_000);
                if (p.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return null;
    }

    private static IEnumerable<Problem> ReadConformance(string path)
    {
        if (!File.Exists(path)) yield break;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            yield return new Problem(c.GetProperty("id").GetString()!, c.GetProperty("sympyTest").GetString()!, c.GetProperty("expr").GetString()!,
                c.GetProperty("wrt").GetString()!, c.GetProperty("where").GetString()!,
                c.TryGetProperty("sympy", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null);
    }

    /// <summary>NotebookCalc's status and timings, and the request for SymPy (instance, sizes, reference gradient).</summary>
    private static (JsonObject? Request, Ours Ours) Prepare(Problem p, int reps)
    {
        Expression f;
        Bindings b;
        Matrix<double> reference;
        try
        {
            f = MatCalc.Parse(p.Expr, p.Where);
            if (f.Symbols.All(s => s.Name != p.Wrt))
                throw new MatcalcException(p.Expr, Diagnostic.Error("MC2002", new TextSpan(0, p.Expr.Length), $"{p.Wrt} does not occur in f", null));
            (b, reference) = Instance(f, p.Wrt);
        }
        catch (MatcalcException ex)
        {
            // Nothing to compare against (f does not depend on the variable, or cannot be evaluated): no reference either.
            return (null, new Ours($"refused ({ex.Diagnostics[0].Id})", ex.Diagnostics[0].Message, double.NaN, double.NaN));
        }

        var differential = new GradientOptions { Method = DifferentialMethod.Name, Check = false };
        var all = new GradientOptions { Seed = 1, Dims = b.Sizes }; // the sizes of the instance (see Instance)
        string status, detail = "";
        try
        {
            var g = MatCalc.Gradient(f, p.Wrt, all);
            var symbols = f.Symbols.Concat(g.Gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name);
            var value = Evaluator.Evaluate(g.Gradient, Sampler.Bind(symbols, b.Values, p.Expr), p.Expr);
            status = Close(value, reference) ? "right" : "wrong";
            if (!g.Agree) detail = "methods disagree";
        }
        catch (MatcalcException ex) { status = "error"; detail = ex.Diagnostics[0].Message; }
        catch (UnsupportedConstructException ex) { status = "error"; detail = ex.Message; }

        var d = Median(reps, () => MatCalc.Gradient(f, p.Wrt, differential));
        var a = Median(reps, () => MatCalc.Gradient(f, p.Wrt, all));
        if (p.Sympy is null) return (null, new Ours(status, detail, d, a));

        var request = new JsonObject
        {
            ["id"] = p.Id,
            ["sympy"] = p.Sympy,
            ["wrt"] = p.Wrt,
            ["symbols"] = new JsonArray(f.Symbols.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name, ["rows"] = DimJson(s.Shape.Rows), ["cols"] = DimJson(s.Shape.Cols), ["scalar"] = s.Shape.IsScalar,
            }).ToArray()),
            ["sizes"] = new JsonObject(b.Sizes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["values"] = new JsonObject(f.Symbols.Select(s => KeyValuePair.Create(s.Name, s.Shape.IsScalar ? (JsonNode?)b[s.Name][0, 0] : Rows(b[s.Name])))),
            ["reference"] = Rows(reference),
        };
        return (request, new Ours(status, detail, d, a));
    }

    private static JsonNode DimJson(Dim d) => d is ConstDim c ? c.Value : d.ToString()!;

    private static JsonArray Rows(Matrix<double> m) =>
        new(m.ToRowArrays().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray());

    /// <summary>
    /// A random instance (seed 1, redrawn when f is undefined there) and ∂f/∂X there by central differences. The sampler
    /// gives the dimensions growing sizes in order of appearance; when f is undefined for every draw (X'CX with X n×k is
    /// singular when k > n), the sizes are tried in the reverse order.
    /// </summary>
    private static (Bindings, Matrix<double>) Instance(Expression f, string wrt)
    {
        MatcalcException? last = null;
        var names = f.Symbols.SelectMany(s => s.Shape.Rows.Names().Concat(s.Shape.Cols.Names())).Distinct().ToList();
        var reversed = names.Select((n, i) => KeyValuePair.Create(n, names.Count + 2 - i)).ToDictionary();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var b = f.Sample(1 + 1000 * (attempt % 5), attempt < 5 ? null : reversed);
            // SymPy's tests use k both as a dimension and as a scalar (one SymPy symbol): give the scalar the size's value.
            foreach (var s in f.Symbols.Where(s => s.Shape.IsScalar && b.Sizes.ContainsKey(s.Name)))
                b.Set(s.Name, Matrix<double>.Build.Dense(1, 1, b.Sizes[s.Name]));
            try
            {
                return (b, ChartData.FiniteDifferenceGradient(f, wrt, b));
            }
            catch (MatcalcException ex) { last = ex; }
        }
        throw last!;
    }

    private static bool Close(Matrix<double> a, Matrix<double> b) =>
        a.RowCount == b.RowCount && a.ColumnCount == b.ColumnCount &&
        (a - b).FrobeniusNorm() / Math.Max(1e-12, Math.Max(a.FrobeniusNorm(), b.FrobeniusNorm())) <= 1e-6;

    /// <summary>Median wall time in microseconds over <paramref name="reps"/> runs, after three warm-up runs.</summary>
    private static double Median(int reps, Func<object> run)
    {
        for (var i = 0; i < 3; i++) run();
        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalMicroseconds);
        }
        return MedianOf(times);
    }

    private static double MedianOf(IReadOnlyList<double> xs)
    {
        var s = xs.Where(x => !double.IsNaN(x)).Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static JsonObject RunSympy(string python, JsonObject request, string root)
    {
        var script = Path.Combine(root, "bench", "peers", "sympy_peer.py");
        var psi = new ProcessStartInfo(python, [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(request.ToJsonString());
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {stderr.Result}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    private static string Report(IReadOnlyList<Problem> problems, IReadOnlyDictionary<string, Ours> ours, JsonObject sympy, int reps, string python)
    {
        var theirs = sympy["results"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!.AsObject());
        string F(double v) => double.IsNaN(v) ? "—" : v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine("# NotebookCalc and SymPy, side by side");
        sb.AppendLine();
        sb.AppendLine("Regenerate with `dotnet cake --target=Peers` (or `dotnet run -c Release --project bench/NotebookCalc.Bench -- peers " +
                      "[--reps N] [--python PATH]`); it needs Debian's `python3-sympy` and installs nothing.");
        sb.AppendLine();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
                      $".NET {Environment.Version}, SymPy {sympy["sympy"]} on Python {sympy["python"]} ({python}). NotebookCalc: median of {reps} runs after 3 warm-up runs, in-process; " +
                      $"SymPy: median of {Math.Max(3, reps / 2)} runs of `f.diff(X)` after one warm-up (SymPy caches, so these are warm times).");
        sb.AppendLine();
        sb.AppendLine("Status is judged the same way for both: the gradient at one random instance (drawn by NotebookCalc, the same for both) " +
                      "against central differences of f (relative error ≤ 1e-6) — *right*, *wrong* (the detail says when it is the transpose, " +
                      "i.e. another layout), *zero*, *unevaluated*, *error*; *refused* is NotebookCalc declining with a diagnostic (the variable " +
                      "does not occur in f); *n/a*: SymPy has no matrix expression for the function (softmax).");
        sb.AppendLine();
        sb.AppendLine("| problem | from | SymPy | SymPy median (ms) | NotebookCalc | differential (µs) | all three + check (µs) | SymPy ÷ differential | SymPy ÷ all |");
        sb.AppendLine("|---|---|---|---:|---|---:|---:|---:|---:|");
        var ratiosD = new List<double>();
        var ratiosA = new List<double>();
        foreach (var p in problems)
        {
            var o = ours[p.Id];
            theirs.TryGetValue(p.Id, out var t);
            var status = p.Sympy is null ? "n/a" : t is null ? "—" : t["status"]!.GetValue<string>();
            var detail = t?["detail"]?.GetValue<string>() is { Length: > 0 } d ? $" ({d})" : "";
            var sympyMs = t?["median_ms"] is JsonValue v ? v.GetValue<double>() : double.NaN;
            var rd = sympyMs * 1000 / o.DifferentialMedianUs;
            var ra = sympyMs * 1000 / o.AllMedianUs;
            // The summary's ratios compare like with like: problems both answer right.
            if (!double.IsNaN(rd) && status == "right" && o.Status == "right") { ratiosD.Add(rd); ratiosA.Add(ra); }
            sb.AppendLine($"| {p.Id} | {p.Origin} | {status}{Esc(detail)} | {F(sympyMs)} | {o.Status}{(o.Detail.Length > 0 && o.Status != "right" ? $" ({Esc(o.Detail)})" : "")} | " +
                          $"{F(o.DifferentialMedianUs)} | {F(o.AllMedianUs)} | {Ratio(rd)} | {Ratio(ra)} |");
        }
        var judged = problems.Where(p => p.Sympy is not null && theirs.ContainsKey(p.Id)).ToList();
        var sympyRight = judged.Count(p => theirs[p.Id]["status"]!.GetValue<string>() == "right");
        var oursJudged = problems.Where(p => !ours[p.Id].Status.StartsWith("refused", StringComparison.Ordinal)).ToList();
        var oursRight = oursJudged.Count(p => ours[p.Id].Status == "right");
        sb.AppendLine();
        sb.AppendLine("## Summary");
        sb.AppendLine();
        sb.AppendLine($"- SymPy right on {sympyRight} of {judged.Count} problems it could be given " +
                      $"({string.Join(", ", judged.GroupBy(p => theirs[p.Id]["status"]!.GetValue<string>()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}"))}).");
        sb.AppendLine($"- NotebookCalc right on {oursRight} of {oursJudged.Count} problems that have a gradient " +
                      $"({problems.Count - oursJudged.Count} refused with a diagnostic: " +
                      string.Join("; ", problems.Where(p => !oursJudged.Contains(p)).Select(p => $"{p.Id} {ours[p.Id].Status}")) + ").");
        sb.AppendLine($"- Over the {ratiosD.Count} problems both answer right: median ratio SymPy `.diff` ÷ NotebookCalc's differential derivation " +
                      $"{MedianOf(ratiosD):F0}× (target ≥ 10×; {ratiosD.Count(r => r >= 10)} of {ratiosD.Count} at least 10×, smallest {(ratiosD.Count > 0 ? ratiosD.Min() : double.NaN):F1}×); " +
                      $"SymPy ÷ all three methods plus the numerical check {MedianOf(ratiosA):F1}× (target > 1×; {ratiosA.Count(r => r > 1)} of {ratiosA.Count} faster, " +
                      $"smallest {(ratiosA.Count > 0 ? ratiosA.Min() : double.NaN):F2}×).");
        return sb.ToString();
    }

    /// <summary>
    /// The non-scalar cases of SymPy's test file (the data's nonScalar list, judged by SympyNonScalarTests): a tally and what
    /// they say about SymPy's layout, from the recorded fields. No timing: these are conformance, not speed.
    /// </summary>
    internal static string NonScalarSection(string dataPath)
    {
        var cases = JsonNode.Parse(File.ReadAllText(dataPath))!["nonScalar"]!.AsArray().Select(c => c!.AsObject()).ToList();
        string S(JsonObject c, string key) => c[key]?.GetValue<string>() ?? "";
        var derived = cases.Where(c => S(c, "notebookCalcJacobian") == "right").ToList();
        var refused = cases.Where(c => S(c, "notebookCalcJacobian").StartsWith("MC", StringComparison.Ordinal)).ToList();
        var inexpressible = cases.Where(c => S(c, "notebookCalcJacobian") == "inexpressible").ToList();
        string ByKind(IEnumerable<JsonObject> xs) =>
            string.Join(", ", xs.GroupBy(c => S(c, "kind")).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        var telling = cases.Where(c => S(c, "layout") is "numerator" or "denominator").ToList();
        var wrong = cases.Where(c => S(c, "sympyRelation") == "wrong").Select(c => S(c, "id")).ToList();
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("## Non-scalar cases");
        sb.AppendLine();
        sb.AppendLine($"SymPy's file also has {cases.Count} derivatives of matrix- or vector-valued functions (tests/NotebookCalc.Tests/Data/sympy-derivatives.json, " +
                      "`nonScalar`; judged by `SympyNonScalarTests`). NotebookCalc derives " +
                      $"{derived.Count} of them as Jacobians ({ByKind(derived)}), each checked numerically, and judges SymPy's value as a claimed map " +
                      $"H ↦ DF(X)[H] with `CheckJacobian`; {refused.Count} are refused with a diagnostic because the variable does not occur in F " +
                      $"(SymPy answers a zero matrix there, or leaves X by A unevaluated); {inexpressible.Count} are component forms with symbolic " +
                      "indices (∂x_i/∂x_m = δ_mi and the like), which matcalc cannot write; the form SymPy uses gets a diagnostic, and the matrix form " +
                      "of each is a case of its own.");
        sb.AppendLine();
        sb.AppendLine($"Layout: most of SymPy's Jacobians here are symmetric (I, 2μI, diagonal matrices, x'x I + 2xx', the identity and commutation " +
                      $"tensors), so either reading is right. The {telling.Count} values that tell the layouts apart ({string.Join(", ", telling.Select(c => S(c, "id")))}) " +
                      $"are all in {string.Join("/", telling.Select(c => S(c, "layout")).Distinct())} layout: SymPy puts the variable's index first " +
                      "(its fourth-order arrays are D[m,n,i,j] = ∂F_ij/∂X_mn; A exp(x) by x gives diag(exp(x)) A', the transpose of the numerator " +
                      "Jacobian A diag(exp(x))), consistent with its gradients having the shape of the variable. NotebookCalc's vec Jacobian is " +
                      "numerator layout, so those values are recorded as `transposed`.");
        sb.AppendLine();
        sb.AppendLine(wrong.Count == 0
            ? "No stated value is wrong once read in SymPy's layout. Two comments in the file are out of date for 1.11.1: A exp(x) by x " +
              "already returns the value its commented assertion expects, and a' sin(A X b) b' by X, marked not implemented, returns a " +
              "tensor product with right entries whose output axes are k×1 where F is 1×k."
            : $"Stated values found wrong: {string.Join(", ", wrong)}.");
        return sb.ToString();
    }

    private static string Ratio(double r) => double.IsNaN(r) ? "—" : r >= 10 ? $"{r:F0}×" : $"{r:F2}×";

    private static string Esc(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
