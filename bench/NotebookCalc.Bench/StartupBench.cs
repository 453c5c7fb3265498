using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookCalc;
using NotebookCalc.Rendering;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

/// <summary>
/// `startup`: times matcalc as whole processes (what a person at a terminal waits for): one warm-up run, then N runs of each
/// command, median / min / max wall time; beside it a cold python3 process that imports SymPy and differentiates the same
/// function, when SymPy is installed (Debian: python3-sympy). Then `grade` on generated submissions (throughput).
/// Writes the Start-up and Throughput sections of docs/performance.md.
/// Usage: startup --cli LABEL=PATH [--cli LABEL=PATH…] [--runs 7] [--students 200] [--python PATH]
/// (PATH: matcalc.dll, run with `dotnet`, or an executable such as an installed tool's `matcalc`).
/// </summary>
public static class StartupBench
{
    private const string Function = "norm(X W Z - X)^2";
    private const string Where = "X: a x b; W: b x c; Z: c x b";

    private const string SympyScript = """
        from sympy import MatrixSymbol, Symbol, Trace
        a, b, c = (Symbol(n, integer=True, positive=True) for n in "abc")
        X, W, Z = MatrixSymbol("X", a, b), MatrixSymbol("W", b, c), MatrixSymbol("Z", c, b)
        print(Trace((X*W*Z - X).T*(X*W*Z - X)).diff(W))
        """;

    private sealed record Timing(string Tool, string Command, string Line, double MedianMs, double MinMs, double MaxMs, int Exit, int Runs);

    public static int Run(string[] args)
    {
        var root = PerformanceReport.RepoRoot();
        var clis = new List<(string Label, string Path)>();
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == "--cli" && args[i + 1].Split('=', 2) is [var label, var path]) clis.Add((label, Path.GetFullPath(path)));
        string? Opt(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var runs = int.Parse(Opt("--runs") ?? "7", CultureInfo.InvariantCulture);
        var students = int.Parse(Opt("--students") ?? "200", CultureInfo.InvariantCulture);
        if (clis.Count == 0)
        {
            Console.Error.WriteLine("usage: startup --cli LABEL=PATH [--cli LABEL=PATH…] [--runs 7] [--students 200] [--python PATH]");
            return 2;
        }
        var missing = clis.Where(c => !File.Exists(c.Path)).ToList();
        foreach (var m in missing) Console.Error.WriteLine($"{m.Label}: {m.Path} does not exist; skipped.");
        clis = clis.Except(missing).ToList();

        var work = Directory.CreateTempSubdirectory("matcalc-startup-");
        var values = Path.Combine(work.FullName, "values.json");
        File.WriteAllText(values, """{"A": [[1,2],[3,4]], "B": [[0,1],[1,0]]}""");
        var commands = new (string Name, string[] Args)[]
        {
            ("--version (the floor: runtime start, no work)", ["--version"]),
            ("show", ["show", "tr(X)", "--where", "X: n x n"]),
            ("eval", ["eval", "tr(A B)", "--at", values]),
            ("gradient", ["gradient", Function, "--wrt", "W", "--where", Where]),
            ("check", ["check", Function, "--wrt", "W", "--claim", "2 X' (X W Z - X) Z'", "--where", Where]),
            ("grade", ["grade", Path.Combine("curriculum", "01-notation-and-frobenius", "solutions.ipynb"), "--key", Path.Combine("curriculum", "01-notation-and-frobenius", "key.json")]),
        };

        var load = PerformanceReport.Load();
        var timings = new List<Timing>();
        foreach (var (label, path) in clis)
            foreach (var (name, cargs) in commands)
            {
                var (file, full) = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", new[] { path }.Concat(cargs).ToArray()) : (path, cargs);
                var t = Time(file, full, runs);
                timings.Add(new Timing(label, name, "matcalc " + string.Join(" ", cargs.Select(Quote)).Replace(work.FullName, "…"), t.Median, t.Min, t.Max, t.Exit, runs));
                Console.WriteLine($"  {label} {name}: median {t.Median:F0} ms (min {t.Min:F0}, max {t.Max:F0}), exit {t.Exit}");
            }
        var python = Peers.FindPython(Opt("--python"));
        string? sympyVersion = null;
        if (python is not null)
        {
            sympyVersion = Capture(python, ["-c", "import sympy; print(sympy.__version__)"]).Trim();
            var t = Time(python, ["-c", SympyScript], runs);
            timings.Add(new Timing($"Python + SymPy {sympyVersion}", "gradient", $"{python} -c (import sympy; Trace((X*W*Z - X).T*(X*W*Z - X)).diff(W))",
                t.Median, t.Min, t.Max, t.Exit, runs));
            Console.WriteLine($"  SymPy gradient: median {t.Median:F0} ms (min {t.Min:F0}, max {t.Max:F0})");
        }
        else Console.WriteLine("  python3 with SymPy not found (Debian: apt-get install python3-sympy): no SymPy row.");
        var loadAfter = PerformanceReport.Load();

        var sb = new StringBuilder();
        sb.AppendLine("## Start-up");
        sb.AppendLine();
        sb.AppendLine($"Whole processes, wall time from start to exit, one warm-up run then {runs} runs each (median, min, max); " +
            $"measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, load average before / after: {load} / {loadAfter}. " +
            $"The function is {Function} with {Where}; the grade command grades the course's unit 1 solutions (5 exercises). " +
            "Target: every command except render under 120 ms, at least 6× faster than the cold SymPy process.");
        sb.AppendLine();
        var sympy = timings.FirstOrDefault(t => t.Tool.StartsWith("Python", StringComparison.Ordinal));
        sb.AppendLine("| tool | command | median ms | min ms | max ms | exit | under 120 ms | SymPy ÷ this |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var t in timings)
            sb.AppendLine($"| {t.Tool} | {t.Command} | {t.MedianMs:F0} | {t.MinMs:F0} | {t.MaxMs:F0} | {t.Exit} | {(t.MedianMs < 120 ? "yes" : "no")} | " +
                $"{(sympy is null || t == sympy ? "" : (sympy.MedianMs / t.MedianMs).ToString("F1", CultureInfo.InvariantCulture) + "×")} |");
        sb.AppendLine();
        sb.AppendLine("How matcalc starts: on linux-x64 `dotnet tool install NotebookCalc.Cli` installs NotebookCalc.Cli.linux-x64, whose " +
            "command is a Native AOT front end (src/NotebookCalc.Cli.Native: the same command-line code compiled ahead of time, no runtime " +
            "start-up and no JIT); it hands `render` (Roslyn scripting needs the JIT) and `.dib` notebooks to the JIT-compiled matcalc.dll " +
            "shipped beside it, and the Pack target checks that both print the same bytes for every command. Elsewhere the portable " +
            "NotebookCalc.Cli.any is installed: matcalc.dll with ReadyToRun images of matcalc, NotebookCalc.Core, System.CommandLine and " +
            "MathNet.Numerics, as the build output row shows; what it spends above `--version` is the JIT of generic instantiations over " +
            "value types that ReadyToRun cannot precompile outside the framework's version bubble (about 500 methods for `gradient`) " +
            "and, for check and gradient, MathNet.Numerics. Commands other than render load none of Roslyn, Markdig, Plotly.NET or " +
            "FSharp.Core (StartupAssemblyTests).");
        sb.AppendLine();
        sb.AppendLine("Tools: " + string.Join("; ", clis.Select(c => $"{c.Label} = `{Path.GetRelativePath(root, c.Path)}`")) + ".");
        sb.AppendLine();
        sb.AppendLine("Commands:");
        sb.AppendLine();
        foreach (var t in timings.DistinctBy(t => t.Command + (t.Tool.StartsWith("Python", StringComparison.Ordinal) ? "py" : "")))
            sb.AppendLine($"- {t.Command}: `{t.Line}`");
        PerformanceReport.WriteSection(root, "startup", sb.ToString());

        if (students > 0 && clis.Count > 0)
        {
            // What an instructor runs: the installed tool when it was measured, else the build output.
            var (label, path) = clis[^1];
            PerformanceReport.WriteSection(root, "throughput", Throughput(label, path, students, work.FullName, root));
        }
        Console.WriteLine($"wrote {PerformanceReport.DocPath(root)}");
        work.Delete(recursive: true);
        return 0;
    }

    /// <summary>`matcalc grade` on generated submissions: ten exercises of the course, each student right on some, wrong on others.</summary>
    private static string Throughput(string label, string cli, int students, string work, string root)
    {
        var key = Directory.GetDirectories(Path.Combine(root, "curriculum")).Order(StringComparer.Ordinal)
            .SelectMany(d => File.Exists(Path.Combine(d, "key.json"))
                ? JsonNode.Parse(File.ReadAllText(Path.Combine(d, "key.json")))!["exercises"]!.AsArray().Select(e => e!.AsObject())
                : [])
            .Where((_, i) => i % 5 == 0).Take(10).Select(e => e.DeepClone().AsObject()).ToList();
        var keyPath = Path.Combine(work, "key.json");
        File.WriteAllText(keyPath, new JsonObject { ["exercises"] = new JsonArray(key.Select(e => (JsonNode)e).ToArray()) }.ToJsonString());
        var answers = key.Select(e =>
        {
            var f = MatCalc.Parse((string)e["function"]!, (string?)e["where"]);
            var right = TextPrinter.Print(MatCalc.Gradient(f, (string)e["wrt"]!, new GradientOptions { Check = false }).Gradient);
            return (Id: (string)e["id"]!, Function: (string)e["function"]!, Wrt: (string)e["wrt"]!, Where: (string?)e["where"], Right: right,
                Wrong: (string?)e["start"] ?? "0");
        }).ToList();
        var dir = Directory.CreateDirectory(Path.Combine(work, "submissions")).FullName;
        for (var s = 0; s < students; s++)
        {
            var cells = new JsonArray();
            for (var j = 0; j < answers.Count; j++)
            {
                var a = answers[j];
                if ((s + j) % 7 == 6) continue; // a missing answer now and then
                // Right as derived, right but written differently (a different text for every student), the sheet's first
                // guess, or wrong in a way of the student's own: most answers are distinct texts that need their own check.
                var claim = ((s * 31 + j) % 4) switch
                {
                    0 => a.Right,
                    1 => $"({s + 2} ({a.Right})) / {s + 2}",
                    2 => (s + j) % 2 == 0 ? a.Wrong : $"{s + 2} ({a.Right})",
                    _ => $"({a.Right}) + {s % 5 + 1}/{s + 3} ({a.Right})", // wrong: a multiple
                };
                var source = $"// exercise: {a.Id}\n#!matcalc check \"{a.Function}\" --wrt {a.Wrt} --claim \"{claim}\"" + (a.Where is null ? "" : $" --where \"{a.Where}\"");
                cells.Add(new JsonObject
                {
                    ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["execution_count"] = null,
                    ["source"] = new JsonArray(Lines(source)),
                });
            }
            var nb = new JsonObject
            {
                ["cells"] = cells, ["metadata"] = new JsonObject { ["matcalc"] = new JsonObject { ["student"] = $"student{s:D3}" } },
                ["nbformat"] = 4, ["nbformat_minor"] = 5,
            };
            File.WriteAllText(Path.Combine(dir, $"student{s:D3}.ipynb"), nb.ToJsonString());
        }
        var load = PerformanceReport.Load();
        var args = new[] { "grade", Path.Combine(dir, "*.ipynb"), "--key", keyPath, "--format", "csv" };
        var (file, full) = cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", new[] { cli }.Concat(args).ToArray()) : (cli, args);
        var distinct = Directory.GetFiles(dir).SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["cells"]!.AsArray())
            .Select(c => string.Concat(c!["source"]!.AsArray().Select(l => (string?)l))).Distinct().Count();
        var t = Time(file, full, 3, warmup: false);
        Console.WriteLine($"  grade {students}×{answers.Count}: median {t.Median / 1000:F1} s (min {t.Min / 1000:F1}, max {t.Max / 1000:F1}), exit {t.Exit}");
        var sb = new StringBuilder();
        sb.AppendLine("## Throughput");
        sb.AppendLine();
        sb.AppendLine($"`matcalc grade` ({label}) on {students} generated submissions × {answers.Count} exercises of the course (each answer right as derived, " +
            $"right but written differently, the sheet's first guess, wrong, or missing; {distinct} distinct answers), one process, 3 runs: " +
            $"median {t.Median / 1000:F1} s, min {t.Min / 1000:F1} s, max {t.Max / 1000:F1} s (exit {t.Exit}); " +
            $"load average before / after: {load} / {PerformanceReport.Load()}. Target: under 10 s.");
        sb.AppendLine();
        sb.AppendLine("Exercises: " + string.Join(", ", answers.Select(a => a.Id)) + ".");

        // render: the site's notebooks (as the Site target: the worked notebooks, every unit's lesson and exercise sheet).
        var notebooks = Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
            .Concat(Directory.GetDirectories(Path.Combine(root, "curriculum")).Order(StringComparer.Ordinal)
                .SelectMany(d => new[] { Path.Combine(d, "lesson.ipynb"), Path.Combine(d, "exercises.ipynb") }).Where(File.Exists)).ToList();
        var site = Path.Combine(work, "site");
        var renderArgs = new[] { "render" }.Concat(notebooks).Concat(["--out", site]).ToArray();
        var (rfile, rfull) = cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", new[] { cli }.Concat(renderArgs).ToArray()) : (cli, renderArgs);
        var loadRender = PerformanceReport.Load();
        var r = Time(rfile, rfull, 3, warmup: false);
        Console.WriteLine($"  render {notebooks.Count} notebooks: median {r.Median / 1000:F1} s (min {r.Min / 1000:F1}, max {r.Max / 1000:F1}), exit {r.Exit}");
        sb.AppendLine();
        sb.AppendLine($"`matcalc render` ({label}) of the {notebooks.Count} notebooks of the site (notebooks/*.ipynb and every unit's lesson and exercise " +
            $"sheet, every cell executed), one process, 3 runs: median {r.Median / 1000:F1} s, min {r.Min / 1000:F1} s, max {r.Max / 1000:F1} s (exit {r.Exit}); " +
            $"load average before / after: {loadRender} / {PerformanceReport.Load()}. Target: under 10 s.");
        return sb.ToString();
    }

    private static JsonNode[] Lines(string source)
    {
        var lines = source.Split('\n');
        return lines.Select((l, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? l + "\n" : l)).ToArray();
    }

    private static string Quote(string a) => a.Contains(' ') || a.Contains('\'') || a.Contains('(') ? $"\"{a}\"" : a;

    private static (double Median, double Min, double Max, int Exit) Time(string file, string[] args, int runs, bool warmup = true)
    {
        var exit = 0;
        if (warmup) exit = RunOnce(file, args).Exit;
        var ms = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var (elapsed, e) = RunOnce(file, args);
            ms.Add(elapsed);
            exit = Math.Max(exit, e);
        }
        ms.Sort();
        var median = ms.Count % 2 == 1 ? ms[ms.Count / 2] : (ms[ms.Count / 2 - 1] + ms[ms.Count / 2]) / 2;
        return (median, ms[0], ms[^1], exit);
    }

    private static (double Ms, int Exit) RunOnce(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = PerformanceReport.RepoRoot() };
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        sw.Stop();
        _ = o.Result + e.Result;
        return (sw.Elapsed.TotalMilliseconds, p.ExitCode);
    }

    private static string Capture(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return o;
    }
}
