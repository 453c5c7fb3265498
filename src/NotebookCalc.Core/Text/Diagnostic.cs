namespace NotebookCalc.Text;

public enum Severity { Error, Warning, Info }

/// <summary>A problem in the user's input, located by span. Reported, never thrown past the facade.</summary>
/// <param name="Id">Stable code: MC0xxx syntax, MC1xxx declarations and shapes, MC2xxx differentiation, MC3xxx numerics.</param>
/// <param name="Hint">What to do about it, as one sentence.</param>
public sealed record Diagnostic(string Id, Severity Severity, TextSpan Span, string Message, string? Hint = null)
{
    /// <summary>An error with a code from <see cref="DiagnosticCatalog"/>; an uncatalogued code, or one catalogued with
    /// another severity, is a bug and throws.</summary>
    public static Diagnostic Error(string id, TextSpan span, string message, string? hint = null) =>
        Catalogued(id, Severity.Error).At(span, message, hint);

    public static Diagnostic Info(string id, TextSpan span, string message, string? hint = null) =>
        Catalogued(id, Severity.Info).At(span, message, hint);

    private static DiagnosticDescriptor Catalogued(string id, Severity severity)
    {
        var d = DiagnosticCatalog.Get(id);
        return d.Severity == severity ? d : throw new InvalidOperationException($"{id} is catalogued as {d.Severity}, not {severity}.");
    }
}

/// <summary>Carries user-facing diagnostics out of a phase. Caught at the facade, CLI and session; never shown as a trace.</summary>
public sealed class MatcalcException : Exception
{
    public MatcalcException(string source, IReadOnlyList<Diagnostic> diagnostics)
        : base(diagnostics.Count > 0 ? diagnostics[0].Message : "error")
    {
        Source = source;
        Diagnostics = diagnostics;
    }

    public MatcalcException(string source, Diagnostic diagnostic) : this(source, [diagnostic]) { }

    /// <summary>The text the spans refer to.</summary>
    public new string Source { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public override string ToString() => DiagnosticFormatter.Format(Source, Diagnostics);
}

/// <summary>Prints diagnostics the way compilers do: position, message, the line with the span underlined, then the hint.</summary>
public static class DiagnosticFormatter
{
    public static string Format(string source, IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => Format(source, d)));

    public static string Format(string source, Diagnostic d)
    {
        var sb = new System.Text.StringBuilder();
        var kind = d.Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "note" };
        var (line, column) = Position(source, d.Span.Start);
        sb.Append($"{kind} {d.Id} at {line}:{column}: {d.Message}");
        if (source.Length > 0)
        {
            var (lineText, lineStart) = LineAt(source, d.Span.Start);
            var start = Math.Clamp(d.Span.Start - lineStart, 0, lineText.Length);
            var length = Math.Clamp(d.Span.Length, 1, Math.Max(1, lineText.Length - start + 1));
            (lineText, start, length) = Window(lineText, start, length);
            sb.AppendLine();
            sb.Append("  ").AppendLine(lineText);
            sb.Append("  ").Append(new string(' ', start)).Append(new string('^', length));
        }
        if (d.Hint is not null)
            sb.AppendLine().Append("  hint: ").Append(d.Hint);
        return sb.ToString();
    }

    /// <summary>The longest stretch of a source line that a message quotes; a longer line is cut around the span with "…".</summary>
    public const int MaxQuote = 120;

    /// <summary>
    /// The part of <paramref name="line"/> a message quotes: all of it when short, else <see cref="MaxQuote"/> characters
    /// around the span with an ellipsis for what is left out; the span's start and length moved to match.
    /// </summary>
    public static (string Text, int Start, int Length) Window(string line, int start, int length)
    {
        if (line.Length <= MaxQuote) return (line, start, length);
        var from = Math.Clamp(start - MaxQuote / 3, 0, line.Length - MaxQuote);
        var to = from + MaxQuote;
        var text = (from > 0 ? "…" : "") + line[from..to] + (to < line.Length ? "…" : "");
        var shift = from > 0 ? 1 : 0;
        var newStart = start - from + shift;
        var newLength = Math.Clamp(length, 1, Math.Max(1, to - start));
        return (text, newStart, newLength);
    }

    /// <summary>A quotation of user input in a message: the text itself when short, else its start and length with "…".</summary>
    public static string Quote(string text, int max = MaxQuote) =>
        text.Length <= max ? text : $"{text[..(max - 1)]}… ({text.Length:N0} characters)";

    public static (int Line, int Column) Position(string source, int offset)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        int line = 1, column = 1;
        for (var i = 0; i < offset; i++)
        {
            if (source[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return (line, column);
    }

    public static (string Text, int Start) LineAt(string source, int offset)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        var start = offset == 0 ? 0 : source.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        if (offset > 0 && offset <= source.Length && source[offset - 1] == '\n') start = offset;
        var end = source.IndexOf('\n', start);
        if (end < 0) end = source.Length;
        return (source[start..end].TrimEnd('\r'), start);
    }
}
