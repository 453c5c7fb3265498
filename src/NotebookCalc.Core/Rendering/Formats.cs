using NotebookCalc.Text;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;

namespace NotebookCalc.Rendering;

/// <summary>The representations (mime type → content) of every value NotebookCalc displays; used by the notebook
/// formatters, the CLI's html output and the static-site renderer.</summary>
public static class Formats
{
    public const string Html = "text/html", Plain = "text/plain", Latex = "text/latex";

    public static IReadOnlyDictionary<string, string> Of(object value) => value switch
    {
        GradientResult r => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Gradient(r), [Plain] = DerivationFormat.Text(r), [Latex] = DerivationFormat.Latex(r),
        },
        HessianResult h => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Hessian(h), [Plain] = DerivationFormat.Text(h), [Latex] = DerivationFormat.Latex(h),
        },
        JacobianResult j => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Jacobian(j), [Plain] = DerivationFormat.Text(j), [Latex] = DerivationFormat.Latex(j),
        },
        ClaimResult c => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Claim(c.Report, c.Variable, c.ShowAnswer), [Plain] = DerivationFormat.Text(c.Report, c.Variable, c.ShowAnswer),
        },
        Expression e => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Expression(e), [Plain] = $"{e.Text}  ({e.Shape})", [Latex] = $"${e.Latex}$",
        },
        DiagnosticsDisplay d => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Diagnostics(d.Source, d.Diagnostics), [Plain] = Text.DiagnosticFormatter.Format(d.Source, d.Diagnostics),
        },
        MatrixValue m => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Matrix(m.Value), [Plain] = MatrixText.Format(m.Value), [Latex] = $"${Rendering.Html.MatrixLatex(m.Value)}$",
        },
        Matrix<double> m => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Matrix(m), [Plain] = MatrixText.Format(m), [Latex] = $"${Rendering.Html.MatrixLatex(m)}$",
        },
        Vector<double> v => Of(v.ToColumnMatrix()),
        PlotRequest p => new Dictionary<string, string>
        {
            [Html] = Rendering.Html.Text(PlotSummary(p)), [Plain] = PlotSummary(p),
        },
        Message msg => new Dictionary<string, string> { [Html] = Rendering.Html.Text(msg.Text), [Plain] = msg.Text },
        Numerics.SeriesChart c => new Dictionary<string, string> { [Html] = Rendering.Html.Text(c.Summary()), [Plain] = c.Summary() },
        _ => new Dictionary<string, string> { [Plain] = value.ToString() ?? "" },
    };

    /// <summary>The numbers of a chart in words (the chart itself is drawn by the notebook package).</summary>
    public static string PlotSummary(PlotRequest p)
    {
        var r = p.Result;
        switch (p.Kind)
        {
            case "check":
            {
                var d = Numerics.ChartData.Convergence(r.Function, r.Variable, r.Gradient, p.Seed);
                var best = d.RelativeErrors.Select((e, i) => (e, h: d.Steps[i])).MinBy(x => x.e);
                return $"central-difference error vs h for ∂f/∂{r.Variable.Name}: smallest {Numbers.Show(best.e, "G2")} at h = {Numbers.Show(best.h, "G2")}; the check uses h = {Numbers.Show(d.ChosenStep, "G2")}";
            }
            case "line":
            {
                var d = Numerics.ChartData.Line(r.Function, r.Variable, r.Gradient, p.Seed);
                return $"φ(t) = f(X + tH) on [{Numbers.Show(d.T[0], "G3")}, {Numbers.Show(d.T[^1], "G3")}]; tangent slope ⟨∇f, H⟩ = {Numbers.Show(d.Slope, "G6")}";
            }
            default:
            {
                var d = Numerics.ChartData.Heatmap(r.Function, r.Variable, r.Gradient, p.Seed);
                return $"symbolic vs finite-difference ∂f/∂{r.Variable.Name}: largest entry difference {Numbers.Show(d.Difference.Enumerate().Max(Math.Abs), "G2")}";
            }
        }
    }
}
