using System.Diagnostics;
using System.Globalization;
using System.Text;
using NotebookCalc.HostTests;

/// <summary>
/// `extension`: the notebook package in the real kernel (`dotnet-interactive stdio`, the tool pinned in
/// .config/dotnet-tools.json), as a person opening a notebook waits for it. Each run starts a kernel, runs a first C# cell
/// (the kernel's own start), adds the folder feed, then times the `#r "nuget: NotebookCalc"` cell and the first
/// `#!matcalc gradient` after it: fresh (an empty NuGet package folder, so the restore downloads from the feed) and warm
/// (a second kernel on the now filled folder). Writes the Extension load section of docs/performance.md.
/// Several feeds (LABEL=DIR: packages built differently) are measured in turns, side by side in one table.
/// Usage: extension --feed LABEL=DIR [--feed LABEL=DIR…] [--version 0.1.0] [--runs 3]
/// </summary>
public static class ExtensionBench
{
    private sealed record Timing(double Kernel, double Load, double Gradient);

    public static int Run(string[] args)
    {
        string? Opt(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var feeds = new List<(string Label, string Dir)>();
        for (var i = 0; i + 1 < args.Length; i++)
            if (args[i] == "--feed" && args[i + 1].Split('=', 2) is [var label, var dir] && Directory.Exists(dir)) feeds.Add((label, Path.GetFullPath(dir)));
        if (feeds.Count == 0)
        {
            Console.Error.WriteLine("usage: extension --feed LABEL=DIR [--feed LABEL=DIR…] [--version 0.1.0] [--runs 3] (DIR: a folder with NotebookCalc and NotebookCalc.Core packages)");
            return 2;
        }
        var version = Opt("--version") ?? "0.1.0";
        var runs = int.Parse(Opt("--runs") ?? "3", CultureInfo.InvariantCulture);
        var root = PerformanceReport.RepoRoot();
        var loadBefore = PerformanceReport.Load();
        var fresh = feeds.ToDictionary(f => f.Label, _ => new List<Timing>());
        var warm = feeds.ToDictionary(f => f.Label, _ => new List<Timing>());
        // The feeds take turns run by run, so a change in the machine's load touches each alike.
        for (var r = 0; r < runs; r++)
            foreach (var (label, feed) in feeds)
            {
                var packages = Directory.CreateTempSubdirectory("matcalc-ext-nuget-").FullName;
                try
                {
                    fresh[label].Add(Once(root, packages, feed, version));
                    warm[label].Add(Once(root, packages, feed, version));
                    Console.WriteLine($"  {label}, run {r + 1}: fresh {fresh[label][^1]}, warm {warm[label][^1]}");
                }
                finally { try { Directory.Delete(packages, recursive: true); } catch (IOException) { } }
            }
        var loadAfter = PerformanceReport.Load();

        var sb = new StringBuilder();
        sb.AppendLine("## Extension load");
        sb.AppendLine();
        sb.AppendLine($"The notebook package in the real kernel (dotnet-interactive stdio, the tool pinned in .config/dotnet-tools.json), {runs} runs " +
            $"(median, min, max); measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, load average before / after: " +
            $"{loadBefore} / {loadAfter}; the packages measured take turns run by run. Each run starts a kernel and runs a first C# cell (`1 + 1`: the kernel's own start-up), adds the " +
            "folder feed with the freshly packed NotebookCalc, then times `#r \"nuget: NotebookCalc, " + version + "\"` and the first " +
            "`#!matcalc gradient \"ln det(W W' + s^2 I)\" --wrt W --where \"W: n x m; s: scalar\"` after it. Fresh: an empty NuGet package " +
            "folder (the restore copies the packages from the feed); warm: a second kernel on the same folder. Target: `#r` plus the first " +
            "gradient under 2 s beyond the restore (the warm row).");
        sb.AppendLine();
        sb.AppendLine("| package | NuGet folder | kernel start and first C# cell s | `#r` s | first `#!matcalc gradient` s | `#r` + gradient s | under 2 s |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var (feedLabel, _) in feeds)
            foreach (var (label, list) in new[] { ("fresh", fresh[feedLabel]), ("warm", warm[feedLabel]) })
            {
                var total = Stats(list.Select(x => x.Load + x.Gradient));
                sb.AppendLine($"| {feedLabel} | {label} | {Stats(list.Select(x => x.Kernel))} | {Stats(list.Select(x => x.Load))} | {Stats(list.Select(x => x.Gradient))} | {total} | " +
                    $"{(label == "warm" ? (Median(list.Select(x => x.Load + x.Gradient)) < 2 ? "yes" : "no") : "")} |");
            }
        sb.AppendLine();
        sb.AppendLine("Each cell is median (min–max).");
        PerformanceReport.WriteSection(root, "extension", sb.ToString());
        Console.WriteLine($"wrote {PerformanceReport.DocPath(root)}");
        return 0;
    }

    private static Timing Once(string root, string packages, string feed, string version)
    {
        var watch = Stopwatch.StartNew();
        using var kernel = new KernelProcess(root, packages);
        var first = kernel.Submit("1 + 1", TimeSpan.FromMinutes(4));
        var kernelSeconds = watch.Elapsed.TotalSeconds;
        if (!first.Succeeded) throw new InvalidOperationException(first.Describe());
        var add = kernel.Submit($"#i \"nuget: {feed}\"");
        if (!add.Succeeded) throw new InvalidOperationException(add.Describe());
        var load = kernel.Submit($"#r \"nuget: NotebookCalc, {version}\"", TimeSpan.FromMinutes(8));
        if (!load.Succeeded) throw new InvalidOperationException(load.Describe());
        var gradient = kernel.Submit("#!matcalc gradient \"ln det(W W' + s^2 I)\" --wrt W --where \"W: n x m; s: scalar\"");
        if (!gradient.Succeeded || !gradient.DirectiveOutputs.Any(o => o.Values.GetValueOrDefault("text/plain", "").Contains("∂f/∂W", StringComparison.Ordinal)))
            throw new InvalidOperationException("the first #!matcalc gradient did not show a gradient:\n" + gradient.Describe());
        // What the load and the first gradient brought into the kernel (printed, not timed): charts must wait for a chart.
        var loaded = kernel.Submit("""
            string.Join(" ", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name)
                .Where(n => n is not null && (n.StartsWith("NotebookCalc") || n.StartsWith("MathNet") || n.StartsWith("Plotly") || n.StartsWith("XPlot") || n.StartsWith("Giraffe") || n.StartsWith("DynamicObj")))
                .Order())
            """);
        Console.WriteLine("    loaded: " + string.Join(" ", loaded.CodeOutputs.Select(o => o.Values.GetValueOrDefault("text/plain", ""))));
        return new Timing(kernelSeconds, load.Elapsed.TotalSeconds, gradient.Elapsed.TotalSeconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Stats(IEnumerable<double> values)
    {
        var v = values.ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(v):F2} ({v.Min():F2}–{v.Max():F2})");
    }
}
