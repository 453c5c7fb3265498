using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using NotebookCalc.Cli;
using Xunit.Abstractions;

namespace NotebookCalc.HostTests;

/// <summary>
/// Every code cell of every notebook in notebooks/ and curriculum/ runs, unchanged and in order, in the real kernel (one
/// kernel per folder — the worked notebooks, each course unit's lesson, exercises and solutions — to keep the run
/// CI-friendly; `matcalc render` is given the same cells in the same order, so both see the same state): no command fails, `#!matcalc help` works right after the package
/// loads, each #!matcalc cell displays what `matcalc render` shows for the same cell (text, MathML, chart figures), the
/// notebook's `// expect:` lines hold, and each C# cell shows what render shows.
/// </summary>
[Collection("host")]
public sealed class NotebookTests(HostFixture host, ITestOutputHelper output)
{
    public static IReadOnlyList<string> AllNotebooks()
    {
        var root = HostFixture.FindRepoRoot();
        return Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(root, "curriculum"), "*.ipynb", SearchOption.AllDirectories))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The notebooks grouped by folder, each group in reading order (a unit: lesson, exercises, solutions).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Groups() =>
        AllNotebooks().GroupBy(Path.GetDirectoryName).Select(g => (IReadOnlyList<string>)g.OrderBy(f => Path.GetFileName(f) switch
        {
            "lesson.ipynb" => 0, "exercises.ipynb" => 1, "solutions.ipynb" => 2, _ => 3,
        }).ThenBy(f => f, StringComparer.Ordinal).ToList()).ToList();

    [Fact]
    public async Task Every_notebook_runs_in_the_kernel_and_shows_what_render_shows()
    {
        var notebooks = AllNotebooks();
        Assert.True(notebooks.Count >= 35, $"only {notebooks.Count} notebooks found");
        var failures = new ConcurrentBag<string>();
        var loadTimes = new ConcurrentBag<(string File, TimeSpan Load, TimeSpan Total)>();
        var queue = new ConcurrentQueue<IReadOnlyList<string>>(Groups());
        // Two kernels at a time (the machine has 2 cores); each folder gets a fresh kernel.
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            while (queue.TryDequeue(out var file))
            {
                try
                {
                    var (load, total) = RunNotebook(file, failures);
                    // Progress for whoever watches a long run (the test output only appears at the end).
                    lock (queue) File.AppendAllText(Path.Combine(host.RepoRoot, "artifacts", "host-tests.log"),
                        $"{DateTime.UtcNow:HH:mm:ss} {Path.GetDirectoryName(file[0])}: {file.Count} notebook(s) in {total.TotalSeconds:F0} s, #r {load.TotalSeconds:F1} s, failures so far {failures.Count}\n");
                    loadTimes.Add((file[0], load, total));
                }
                catch (Exception ex) { failures.Add($"{string.Join(", ", file)}: {ex}"); }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        var loads = loadTimes.OrderBy(l => l.Load).ToList();
        if (loads.Count > 0)
        {
            var summary = $"kernel notebooks: {loads.Count}; #r load time (warm cache): median {loads[loads.Count / 2].Load.TotalSeconds:F2} s, " +
                          $"min {loads[0].Load.TotalSeconds:F2} s, max {loads[^1].Load.TotalSeconds:F2} s; per notebook total median {loadTimes.OrderBy(l => l.Total).ElementAt(loads.Count / 2).Total.TotalSeconds:F1} s";
            output.WriteLine(summary);
            Console.WriteLine(summary);
        }
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(15)) + (failures.Count > 15 ? $"\n… and {failures.Count - 15} more" : ""));
    }

    private (TimeSpan Load, TimeSpan Total) RunNotebook(IReadOnlyList<string> files, ConcurrentBag<string> failures)
    {
        var watch = Stopwatch.StartNew();
        // The kernel boots (2–3 s, another process) while this one renders the group.
        using var kernel = host.StartKernel();
        // The group's cells as one notebook, for render; the kernel gets the same cells in the same order.
        var cells = new List<(string File, int Index, JsonElement Cell)>();
        var docs = files.Select(f => JsonDocument.Parse(File.ReadAllText(Path.Combine(host.RepoRoot, f)))).ToList();
        foreach (var (f, d) in files.Zip(docs))
            cells.AddRange(d.RootElement.GetProperty("cells").EnumerateArray().Select((c, i) => (f, i, c)));
        var combined = JsonSerializer.Serialize(new { cells = cells.Select(c => c.Cell), metadata = docs[0].RootElement.GetProperty("metadata"), nbformat = 4, nbformat_minor = 5 });
        var rendered = NotebookRenderer.Execute(combined, Path.GetFileName(Path.GetDirectoryName(files[0]))!);
        var load = TimeSpan.Zero;
        var loaded = false;
        var position = -1;
        foreach (var (file, index, cell) in cells)
        {
            position++;
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            var lines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var where = $"{file}, cell {index}";
            if (lines.Any(l => l.StartsWith("#r \"nuget: NotebookCalc,", StringComparison.Ordinal)))
            {
                if (!loaded) Assert.True(kernel.Submit(host.FeedDirective).Succeeded, "#i of the test feed");
                var r = kernel.Submit(source);
                if (!r.Succeeded) { failures.Add($"{where}: {r.Describe()}"); return (load, watch.Elapsed); }
                if (loaded) continue; // the unit's next notebook: the package is loaded already
                load = r.Elapsed;
                loaded = true;
                // A swallowed error in extension.dib leaves the #r cell green: the magic command must work right away.
                var help = kernel.Submit("#!matcalc help");
                if (!help.Succeeded || !help.Outputs.Any(o => o.Values.GetValueOrDefault("text/plain", "").Contains("#!matcalc gradient", StringComparison.Ordinal)))
                    failures.Add($"{where}: #!matcalc help right after the load: {help.Describe()}");
                continue;
            }
            var result = kernel.Submit(source);
            if (result.Elapsed > TimeSpan.FromSeconds(10))
                lock (typeof(NotebookTests)) File.AppendAllText(Path.Combine(host.RepoRoot, "artifacts", "host-tests.log"),
                    $"{DateTime.UtcNow:HH:mm:ss}   slow cell: {where} took {result.Elapsed.TotalSeconds:F0} s in the kernel\n");
            if (!result.Succeeded) { failures.Add($"{where}: {result.Describe()}"); continue; }
            var expected = rendered.Outputs[position];
            var directive = lines.FirstOrDefault(l => l.StartsWith("#!matcalc", StringComparison.Ordinal));
            if (directive is not null)
            {
                if (!loaded) { failures.Add($"{where}: a #!matcalc cell before the package is loaded"); continue; }
                var shown = result.DirectiveOutputs;
                if (shown.Count == 0 || shown.Count > expected.Count) { failures.Add($"{where}: {shown.Count} directive outputs, render shows {expected.Count}: {result.Describe()}"); continue; }
                for (var k = 0; k < shown.Count; k++)
                {
                    var values = shown[k].Values;
                    var plain = values.GetValueOrDefault("text/plain");
                    var html = values.GetValueOrDefault("text/html");
                    if (plain != expected[k].Plain) failures.Add($"{where}: text/plain differs from render:\nkernel: {plain}\nrender: {expected[k].Plain}");
                    if (html is null) { failures.Add($"{where}: no text/html"); continue; }
                    if (expected[k].Html.Contains("class=\"mc-chart\"", StringComparison.Ordinal))
                    {
                        if (!Figures(html).SequenceEqual(Figures(expected[k].Html)) || Figures(html).Count == 0)
                            failures.Add($"{where}: the chart figures differ from render's");
                    }
                    else if (html != expected[k].Html) failures.Add($"{where}: text/html differs from render's");
                }
                var expect = lines.FirstOrDefault(l => l.StartsWith("// expect: ", StringComparison.Ordinal))?["// expect: ".Length..].Trim();
                var text = string.Join("\n", shown.Select(s => s.Values.GetValueOrDefault("text/plain", "")));
                var ok = expect switch
                {
                    "right" => text.Contains("verdict: right", StringComparison.Ordinal),
                    "wrong" => text.Contains("verdict: wrong", StringComparison.Ordinal),
                    { } id when id.StartsWith("MC", StringComparison.Ordinal) => text.Contains(id, StringComparison.Ordinal),
                    _ => !Regex.IsMatch(text, @"^error MC\d{4}", RegexOptions.Multiline),
                };
                if (!ok) failures.Add($"{where}: expected {expect ?? "no diagnostic"}, the kernel showed:\n{text}");
            }
            // A C# cell: it shows what render shows (the output lines of render appear in the kernel's outputs).
            var csharp = expected.Skip(result.DirectiveOutputs.Count).Select(o => o.Plain).Where(p => p.Length > 0).ToList();
            var kernelText = string.Join("\n", result.CodeOutputs.Select(o => o.Values.GetValueOrDefault("text/plain") ?? string.Join("\n", o.Values.Values)));
            foreach (var want in csharp.SelectMany(c => c.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0))
                if (!kernelText.Contains(want, StringComparison.Ordinal))
                    failures.Add($"{where}: render shows '{want}', the kernel does not:\n{result.Describe()}");
        }
        if (!loaded) failures.Add($"{files[0]}: no #r \"nuget: NotebookCalc, …\" cell");
        foreach (var d in docs) d.Dispose();
        return (load, watch.Elapsed);
    }

    /// <summary>
    /// The figure JSON of each chart script (`(function(){var f=FIGURE;if(!window.Plotly)…`). Found by plain string search:
    /// a lazy regex over a page that embeds plotly.js (3.5 MB, many `var f=`) is quadratic and took minutes per chart.
    /// </summary>
    private static List<string> Figures(string html)
    {
        const string Start = "<script>(function(){var f=", End = ";if(!window.Plotly)";
        var figures = new List<string>();
        for (var at = html.IndexOf(Start, StringComparison.Ordinal); at >= 0; at = html.IndexOf(Start, at, StringComparison.Ordinal))
        {
            at += Start.Length;
            var end = html.IndexOf(End, at, StringComparison.Ordinal);
            if (end < 0) break;
            figures.Add(html[at..end]);
            at = end;
        }
        return figures;
    }
}
