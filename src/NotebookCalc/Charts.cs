using Plotly.NET;
using Plotly.NET.CSharp;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
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
        var chosen = Chart.Point<double, double, string>(x: [d.ChosenStep], y: [chosenError], Name: $"chosen h = {d.ChosenStep:G2}");
        return Chart.Combine([curve, chosen])
            .WithXAxisStyle<double, double, string>(TitleText: "step h", AxisType: StyleParam.AxisType.Log)
            .WithYAxisStyle<double, double, string>(TitleText: "relative error of the central difference", AxisType: StyleParam.AxisType.Log);
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

    /// <summary>HTML for a notebook output (plotly.js is loaded by the chart's own script tag).</summary>
    public static string Html(PlotRequest p) => string.Concat(For(p).Select(GenericChart.toChartHTML));

    /// <summary>The file name under which <see cref="PlotlyJs"/> is written next to static pages.</summary>
    public const string PlotlyJsFile = "plotly.min.js";

    /// <summary>plotly.js itself, as shipped inside Plotly.NET (so static pages work offline, with no CDN).</summary>
    public static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal) && n.Contains("plotly", StringComparison.OrdinalIgnoreCase));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// HTML for a static page: one div per chart with a deterministic id (<paramref name="idPrefix"/>-k) and a script that
    /// draws it with the page's copy of plotly.js (<see cref="PlotlyJsFile"/>, loaded once in the page head). The same
    /// request gives the same bytes.
    /// </summary>
    public static string StaticHtml(PlotRequest p, string idPrefix)
    {
        var sb = new System.Text.StringBuilder();
        var k = 0;
        foreach (var chart in For(p))
        {
            var id = $"{idPrefix}-{++k}";
            // Inside a <script> element only "</" can end it early; JSON allows "<\/" for "</".
            var figure = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
            sb.Append("<div class=\"mc-chart\" id=\"").Append(id).Append("\" style=\"width:100%;max-width:50em;height:24em\"></div>")
              .Append("<script>(function(){var f=").Append(figure)
              .Append(";if(!window.Plotly)return;var l=Object.assign({},f.layout,{autosize:true});delete l.width;delete l.height;")
              .Append("Plotly.newPlot(\"").Append(id).Append("\",f.data,l,Object.assign({responsive:true},f.config));})();</script>");
        }
        return sb.ToString();
    }

    private static double Interpolate(IReadOnlyList<double> xs, IReadOnlyList<double> ys, double x)
    {
        var i = 0;
        while (i < xs.Count - 2 && xs[i + 1] < x) i++;
        var t = (Math.Log(x) - Math.Log(xs[i])) / (Math.Log(xs[i + 1]) - Math.Log(xs[i]));
        return Math.Exp(Math.Log(ys[i]) + t * (Math.Log(ys[i + 1]) - Math.Log(ys[i])));
    }
}
