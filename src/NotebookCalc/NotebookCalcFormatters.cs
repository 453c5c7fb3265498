using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;
using NotebookCalc.Notebook;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc;

/// <summary>Registers NotebookCalc's representations (see <see cref="Formats"/>) with the .NET Interactive formatter.</summary>
public static class NotebookCalcFormatters
{
    /// <summary>The types that get formatters.</summary>
    public static readonly IReadOnlyList<Type> Types =
        [typeof(GradientResult), typeof(HessianResult), typeof(JacobianResult), typeof(ClaimResult), typeof(Expression), typeof(DiagnosticsDisplay), typeof(MatrixValue), typeof(Matrix<double>), typeof(Vector<double>), typeof(Message), typeof(PlotRequest), typeof(SeriesChart)];

    private static bool _registered;

    /// <summary>The mime types a value is displayed with: every representation <see cref="Of"/> gives it.</summary>
    public static string[] MimeTypes(object value) => [.. Formats.Of(value).Keys];

    /// <summary>Every representation of a value; a chart's HTML is the chart itself (or a diagnostic when it cannot be drawn).</summary>
    public static IReadOnlyDictionary<string, string> Of(object value)
    {
        var all = Formats.Of(value);
        return value switch
        {
            PlotRequest plot => new Dictionary<string, string>(all) { [Formats.Html] = Charts.NotebookHtml(plot) },
            SeriesChart chart => new Dictionary<string, string>(all) { [Formats.Html] = Charts.NotebookHtml(chart) },
            _ => all,
        };
    }

    public static void Register()
    {
        if (_registered) return;
        _registered = true;
        foreach (var type in Types)
            foreach (var mime in new[] { Formats.Html, Formats.Plain, Formats.Latex })
                Formatter.Register(type, (value, writer) =>
                {
                    if (value is PlotRequest plot && mime == Formats.Html) { writer.Write(Charts.NotebookHtml(plot)); return; }
                    if (value is SeriesChart chart && mime == Formats.Html) { writer.Write(Charts.NotebookHtml(chart)); return; }
                    var all = Formats.Of(value);
                    writer.Write(all.TryGetValue(mime, out var text) ? text : all[Formats.Plain]);
                }, mime);
        // A chart returned by a C# cell is shown with its summary as text/plain too (the kernel's default for a returned
        // value is text/html alone), so a reader without HTML, and a test, sees the numbers the chart draws.
        Formatter.SetPreferredMimeTypesFor(typeof(SeriesChart), Formats.Html, Formats.Plain);
    }
}
