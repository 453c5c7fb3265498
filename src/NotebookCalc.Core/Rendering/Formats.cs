using NotebookCalc.Text;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Notebook;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

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
        SeriesChart c => new Dictionary<string, string> { [Html] = Rendering.Html.Text(c.Summary()), [Plain] = c.Summary() },
        _ => new Dictionary<string, string> { [Plain] = value.ToString() ?? "" },
    };

    /// <summary>The numbers of a chart in words, computed with the request (<see cref="PlotRequest.Summary"/>).</summary>
    public static string PlotSummary(PlotRequest p) => p.Summary;
}
