using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
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
public sealed record PlotRequest(string Kind, GradientResult Result, int Seed);

/// <summary>A matrix value with a caption.</summary>
public sealed record MatrixValue(string Caption, Matrix<double> Value);
