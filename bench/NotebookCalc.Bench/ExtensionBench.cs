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
/// Usage: extension --feed DIR [--version 0.1.0] [--runs 3]
/// </summary>
public static class ExtensionBench
{
    private sealed record Timing(double Kernel, double Load, double Gradient);

    public static int Run(string[] args)
    {
        string? Opt(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var feed = Opt("--feed");
        if (feed is null || !Directory.Exists(feed))
        {
            Console.Error.WriteLine("usage: extension --feed DIR [--version 0.1.0] [--runs 3] (DIR: a folder with NotebookCalc and NotebookCalc.Core packages)");
            return 2;
        }
        feed = Path.GetFullPath(feed);
        var version = Opt("--version") ?? "0.1.0";
        var runs = int.Parse(Opt("--runs") ?? "3", CultureInfo.InvariantCulture);
        var root = PerformanceReport.RepoRoot();
        var loadBefore = PerformanceReport.Load();
        var fresh = new List<Timing>();
        var warm = new List<Timing>();
        for (var r = 0; r < runs; r++)
        {
            var packages = Directory.CreateTempSubdirectory("matcalc-ext-nuget-").FullName;
            try
            {
                fresh.Add(Once(root, packages, feed, version));
                warm.Add(Once(root, packages, feed, version));
                Console.WriteLine($"  run {r + 1}: fresh {fresh[^1]}, warm {warm[^1]}");
            }
            finally { try { Directory.Delete(packages, recursive: true); } catch (IOException) { } }
        }
        var loadAfter = PerformanceReport.Load();

        var sb = new StringBuilder();
        sb.AppendLine("## Extension load");
        sb.AppendLine();
        sb.AppendLine($"The notebook package in the real kernel (dotnet-interactive stdio, the tool pinned in .config/dotnet-tools.json), {runs} runs " +
            $"(median, min, max); measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, load average before / after: " +
            $"{loadBefore} / {loadAfter}. Each run starts a kernel and runs a first C# cell (`1 + 1`: the kernel's own start-up), adds the " +
            "folder feed with the freshly packed NotebookCalc, then times `#r \"nuget: NotebookCalc, " + version + "\"` and the first " +
            "`#!matcalc gradient \"ln det(W W' + s^2 I)\" --wrt W --where \"W: n x m; s: scalar\"` after it. Fresh: an empty NuGet package " +
            "folder (the restore copies the packages from the feed); warm: a second kernel on the same folder. Target: `#r` plus the first " +
            "gradient under 2 s beyond the restore (the warm row).");
        sb.AppendLine();
        sb.AppendLine("| NuGet folder | kernel start and first C# cell s | `#r` s | first `#!matcalc gradient` s | `#r` + gradient s | under 2 s |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var (label, list) in new[] { ("fresh", fresh), ("warm", warm) })
        {
            var total = Stats(list.Select(x => x.Load + x.Gradient));
            sb.AppendLine($"| {label} | {Stats(list.Select(x => x.Kernel))} | {Stats(list.Select(x => x.Load))} | {Stats(list.Select(x => x.Gradient))} | {total} | " +
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
