using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Charts of numbers computed in a C# cell (<see cref="SeriesChart"/>): the figure plotly draws, the summary that is their
/// text, and the same chart in the kernel's HTML and on a page of `matcalc render`.
/// </summary>
public class SeriesChartTests
{
    private static SeriesChart Convergence() => new("iteration k", "‖∇ℓ(w_k)‖",
        [ChartSeries.Iterations("Newton", [67.3, 17.2, 0.676, 2.0e-5, 1.8e-11, 0]), ChartSeries.Iterations("gradient descent", [67.3, 30, 12, double.NaN, 4])],
        logY: true);

    [Fact]
    public void Series_need_one_x_per_y_and_at_least_one_point()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChartSeries("s", [1, 2], [1]));
        Assert.Contains("2 x values but 1 y values", e.Message);
        Assert.Throws<ArgumentException>(() => new ChartSeries("s", [], []));
        Assert.Throws<ArgumentException>(() => new SeriesChart("x", "y", []));
        var s = ChartSeries.Iterations("h", [5, 4, 3]);
        Assert.Equal([0.0, 1, 2], s.X);
        Assert.Equal(s, ChartSeries.Iterations("h", [5, 4, 3])); // equal by value, not by list reference
    }

    [Fact]
    public void The_figure_has_power_of_ten_log_axes_and_gaps_where_a_log_axis_cannot_show_a_value()
    {
        var fig = JsonDocument.Parse(NotebookCalc.Charts.Figure(Convergence())).RootElement;
        var y = fig.GetProperty("layout").GetProperty("yaxis");
        Assert.Equal("log", y.GetProperty("type").GetString());
        Assert.Equal("power", y.GetProperty("exponentformat").GetString());
        Assert.Equal(2, y.GetProperty("dtick").GetInt32()); // 1.8e-11 to 67.3 spans 12.6 decades: a tick every other decade
        Assert.Equal("‖∇ℓ(w_k)‖", y.GetProperty("title").GetProperty("text").GetString());
        Assert.False(fig.GetProperty("layout").GetProperty("xaxis").TryGetProperty("type", out _)); // linear x
        var data = fig.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("Newton", data[0].GetProperty("name").GetString());
        Assert.Equal("lines+markers", data[0].GetProperty("mode").GetString());
        // 0 on a log axis and NaN anywhere are gaps (null), never a string plotly would misread.
        Assert.Equal(JsonValueKind.Null, data[0].GetProperty("y")[5].ValueKind);
        Assert.Equal(JsonValueKind.Null, data[1].GetProperty("y")[3].ValueKind);
        Assert.Equal(1.8e-11, data[0].GetProperty("y")[4].GetDouble());
        Assert.Equal(4, data[1].GetProperty("x")[4].GetDouble());

        var logLog = JsonDocument.Parse(NotebookCalc.Charts.Figure(new SeriesChart("‖g_k‖", "‖g_k+1‖",
            [new ChartSeries("Newton", [1, 0.1, -1], [0.1, 0.01, 5])], logY: true, logX: true))).RootElement;
        Assert.Equal("log", logLog.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal(1, logLog.GetProperty("layout").GetProperty("xaxis").GetProperty("dtick").GetInt32()); // one decade: a tick per decade
        Assert.Equal(1, logLog.GetProperty("layout").GetProperty("yaxis").GetProperty("dtick").GetInt32());
        Assert.Equal(JsonValueKind.Null, logLog.GetProperty("data")[0].GetProperty("x")[2].ValueKind); // x = −1 has no place on a log axis
        Assert.Equal(JsonValueKind.Null, logLog.GetProperty("data")[0].GetProperty("y")[2].ValueKind);
    }

    [Fact]
    public void The_summary_states_each_series_and_the_values_left_out()
    {
        var summary = Convergence().Summary();
        Assert.Equal(
            "chart: ‖∇ℓ(w_k)‖ against iteration k (log scale)\n" +
            "Newton: 6 points, from 67.3 to 1.8e-11; 1 value left out (not positive or not finite)\n" +
            "gradient descent: 5 points, from 67.3 to 4; 1 value left out (not positive or not finite)", summary);
        Assert.Equal(summary, Formats.Of(Convergence())[Formats.Plain]);
        Assert.Contains("chart: ‖∇ℓ(w_k)‖ against iteration k", Formats.Of(Convergence())[Formats.Html]);
    }

    [Fact]
    public void The_html_draws_the_chart_with_its_summary_and_escapes_what_it_shows()
    {
        // (Charts.NotebookHtml, the kernel's form, embeds plotly.js once per process — state the plot-command test relies
        // on — so the kernel's HTML is tested in the real kernel, ExtensionTests; the figures and captions are the same.)
        var html = NotebookCalc.Charts.StaticHtml(Convergence(), "t");
        Assert.Contains("<div class=\"mc-chart\" id=\"t-1\"", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.Contains("Newton: 6 points, from 67.3 to 1.8e-11", html);
        var hostile = new SeriesChart("x</script><b>", "y & 'q'", [ChartSeries.Iterations("a</script><img src=x>", [1, 2])]);
        var page = NotebookCalc.Charts.StaticHtml(hostile, "h");
        var figures = page[page.LastIndexOf("<div class=\"mc-chart\"", StringComparison.Ordinal)..];
        Assert.DoesNotContain("</script><b>", figures);
        Assert.DoesNotContain("<img", figures);
        Assert.Contains("y &amp; &#39;q&#39;", figures); // the summary under the chart is escaped
    }

    [Fact]
    public void Render_draws_a_chart_returned_by_a_CSharp_cell_numbered_after_the_plot_charts()
    {
        static JsonObject Code(string source) => new() { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = source };
        var nb = new JsonObject
        {
            ["cells"] = new JsonArray(
                Code("#!matcalc plot line \"tr(W W')\" --wrt W --where \"W: n x m\""),
                Code("var norms = new List<double>();\nfor (var k = 0; k < 5; k++) norms.Add(Math.Pow(10, -(1 << k)));"),
                Code("new SeriesChart(\"iteration k\", \"error\", [ChartSeries.Iterations(\"squared each step\", norms)], logY: true)")),
            ["metadata"] = new JsonObject(),
        };
        var one = NotebookCalc.Cli.NotebookRenderer.Execute(nb.ToJsonString(), "series");
        var two = NotebookCalc.Cli.NotebookRenderer.Execute(nb.ToJsonString(), "series");
        Assert.Equal(one.Page, two.Page);
        Assert.True(one.HasCharts);
        Assert.Contains("<script src=\"plotly.min.js\"></script>", one.Page);
        var output = Assert.Single(one.Outputs[2]);
        Assert.Contains("<div class=\"mc-chart\" id=\"mc-chart-2-1\"", output.Html);
        Assert.Equal("chart: error against iteration k (log scale)\nsquared each step: 5 points, from 0.1 to 1e-16", output.Plain);
        var chart = new SeriesChart("iteration k", "error", [ChartSeries.Iterations("squared each step", [0.1, 0.01, 1e-4, 1e-8, 1e-16])], logY: true);
        Assert.Contains("var f=" + NotebookCalc.Charts.Figure(chart) + ";", output.Html);
    }
}
