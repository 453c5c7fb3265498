using System.Text.Json;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using Plotly.NET;

namespace NotebookCalc.Tests.Notebook;

public class ChartTests
{
    private static readonly GradientResult Seed004 =
        MatCalc.Gradient("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", new GradientOptions { Method = "differential" });

    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toFigureJson(chart)).RootElement;

    [Fact]
    public void Convergence_shows_truncation_and_roundoff_regimes_on_log_axes()
    {
        // A quadratic (seed 004) has no truncation error at all; ln det has a third derivative.
        var r = MatCalc.Gradient("ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", new GradientOptions { Method = "differential" });
        var d = ChartData.Convergence(r.Function, r.Variable, r.Gradient);
        var best = d.RelativeErrors.Min();
        // Truncation regime: on the right the log-log slope is 2 (central differences are O(h²)).
        int n = d.Steps.Count, i0 = n - 12, i1 = n - 4;
        var slope = (Math.Log10(d.RelativeErrors[i1]) - Math.Log10(d.RelativeErrors[i0])) / (Math.Log10(d.Steps[i1]) - Math.Log10(d.Steps[i0]));
        Assert.InRange(slope, 1.6, 2.4);
        // Round-off regime: on the left the error is far above the best.
        Assert.True(d.RelativeErrors[0] > 1000 * best, "round-off regime not visible");
        Assert.True(best < 1e-8);

        var fig = Figure(Charts.Convergence(r));
        var data = fig.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(d.Steps.Count, data[0].GetProperty("x").GetArrayLength());
        Assert.Equal(1, data[1].GetProperty("x").GetArrayLength());
        Assert.Equal("log", fig.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("log", fig.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());
        // Ticks read 10⁻⁴, one per decade: no SI prefixes (100µ, 10n) on a mathematician's axis.
        foreach (var axis in new[] { "xaxis", "yaxis" })
        {
            Assert.Equal("power", fig.GetProperty("layout").GetProperty(axis).GetProperty("exponentformat").GetString());
            Assert.Equal(1, fig.GetProperty("layout").GetProperty(axis).GetProperty("dtick").GetInt32());
        }
    }

    [Fact]
    public void Line_is_tangent_at_zero()
    {
        var d = ChartData.Line(Seed004.Function, Seed004.Variable, Seed004.Gradient);
        var mid = d.T.Count / 2;
        Assert.Equal(0, d.T[mid], 12);
        Assert.Equal(d.Phi[mid], d.Tangent[mid], 9);
        var numericSlope = (d.Phi[mid + 1] - d.Phi[mid - 1]) / (d.T[mid + 1] - d.T[mid - 1]);
        Assert.True(Math.Abs(numericSlope - d.Slope) < 0.05 * Math.Max(1, Math.Abs(d.Slope)));
        var data = Figure(Charts.Line(Seed004)).GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(d.T.Count, data[1].GetProperty("y").GetArrayLength());
    }

    [Fact]
    public void Heatmaps_compare_symbolic_and_finite_differences()
    {
        var d = ChartData.Heatmap(Seed004.Function, Seed004.Variable, Seed004.Gradient);
        Assert.True(d.Difference.Enumerate().Max(Math.Abs) < 1e-5 * Math.Max(1, d.Symbolic.Enumerate().Max(Math.Abs)));
        var charts = Charts.Heatmaps(Seed004);
        Assert.Equal(3, charts.Count);
        var z = Figure(charts[0]).GetProperty("data")[0].GetProperty("z");
        Assert.Equal(d.Symbolic.RowCount, z.GetArrayLength());
        Assert.Equal("heatmap", Figure(charts[2]).GetProperty("data")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Plot_command_produces_a_chart_request_and_html()
    {
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"X: a x b; W: b x c; Z: c x b\"");
        var p = Assert.IsType<PlotRequest>(Assert.Single(s.Run("#!matcalc plot check \"norm(X W Z - X)^2\" --wrt W")));
        Assert.Equal("check", p.Kind);
        // The notebook HTML embeds plotly.js once (offline), then only the figures; the figures are the ones render draws.
        var first = Charts.NotebookHtml(p);
        var second = Charts.NotebookHtml(p);
        Assert.Contains("plotly.js v", first);
        Assert.DoesNotContain("plotly.js v", second);
        Assert.DoesNotContain("src=\"http", first);
        var figure = System.Text.Json.JsonDocument.Parse(Assert.Single(Charts.Figures(p))).RootElement;
        Assert.Equal("log", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("power", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("exponentformat").GetString());
        Assert.Equal("power", figure.GetProperty("layout").GetProperty("yaxis").GetProperty("exponentformat").GetString());
        Assert.Contains(Assert.Single(Charts.Figures(p)), Charts.StaticHtml(p, "x"));
        Assert.Contains("central-difference error", Rendering.Formats.PlotSummary(p));
        Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc plot pie \"norm(X W Z - X)^2\" --wrt W")));
        Assert.Equal(3, Charts.Figures(Assert.IsType<PlotRequest>(Assert.Single(s.Run("#!matcalc plot heatmap \"norm(X W Z - X)^2\" --wrt W")))).Count);
    }
}

public class XPlotChartTests
{
    [Fact]
    public void XPlot_variants_carry_the_same_data()
    {
        var r = MatCalc.Gradient("ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar", new GradientOptions { Method = "differential" });
        var js = XPlotCharts.Convergence(r).GetInlineJS();
        Assert.Contains("\"type\":\"log\"", js);
        Assert.Contains("\"exponentformat\":\"power\"", js);
        Assert.Contains("relative error", js);
        Assert.Contains("tangent", XPlotCharts.Line(r).GetInlineJS());
        var maps = XPlotCharts.Heatmaps(r);
        Assert.Equal(3, maps.Count);
        Assert.All(maps, m => Assert.Contains("heatmap", m.GetInlineJS()));
    }
}
