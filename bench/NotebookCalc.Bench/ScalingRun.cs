using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

/// <summary>
/// `scaling [--artifacts DIR] [--filter TEXT]`: the four Series* benchmarks with BenchmarkDotNet, in-process (no generated
/// project to build per benchmark: on a 2-core machine that build costs more than the measurements), a short job, and the
/// brief JSON exporter; then the Scaling section of docs/performance.md from those results.
/// </summary>
public static class ScalingRun
{
    private static readonly Type[] Types = [typeof(SeriesSize), typeof(SeriesPower), typeof(SeriesFactors), typeof(SeriesCheckSize)];

    public static string Results(string[] args)
    {
        var i = Array.IndexOf(args, "--artifacts");
        var artifacts = i >= 0 && i + 1 < args.Length ? args[i + 1] : Path.Combine(PerformanceReport.RepoRoot(), "artifacts", "bench");
        return Path.Combine(artifacts, "results");
    }

    public static int Run(string[] args)
    {
        var results = Results(args);
        var f = Array.IndexOf(args, "--filter") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var load = PerformanceReport.Load();
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200)).WithId("scaling");
        var config = ManualConfig.CreateEmpty().AddJob(job).AddDiagnoser(MemoryDiagnoser.Default).AddExporter(JsonExporter.Brief)
            .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray()).AddLogger(DefaultConfig.Instance.GetLoggers().ToArray())
            .WithArtifactsPath(Directory.GetParent(results)!.FullName).WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
        foreach (var t in Types.Where(t => f is null || t.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            BenchmarkRunner.Run(t, config.WithOptions(ConfigOptions.DisableOptimizationsValidator));
        return PerformanceReport.Scaling(PerformanceReport.RepoRoot(), results, load);
    }

    /// <summary>Every point once (after one warm-up call), with what it does: a smoke test of the series before a long run.</summary>
    public static int Probe()
    {
        foreach (var t in Types)
        {
            var method = t.GetMethods().Single(m => m.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false).Length > 0);
            var ps = t.GetProperties().Where(p => p.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.ParamsAttribute), false).Length > 0).ToList();
            IEnumerable<object?[]> combos = [[]];
            foreach (var p in ps)
            {
                var values = ((BenchmarkDotNet.Attributes.ParamsAttribute)p.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.ParamsAttribute), false)[0]).Values;
                combos = combos.SelectMany(c => values.Select(v => c.Append(v).ToArray()));
            }
            foreach (var combo in combos)
            {
                var o = Activator.CreateInstance(t)!;
                for (var k = 0; k < ps.Count; k++) ps[k].SetValue(o, combo[k]);
                var label = $"{t.Name}({string.Join(", ", ps.Select((p, k) => $"{p.Name}={combo[k]}"))})";
                try
                {
                    t.GetMethod("Setup")!.Invoke(o, null);
                    method.Invoke(o, null);
                    var sw = Stopwatch.StartNew();
                    var r = method.Invoke(o, null);
                    Console.WriteLine($"{label}: {sw.Elapsed.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture)} ms  {Describe(r)}");
                }
                catch (System.Reflection.TargetInvocationException ex)
                {
                    Console.WriteLine($"{label}: {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}");
                }
            }
        }
        return 0;
    }

    private static string Describe(object? r) => r switch
    {
        NotebookCalc.GradientResult g => $"agree={g.Agree} check={(g.Check is { } c ? c.Skipped ? "skipped" : c.Passed ? "passed" : "FAILED" : "none")} gradient {g.Gradient.Size} nodes",
        NotebookCalc.CheckReport c => c.Skipped ? "skipped" : c.Passed ? $"passed ({c.Directions} directions, entrywise={c.Entrywise})" : "FAILED",
        _ => r?.GetType().Name ?? "null",
    };
}
