using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Text;

namespace NotebookCalc.Notebook;

// The values NotebookCalc displays (see Rendering.Formats). No host concepts: the notebook session that produces them
// lives in the NotebookCalc package.

/// <summary>A claim report with the variable it is about (for display).</summary>
/// <param name="ShowAnswer">False on exercise sheets (`--answer hidden`): the derived gradient is not printed, only the verdict,
/// the counterexample's numbers and the hints.</param>
public sealed record ClaimResult(ClaimReport Report, string Variable, bool ShowAnswer = true);

/// <summary>Diagnostics with the text they point into (for display with the span marked).</summary>
public sealed record DiagnosticsDisplay(string Source, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Plain text to show (help, confirmations).</summary>
public sealed record Message(string Text);

/// <summary>A chart of a gradient check: kind is check (convergence in h), line (φ(t) with its tangent) or heatmap.</summary>
public sealed record PlotRequest(string Kind, GradientResult Result, int Seed)
{
    /// <summary>
    /// The numbers of the chart in words (the chart itself is drawn by the notebook package), computed here — with the
    /// numerics — so that rendering only writes them out.
    /// </summary>
    public string Summary => Summarize();

    private string Summarize()
    {
        var r = Result;
        switch (Kind)
        {
            case "check":
            {
                var d = ChartData.Convergence(r.Function, r.Variable, r.Gradient, Seed);
                var best = d.RelativeErrors.Select((e, i) => (e, h: d.Steps[i])).MinBy(x => x.e);
                return $"central-difference error vs h for ∂f/∂{r.Variable.Name}: smallest {Numbers.Show(best.e, "G2")} at h = {Numbers.Show(best.h, "G2")}; the check uses h = {Numbers.Show(d.ChosenStep, "G2")}";
            }
            case "line":
            {
                var d = ChartData.Line(r.Function, r.Variable, r.Gradient, Seed);
                return $"φ(t) = f(X + tH) on [{Numbers.Show(d.T[0], "G3")}, {Numbers.Show(d.T[^1], "G3")}]; tangent slope ⟨∇f, H⟩ = {Numbers.Show(d.Slope, "G6")}";
            }
            default:
            {
                var d = ChartData.Heatmap(r.Function, r.Variable, r.Gradient, Seed);
                return $"symbolic vs finite-difference ∂f/∂{r.Variable.Name}: largest entry difference {Numbers.Show(d.Difference.Enumerate().Max(Math.Abs), "G2")}";
            }
        }
    }
}

/// <summary>A matrix value with a caption.</summary>
public sealed record MatrixValue(string Caption, Matrix<double> Value);
