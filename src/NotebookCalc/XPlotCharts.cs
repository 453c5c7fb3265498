using NotebookCalc.Numerics;
using XPlot.Plotly;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc;

/// <summary>The same charts as <see cref="Charts"/>, as XPlot.Plotly charts for notebooks that already use XPlot.</summary>
public static class XPlotCharts
{
    public static PlotlyChart Convergence(GradientResult r, int seed = 1)
    {
        var d = ChartData.Convergence(r.Function, r.Variable, r.Gradient, seed);
        var chart = Chart.Plot(new[]
        {
            new Scatter { x = d.Steps, y = d.RelativeErrors, mode = "lines+markers", name = "relative error" },
            new Scatter { x = new[] { d.ChosenStep }, y = new[] { Nearest(d, d.ChosenStep) }, mode = "markers", name = $"chosen h = {NotebookCalc.Text.Numbers.Show(d.ChosenStep, "G2")}" },
        });
        chart.WithLayout(new Layout.Layout
        {
            xaxis = new Xaxis { type = "log", title = "step h", exponentformat = "power", dtick = 1 },
            yaxis = new Yaxis { type = "log", title = "relative error of the central difference", exponentformat = "power", dtick = 1 },
        });
        return chart;
    }

    public static PlotlyChart Line(GradientResult r, int seed = 1)
    {
        var d = ChartData.Line(r.Function, r.Variable, r.Gradient, seed);
        var chart = Chart.Plot(new[]
        {
            new Scatter { x = d.T, y = d.Phi, mode = "lines", name = "φ(t) = f(X + tH)" },
            new Scatter { x = d.T, y = d.Tangent, mode = "lines", name = $"tangent, slope {d.Slope:G4}" },
        });
        chart.WithLayout(new Layout.Layout { xaxis = new Xaxis { title = "t" }, yaxis = new Yaxis { title = "φ(t)" } });
        return chart;
    }

    public static IReadOnlyList<PlotlyChart> Heatmaps(GradientResult r, int seed = 1)
    {
        var d = ChartData.Heatmap(r.Function, r.Variable, r.Gradient, seed);
        return new[] { d.Symbolic, d.FiniteDifference, d.Difference }
            .Select(m => Chart.Plot(new Heatmap { z = m.ToRowArrays() })).ToList();
    }

    private static double Nearest(ConvergenceData d, double h) =>
        d.RelativeErrors[Enumerable.Range(0, d.Steps.Count).MinBy(i => Math.Abs(Math.Log(d.Steps[i]) - Math.Log(h)))];
}
