using NotebookCalc.Text;

namespace NotebookCalc.Notebook;

/// <summary>One line of a <see cref="SeriesChart"/>: its legend name and its points (x, y).</summary>
public sealed record ChartSeries
{
    public ChartSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            throw new ArgumentException($"The series \"{name}\" has {x.Count} x values but {y.Count} y values; give one x per y (or use ChartSeries.Iterations).", nameof(y));
        if (x.Count == 0)
            throw new ArgumentException($"The series \"{name}\" has no points.", nameof(x));
        Name = name;
        X = [.. x];
        Y = [.. y];
    }

    public string Name { get; }
    public IReadOnlyList<double> X { get; }
    public IReadOnlyList<double> Y { get; }

    /// <summary>A history against its iteration number: the k-th value (from 0) is plotted at x = k.</summary>
    public static ChartSeries Iterations(string name, IEnumerable<double> values)
    {
        var y = values.ToList();
        return new ChartSeries(name, [.. Enumerable.Range(0, y.Count).Select(k => (double)k)], y);
    }

    public bool Equals(ChartSeries? other) => other is not null && Name == other.Name && X.SequenceEqual(other.X) && Y.SequenceEqual(other.Y);

    public override int GetHashCode() => HashCode.Combine(Name, X.Count, Y.Count > 0 ? Y[^1] : 0);
}

/// <summary>
/// A line chart of numbers computed in a C# cell (a convergence history, say), drawn like the <c>#!matcalc plot</c> charts:
/// in the kernel with the plotly.js the package carries, in <c>matcalc render</c> with the site's own copy. With
/// <see cref="LogY"/> (<see cref="LogX"/>) the y (x) axis is logarithmic with ticks 10ᵏ, and points that a log axis cannot
/// show (zero, negative, not finite) are left out as gaps. Return it from a C# cell to display it.
/// </summary>
public sealed record SeriesChart
{
    public SeriesChart(string xTitle, string yTitle, IReadOnlyList<ChartSeries> series, bool logY = false, string? title = null, bool logX = false)
    {
        ArgumentNullException.ThrowIfNull(xTitle);
        ArgumentNullException.ThrowIfNull(yTitle);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("A chart needs at least one series.", nameof(series));
        if (series.Any(s => s is null)) throw new ArgumentException("A series of the chart is null.", nameof(series));
        XTitle = xTitle;
        YTitle = yTitle;
        Series = [.. series];
        LogY = logY;
        LogX = logX;
        Title = title;
    }

    public string XTitle { get; }
    public string YTitle { get; }
    public IReadOnlyList<ChartSeries> Series { get; }
    public bool LogY { get; }
    public bool LogX { get; }
    public string? Title { get; }

    /// <summary>Whether the chart can show the point (x, y): finite, and positive on a log axis.</summary>
    public bool Shows(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!LogX || x > 0) && (!LogY || y > 0);

    /// <summary>
    /// The chart in words, one line per series: points, first and last value shown, and the values left out. It is the
    /// text/plain of the chart and the caption under it, so it is the same in the kernel and on a rendered page.
    /// </summary>
    public string Summary()
    {
        var scale = (LogX, LogY) switch { (true, true) => " (log-log scale)", (false, true) => " (log scale)", (true, false) => " (log x scale)", _ => "" };
        var lines = new List<string> { $"chart: {YTitle} against {XTitle}{scale}" };
        foreach (var s in Series)
        {
            var shown = s.Y.Where((y, i) => Shows(s.X[i], y)).ToList();
            var line = $"{s.Name}: {Count(s.Y.Count, "point")}";
            if (shown.Count > 0) line += $", from {Numbers.Show(shown[0], "G3")} to {Numbers.Show(shown[^1], "G3")}";
            if (shown.Count < s.Y.Count) line += $"; {Count(s.Y.Count - shown.Count, "value")} left out ({(LogX || LogY ? "not positive or not finite" : "not finite")})";
            lines.Add(line);
        }
        return string.Join("\n", lines);
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    public bool Equals(SeriesChart? other) => other is not null && XTitle == other.XTitle && YTitle == other.YTitle && LogY == other.LogY && LogX == other.LogX &&
        Title == other.Title && Series.SequenceEqual(other.Series);

    public override int GetHashCode() => HashCode.Combine(XTitle, YTitle, LogY, Title, Series.Count);
}
