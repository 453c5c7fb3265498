using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// docs/performance.md: each benchmark mode rewrites its own section (between <c>&lt;!-- NAME:begin --&gt;</c> and
/// <c>&lt;!-- NAME:end --&gt;</c>) and leaves the others as they were, so the Cake targets can be run one at a time.
/// Charts are SVG files written next to the page (docs/images/perf-*.svg): no script, no network, they work offline.
/// </summary>
public static class PerformanceReport
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NotebookCalc.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public static string DocPath(string root) => Path.Combine(root, "docs", "performance.md");

    private const string Header = """
        # Performance

        What a person waits for, measured on the project's 2-core machine. Every section below is written by a Cake target
        and can be regenerated on its own:

        | section | target | what it runs |
        | --- | --- | --- |
        | Start-up | `dotnet cake --target=StartupBench` | the built `matcalc` (and the packed tool installed into `artifacts/tool`) as whole processes, and a cold Python + SymPy process |
        | Throughput | `dotnet cake --target=StartupBench` | `matcalc grade` on generated submissions, `matcalc render` of the site |
        | Extension load | `dotnet cake --target=ExtensionBench` | `#r "nuget: NotebookCalc"` and the first `#!matcalc gradient` in the real kernel (dotnet-interactive stdio) |
        | Scaling | `dotnet cake --target=Scaling` | BenchmarkDotNet series (in-process toolchain), warm, one thread |

        Each section states the machine's load average while it was measured: the machine is shared with builds and tests,
        and whole-process timings on 2 cores move with it.

        """;

    /// <summary>Replaces (or appends) one section of docs/performance.md.</summary>
    public static void WriteSection(string root, string name, string body)
    {
        var path = DocPath(root);
        var text = File.Exists(path) ? File.ReadAllText(path) : Header;
        string begin = $"<!-- {name}:begin -->", end = $"<!-- {name}:end -->";
        var block = $"{begin}\n{body.TrimEnd()}\n{end}";
        var i = text.IndexOf(begin, StringComparison.Ordinal);
        var j = text.IndexOf(end, StringComparison.Ordinal);
        text = i >= 0 && j > i ? text[..i] + block + text[(j + end.Length)..] : text.TrimEnd() + "\n\n" + block + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public static string Load()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    public static string Ms(double ms) => ms switch
    {
        >= 100 => ms.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => ms.ToString("F1", CultureInfo.InvariantCulture),
        >= 1 => ms.ToString("F2", CultureInfo.InvariantCulture),
        _ => ms.ToString("F3", CultureInfo.InvariantCulture),
    };

    // ---- Scaling: BenchmarkDotNet's brief JSON reports → tables and log-log charts ----

    private sealed record Point(Dictionary<string, string> Parameters, double MedianMs, double MeanMs, double? AllocatedKb);

    private static List<Point> ReadBdn(string resultsDir, string type)
    {
        var file = Directory.Exists(resultsDir) ? Directory.GetFiles(resultsDir, $"{type}-report-brief.json").FirstOrDefault() : null;
        if (file is null) return [];
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var points = new List<Point>();
        foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!b.TryGetProperty("Statistics", out var s) || s.ValueKind != JsonValueKind.Object) continue;
            var parameters = (b.GetProperty("Parameters").GetString() ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            double? kb = b.TryGetProperty("Memory", out var m) && m.TryGetProperty("BytesAllocatedPerOperation", out var a) ? a.GetDouble() / 1024 : null;
            points.Add(new Point(parameters, s.GetProperty("Median").GetDouble() / 1e6, s.GetProperty("Mean").GetDouble() / 1e6, kb));
        }
        return points;
    }

    /// <summary>Least-squares slope of log t against log x: 1 is linear, 2 quadratic, 0 constant.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> pts)
    {
        if (pts.Count < 2) return double.NaN;
        var lx = pts.Select(p => Math.Log(p.X)).ToArray();
        var ly = pts.Select(p => Math.Log(p.Y)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        var num = lx.Zip(ly).Sum(p => (p.First - mx) * (p.Second - my));
        var den = lx.Sum(v => (v - mx) * (v - mx));
        return den == 0 ? double.NaN : num / den;
    }

    private sealed record Series(string Name, List<(double X, double Y)> Points);

    public static int Scaling(string root, string resultsDir, string load)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Scaling");
        sb.AppendLine();
        sb.AppendLine($"BenchmarkDotNet {typeof(BenchmarkDotNet.Running.BenchmarkRunner).Assembly.GetName().Version?.ToString(3)}, in-process, " +
            $"short job (median of the iterations), .NET {Environment.Version}; load average before / after: {load} / {Load()} on {Environment.ProcessorCount} cores. " +
            "Time is per call, warm. Charts are log-log; the slope is the least-squares exponent over the points shown (1 = linear).");
        sb.AppendLine();
        var found = 0;

        var size = ReadBdn(resultsDir, nameof(SeriesSize));
        if (size.Count > 0)
        {
            found++;
            var rows = size.Select(p => (Target: int.Parse(p.Parameters["Nodes"], CultureInfo.InvariantCulture), p))
                .OrderBy(r => r.Target).Select(r => (Nodes: (double)SeriesSize.Build(r.Target).Expr.Size, r.p)).ToList();
            var series = new Series("gradient + simplification + check", rows.Select(r => (r.Nodes, r.p.MedianMs)).ToList());
            Section(sb, root, "size", "Versus the size of f",
                "Σᵢ i·tr(A X B) + ‖X − i·C‖²_F/(i+1) with as many terms as reach the size; three derivations, simplification, agreement and the numerical check.",
                "nodes of f", [series], rows.Select(r => new[] { r.Nodes.ToString(CultureInfo.InvariantCulture), Ms(r.p.MedianMs), Kb(r.p.AllocatedKb) }).ToList(),
                ["nodes", "median ms", "allocated KB"]);
        }

        var power = ReadBdn(resultsDir, nameof(SeriesPower));
        if (power.Count > 0)
        {
            found++;
            var series = power.GroupBy(p => p.Parameters["Form"]).OrderByDescending(g => g.Key)
                .Select(g => new Series(g.Key == "tr" ? "tr(Xᵏ)" : "ln det(Xᵏ)",
                    g.Select(p => (double.Parse(p.Parameters["K"], CultureInfo.InvariantCulture), p.MedianMs)).OrderBy(p => p.Item1).ToList())).ToList();
            var rows = power.OrderBy(p => p.Parameters["Form"], StringComparer.Ordinal).ThenBy(p => int.Parse(p.Parameters["K"], CultureInfo.InvariantCulture))
                .Select(p => new[] { p.Parameters["Form"] == "tr" ? "tr(Xᵏ)" : "ln det(Xᵏ)", p.Parameters["K"], Ms(p.MedianMs), Kb(p.AllocatedKb) }).ToList();
            Section(sb, root, "power", "Versus the power k",
                "tr(Xᵏ) and ln det(Xᵏ), X: n × n, gradient by the three methods with simplification and agreement, without the numerical check. " +
                "Powers are compact power sums (k·(Xᵏ⁻¹)ᵀ, not k terms), so the derivation does not grow with k (slope ≈ 0). " +
                "The check is not in this series: with it, ln det(Xᵏ) stays at about 1 ms for every k, but for tr(Xᵏ) with k ≥ 10⁴ the check " +
                "finds no random instance whose Xᵏ neither underflows nor overflows and `gradient` stops with an MC3 diagnostic " +
                "(an open gap: the sampler would have to draw X with spectral radius near 1).",
                "k", series, rows, ["f", "k", "median ms", "allocated KB"]);
        }

        var factors = ReadBdn(resultsDir, nameof(SeriesFactors));
        if (factors.Count > 0)
        {
            found++;
            var pts = factors.Select(p => (double.Parse(p.Parameters["Factors"], CultureInfo.InvariantCulture), p)).OrderBy(p => p.Item1).ToList();
            Section(sb, root, "factors", "Versus the number of factors in a product",
                "tr(A₀ X A₂ X ⋯), half the factors X. The product rule gives one term per occurrence of X, each a product of all the " +
                "other factors, so the gradient itself has about f²/2 factors: quadratic is the size of the answer, not an inefficiency. " +
                "Beyond about 100 factors the derivation stops with the budget diagnostic MC2005 by design.",
                "factors", [new Series("gradient + check", pts.Select(p => (p.Item1, p.p.MedianMs)).ToList())],
                pts.Select(p => new[] { p.Item1.ToString(CultureInfo.InvariantCulture), Ms(p.p.MedianMs), Kb(p.p.AllocatedKb) }).ToList(),
                ["factors", "median ms", "allocated KB"]);
        }

        var check = ReadBdn(resultsDir, nameof(SeriesCheckSize));
        if (check.Count > 0)
        {
            found++;
            var pts = check.Select(p => (double.Parse(p.Parameters["N"], CultureInfo.InvariantCulture), p)).OrderBy(p => p.Item1).ToList();
            Section(sb, root, "check", "Versus the matrix size of the numerical check",
                "The check alone for ‖X W Z − X‖²_F with every dimension n (X, W, Z: n × n): about a dozen evaluations of f and one of the " +
                "gradient, each a few dense n × n products, so O(n³) for large n (slope → 3); for W with at most 64 entries every entry " +
                "is also checked (O(n²) more evaluations of small matrices).",
                "n", [new Series("check", pts.Select(p => (p.Item1, p.p.MedianMs)).ToList())],
                pts.Select(p => new[] { p.Item1.ToString(CultureInfo.InvariantCulture), Ms(p.p.MedianMs), Kb(p.p.AllocatedKb) }).ToList(),
                ["n", "median ms", "allocated KB"]);
        }
        if (found == 0)
        {
            Console.Error.WriteLine($"No BenchmarkDotNet results (Series*-report-brief.json) under {resultsDir}.");
            return 2;
        }
        WriteSection(root, "scaling", sb.ToString());
        Console.WriteLine($"wrote the Scaling section of {DocPath(root)}");
        return 0;
    }

    private static string Kb(double? kb) => kb is { } v ? v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture) : "–";

    private static void Section(StringBuilder sb, string root, string id, string title, string what, string xLabel, List<Series> series,
        List<string[]> rows, string[] columns)
    {
        sb.AppendLine($"### {title}");
        sb.AppendLine();
        sb.AppendLine(what);
        sb.AppendLine();
        var file = $"perf-{id}.svg";
        File.WriteAllText(Path.Combine(root, "docs", "images", file), Svg(title, xLabel, "median time per call (ms)", series));
        sb.AppendLine($"![{title}: median time against {xLabel}, log-log](images/{file})");
        sb.AppendLine();
        sb.AppendLine("Slope (log-log): " + string.Join("; ", series.Select(s => $"{s.Name} {Slope(s.Points).ToString("F2", CultureInfo.InvariantCulture)}")) + ".");
        sb.AppendLine();
        sb.AppendLine("| " + string.Join(" | ", columns) + " |");
        sb.AppendLine("|" + string.Concat(columns.Select(_ => " ---: |")));
        foreach (var r in rows) sb.AppendLine("| " + string.Join(" | ", r) + " |");
        sb.AppendLine();
    }

    // ---- a small log-log line chart as SVG ----

    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

    public static string Svg(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, List<(double X, double Y)> Points)> series) =>
        Svg(title, xLabel, yLabel, series.Select(s => new Series(s.Name, s.Points)).ToList());

    private static string Svg(string title, string xLabel, string yLabel, List<Series> series)
    {
        const double W = 640, H = 400, L = 70, R = 20, T = 40, B = 55;
        var all = series.SelectMany(s => s.Points).Where(p => p.X > 0 && p.Y > 0).ToList();
        if (all.Count == 0) all = [(1, 1), (10, 10)];
        double x0 = Math.Floor(Math.Log10(all.Min(p => p.X))), x1 = Math.Ceiling(Math.Log10(all.Max(p => p.X)));
        double y0 = Math.Floor(Math.Log10(all.Min(p => p.Y))), y1 = Math.Ceiling(Math.Log10(all.Max(p => p.Y)));
        if (x1 == x0) x1++;
        if (y1 == y0) y1++;
        double Px(double x) => L + (Math.Log10(x) - x0) / (x1 - x0) * (W - L - R);
        double Py(double y) => H - B - (Math.Log10(y) - y0) / (y1 - y0) * (H - T - B);
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        static string Pow10(double e) => e switch { 0 => "1", 1 => "10", 2 => "100", 3 => "1000", _ => $"1e{e:0}" };
        var s = new StringBuilder();
        s.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">");
        s.AppendLine($"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        s.AppendLine($"<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Esc(title)}</text>");
        for (var e = x0; e <= x1; e++)
        {
            s.AppendLine($"<line x1=\"{F(Px(Math.Pow(10, e)))}\" y1=\"{T}\" x2=\"{F(Px(Math.Pow(10, e)))}\" y2=\"{H - B}\" stroke=\"#ddd\"/>");
            s.AppendLine($"<text x=\"{F(Px(Math.Pow(10, e)))}\" y=\"{H - B + 16}\" text-anchor=\"middle\">{Pow10(e)}</text>");
        }
        for (var e = y0; e <= y1; e++)
        {
            var label = e >= 0 ? Pow10(e) : e switch { -1 => "0.1", -2 => "0.01", -3 => "0.001", _ => $"1e{e:0}" };
            s.AppendLine($"<line x1=\"{L}\" y1=\"{F(Py(Math.Pow(10, e)))}\" x2=\"{W - R}\" y2=\"{F(Py(Math.Pow(10, e)))}\" stroke=\"#ddd\"/>");
            s.AppendLine($"<text x=\"{L - 6}\" y=\"{F(Py(Math.Pow(10, e)) + 4)}\" text-anchor=\"end\">{label}</text>");
        }
        s.AppendLine($"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#444\"/>");
        s.AppendLine($"<text x=\"{(L + W - R) / 2}\" y=\"{H - 14}\" text-anchor=\"middle\">{Esc(xLabel)} (log)</text>");
        s.AppendLine($"<text transform=\"translate(16 {(T + H - B) / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yLabel)} (log)</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var c = Colors[i % Colors.Length];
            var pts = series[i].Points.Where(p => p.X > 0 && p.Y > 0).OrderBy(p => p.X).ToList();
            s.AppendLine($"<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{string.Join(" ", pts.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"))}\"/>");
            foreach (var p in pts) s.AppendLine($"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"3.5\" fill=\"{c}\"/>");
            s.AppendLine($"<rect x=\"{L + 12}\" y=\"{T + 10 + 18 * i}\" width=\"14\" height=\"4\" fill=\"{c}\"/>");
            s.AppendLine($"<text x=\"{L + 32}\" y=\"{T + 16 + 18 * i}\">{Esc(series[i].Name)}</text>");
        }
        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Esc(string t) => t.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
