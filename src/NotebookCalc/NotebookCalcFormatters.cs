using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;

namespace NotebookCalc;

/// <summary>Registers NotebookCalc's representations (see <see cref="Formats"/>) with the .NET Interactive formatter.</summary>
public static class NotebookCalcFormatters
{
    /// <summary>The types that get formatters, and the mime types each offers.</summary>
    public static readonly IReadOnlyList<Type> Types =
        [typeof(GradientResult), typeof(ClaimResult), typeof(Expression), typeof(DiagnosticsDisplay), typeof(MatrixValue), typeof(Matrix<double>), typeof(Vector<double>), typeof(Message), typeof(PlotRequest)];

    private static bool _registered;

    public static void Register()
    {
        if (_registered) return;
        _registered = true;
        foreach (var type in Types)
            foreach (var mime in new[] { Formats.Html, Formats.Plain, Formats.Latex })
                Formatter.Register(type, (value, writer) =>
                {
                    if (value is PlotRequest plot && mime == Formats.Html) { writer.Write(Charts.Html(plot)); return; }
                    var all = Formats.Of(value);
                    writer.Write(all.TryGetValue(mime, out var text) ? text : all[Formats.Plain]);
                }, mime);
    }
}
