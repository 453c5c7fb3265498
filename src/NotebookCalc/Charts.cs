using Plotly.NET;
using Plotly.NET.CSharp;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;
using Chart = Plotly.NET.CSharp.Chart;

namespace NotebookCalc;

/// <summary>Plotly.NET charts of a gradient check (data from <see cref="ChartData"/>).</summary>
public static class Charts
{
    /// <summary>Relative error of the central difference against ⟨∇f, H⟩ versus the step h (log-log), with the chosen h marked.</summary>
    public static GenericChart Convergence(GradientResult r, int seed = 1)
    {
        var d = ChartData.Convergence(r.Function, r.Variable, r.Gradient, seed);
        var curve = Chart.Line<double, double, string>(x: d.Steps, y: d.RelativeErrors, Name: "relative error", ShowMarkers: true);
        var chosenError = Interpolate(d.Steps, d.RelativeErrors, d.ChosenStep);
        var chosen = Chart.Point<double, double, string>(x: [d.ChosenStep], y: [chosenError], Name: $"chosen h = {NotebookCalc.Text.Numbers.Show(d.ChosenStep, "G2")}");
        var combined = Chart.Combine([curve, chosen]);
        combined = Plotly.NET.Chart.withXAxis(PowerOfTenAxis("step h"), null).Invoke(combined);
        return Plotly.NET.Chart.withYAxis(PowerOfTenAxis("relative error of the central difference"), null).Invoke(combined);
    }

    /// <summary>A log axis whose ticks read 10⁻⁴ (plotly's "power" format), one per decade, never SI prefixes.</summary>
    private static Plotly.NET.LayoutObjects.LinearAxis PowerOfTenAxis(string title)
    {
        var axis = new Plotly.NET.LayoutObjects.LinearAxis();
        var text = new Plotly.NET.Title();
        text.SetProperty("text", title);
        axis.SetProperty("title", text);
        axis.SetProperty("type", "log");
        axis.SetProperty("exponentformat", "power");
        axis.SetProperty("dtick", 1);
        return axis;
    }

    /// <summary>φ(t) = f(X + tH) and its tangent at 0 with slope ⟨∇f, H⟩.</summary>
    public static GenericChart Line(GradientResult r, int seed = 1)
    {
        var d = ChartData.Line(r.Function, r.Variable, r.Gradient, seed);
        return Chart.Combine([
                Chart.Line<double, double, string>(x: d.T, y: d.Phi, Name: "φ(t) = f(X + tH)"),
                Chart.Line<double, double, string>(x: d.T, y: d.Tangent, Name: $"tangent, slope ⟨∇f, H⟩ = {d.Slope:G4}"),
            ])
            .WithXAxisStyle<double, double, string>(TitleText: "t")
            .WithYAxisStyle<double, double, string>(TitleText: "φ(t) = f(X + tH)");
    }

    /// <summary>Heatmaps of the symbolic gradient, the finite-difference gradient, and their difference.</summary>
    public static IReadOnlyList<GenericChart> Heatmaps(GradientResult r, int seed = 1)
    {
        var d = ChartData.Heatmap(r.Function, r.Variable, r.Gradient, seed);
        GenericChart Map(MathNet.Numerics.LinearAlgebra.Matrix<double> m, string title) =>
            Chart.Heatmap<double, int, int, string>(zData: m.ToRowArrays(), Name: title, ReverseYAxis: true);
        return [Map(d.Symbolic, $"∂f/∂{r.Variable.Name} (symbolic)"), Map(d.FiniteDifference, "finite differences"), Map(d.Difference, "difference")];
    }

    /// <summary>The charts for a #!matcalc plot request.</summary>
    public static IReadOnlyList<GenericChart> For(PlotRequest p) => p.Kind switch
    {
        "check" => [Convergence(p.Result, p.Seed)],
        "line" => [Line(p.Result, p.Seed)],
        _ => Heatmaps(p.Result, p.Seed),
    };

    /// <summary>
    /// The plotly figures (JSON: data, layout) of a #!matcalc plot request, written here rather than by Plotly.NET: the
    /// kernel has its own FSharp.Core loaded (10.0), older than the one Plotly.NET 6 needs, so Plotly.NET cannot run
    /// inside the kernel. The same figures are drawn by the kernel and by `matcalc render`.
    /// </summary>
    public static IReadOnlyList<string> Figures(PlotRequest p)
    {
        var r = p.Result;
        switch (p.Kind)
        {
            case "check":
            {
                var d = ChartData.Convergence(r.Function, r.Variable, r.Gradient, p.Seed);
                var chosenError = Interpolate(d.Steps, d.RelativeErrors, d.ChosenStep);
                return [Figure(
                    [Trace("scatter", ("x", d.Steps), ("y", d.RelativeErrors), ("mode", "lines+markers"), ("name", "relative error")),
                     Trace("scatter", ("x", new[] { d.ChosenStep }), ("y", new[] { chosenError }), ("mode", "markers"), ("name", $"chosen h = {NotebookCalc.Text.Numbers.Show(d.ChosenStep, "G2")}"))],
                    Axis("step h", log: true), Axis("relative error of the central difference", log: true))];
            }
            case "line":
            {
                var d = ChartData.Line(r.Function, r.Variable, r.Gradient, p.Seed);
                return [Figure(
                    [Trace("scatter", ("x", d.T), ("y", d.Phi), ("mode", "lines"), ("name", "φ(t) = f(X + tH)")),
                     Trace("scatter", ("x", d.T), ("y", d.Tangent), ("mode", "lines"), ("name", $"tangent, slope ⟨∇f, H⟩ = {d.Slope:G4}"))],
                    Axis("t"), Axis("φ(t) = f(X + tH)"))];
            }
            default:
            {
                var d = ChartData.Heatmap(r.Function, r.Variable, r.Gradient, p.Seed);
                string Map(MathNet.Numerics.LinearAlgebra.Matrix<double> m, string title) =>
                    Figure([Trace("heatmap", ("z", m.ToRowArrays()), ("name", title))], Axis(""), Axis("", reversed: true), title);
                return [Map(d.Symbolic, $"∂f/∂{r.Variable.Name} (symbolic)"), Map(d.FiniteDifference, "finite differences"), Map(d.Difference, "difference")];
            }
        }
    }

    private static Dictionary<string, object> Trace(string type, params (string Key, object Value)[] properties)
    {
        var trace = new Dictionary<string, object> { ["type"] = type };
        foreach (var (key, value) in properties) trace[key] = value;
        return trace;
    }

    private static Dictionary<string, object> Axis(string title, bool log = false, bool reversed = false)
    {
        var axis = new Dictionary<string, object>();
        if (title.Length > 0) axis["title"] = new Dictionary<string, object> { ["text"] = title };
        if (log)
        {
            axis["type"] = "log";
            // Ticks as 10⁻⁴, never plotly's SI prefixes (100µ, 10n, 1p), which read as units to a mathematician.
            axis["exponentformat"] = "power";
            axis["dtick"] = 1;
        }
        else
        {
            axis["exponentformat"] = "power";
        }
        if (reversed) axis["autorange"] = "reversed";
        return axis;
    }

    private static string Figure(IReadOnlyList<Dictionary<string, object>> data, Dictionary<string, object> x, Dictionary<string, object> y, string? title = null)
    {
        var layout = new Dictionary<string, object> { ["xaxis"] = x, ["yaxis"] = y };
        if (title is not null) layout["title"] = new Dictionary<string, object> { ["text"] = title };
        // Doubles round-trip ("R"), non-finite values (a log of 0) become null, as plotly expects for gaps.
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["data"] = data, ["layout"] = layout }, FigureJson);
    }

    private static readonly System.Text.Json.JsonSerializerOptions FigureJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The file name under which <see cref="PlotlyJs"/> is written next to static pages.</summary>
    public const string PlotlyJsFile = "plotly.min.js";

    /// <summary>
    /// plotly.js itself, as shipped inside Plotly.NET (so pages and notebooks work offline, with no CDN). Read from the
    /// assembly's resources by name, without touching Plotly.NET's F# types (which the kernel cannot load).
    /// </summary>
    public static string PlotlyJs()
    {
        var assembly = System.Reflection.Assembly.Load("Plotly.NET");
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal) && n.Contains("plotly", StringComparison.OrdinalIgnoreCase));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// HTML for a static page: one div per chart with a deterministic id (<paramref name="idPrefix"/>-k) and a script that
    /// draws it with the page's copy of plotly.js (<see cref="PlotlyJsFile"/>, loaded once in the page head). The same
    /// request gives the same bytes.
    /// </summary>
    public static string StaticHtml(PlotRequest p, string idPrefix) => Divs(Figures(p), idPrefix);

    /// <summary>The plotly figure (JSON: data, layout) of a chart of series computed in a C# cell: one line per series.</summary>
    public static string Figure(SeriesChart c)
    {
        // A value the axis cannot show (zero or negative on a log axis, NaN, ∞) is a gap (null), as plotly expects.
        var data = c.Series.Select(s => Trace("scatter", ("x", s.X.Select((x, i) => c.Shows(x, s.Y[i]) ? x : (double?)null).ToArray()),
            ("y", s.Y.Select((y, i) => c.Shows(s.X[i], y) ? y : (double?)null).ToArray()),
            ("mode", s.Y.Count <= 60 ? "lines+markers" : "lines"), ("name", s.Name))).ToList();
        var x = Axis(c.XTitle, log: c.LogX);
        var y = Axis(c.YTitle, log: c.LogY);
        // A tick per decade, or per two or three when the values span more than ten or twenty: labels that do not collide.
        static int Step(IEnumerable<double> shown)
        {
            var logs = shown.Select(Math.Log10).ToList();
            return logs.Count == 0 ? 1 : Math.Max(1, (int)Math.Ceiling((logs.Max() - logs.Min()) / 10));
        }
        var points = c.Series.SelectMany(s => s.X.Zip(s.Y)).Where(p => c.Shows(p.First, p.Second)).ToList();
        if (c.LogX) x["dtick"] = Step(points.Select(p => p.First));
        if (c.LogY) y["dtick"] = Step(points.Select(p => p.Second));
        return Figure(data, x, y, c.Title);
    }

    /// <summary>HTML for a static page: the chart of series (drawn with the page's plotly.js) and its summary in words.</summary>
    public static string StaticHtml(SeriesChart c, string idPrefix) => Divs([Figure(c)], idPrefix) + Rendering.Html.Text(c.Summary());

    private static string Divs(IReadOnlyList<string> figures, string idPrefix)
    {
        var sb = new System.Text.StringBuilder();
        var k = 0;
        foreach (var json in figures)
        {
            var id = $"{idPrefix}-{++k}";
            // Inside a <script> element "</script" ends it early and "<!--" changes how it is parsed; a "<" only occurs
            // inside JSON strings, where "\u003c" means the same character.
            var figure = json.Replace("<", "\\u003c", StringComparison.Ordinal);
            sb.Append("<div class=\"mc-chart\" id=\"").Append(id).Append("\" style=\"width:100%;max-width:50em;height:24em\"></div>")
              .Append("<script>(function(){var f=").Append(figure)
              .Append(";if(!window.Plotly){document.getElementById(\"").Append(id).Append("\").textContent=\"plotly.js is not loaded: run the first plot cell of the notebook again.\";return;}")
              .Append("var l=Object.assign({},f.layout,{autosize:true});")
              .Append("Plotly.newPlot(\"").Append(id).Append("\",f.data,l,{responsive:true});})();</script>");
        }
        return sb.ToString();
    }

    private static int _notebookCharts;
    private static bool _plotlyEmbedded;

    /// <summary>
    /// HTML for a notebook output in the kernel: the charts, with plotly.js embedded in the first chart output of the
    /// kernel process (later outputs use the page's window.Plotly), never fetched. A chart that cannot be computed
    /// shows as a diagnostic line, never a stack trace.
    /// </summary>
    public static string NotebookHtml(PlotRequest p) => NotebookHtml(() => Figures(p), "");

    /// <summary>
    /// HTML for a chart of series returned by a C# cell in the kernel: as <see cref="NotebookHtml(PlotRequest)"/>, with
    /// the chart's summary in words under it (what a rendered page shows).
    /// </summary>
    public static string NotebookHtml(SeriesChart c) => NotebookHtml(() => [Figure(c)], Rendering.Html.Text(c.Summary()));

    private static string NotebookHtml(Func<IReadOnlyList<string>> figuresOf, string caption)
    {
        try
        {
            var figures = figuresOf();
            var sb = new System.Text.StringBuilder();
            if (!_plotlyEmbedded)
            {
                // Wrapped so that a page with an AMD loader (require.js in classic Jupyter) still gets window.Plotly.
                sb.Append("<script>(function(define,exports,module){").Append(PlotlyJs().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase))
                  .Append("\n})(undefined,undefined,undefined);</script>");
                _plotlyEmbedded = true;
            }
            sb.Append(Divs(figures, $"matcalc-chart-{Environment.ProcessId}-{Interlocked.Increment(ref _notebookCharts)}"));
            return sb.Append(caption).ToString();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Rendering.Html.Diagnostics("", [Text.Diagnostic.Error("MC4006", default, $"The chart could not be drawn: {ex.GetType().Name}: {ex.Message}", "The check itself is unaffected; see #!matcalc gradient for the numbers.")]);
        }
    }

    private static double Interpolate(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double x)
    {
        var i = 0;
        while (i < xs.Count - 2 && xs[i + 1] < x) i++;
        var t = (Math.Log(x) - Math.Log(xs[i])) / (Math.Log(xs[i + 1]) - Math.Log(xs[i]));
        return Math.Exp(Math.Log(ys[i]) + t * (Math.Log(ys[i + 1]) - Math.Log(ys[i])));
    }
}
