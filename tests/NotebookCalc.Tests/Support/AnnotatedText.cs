using NotebookCalc.Text;

namespace NotebookCalc.Tests.Support;

/// <summary>
/// An expression with its expected diagnostic span marked by ⟦…⟧, as minsk's AnnotatedText marks spans with [...]
/// (matcalc uses [ ] as brackets, never ⟦ ⟧): "sum(⟦relu⟧(X))" is the text "sum(relu(X))" with the span 4..8.
/// </summary>
public sealed record AnnotatedText(string Text, TextSpan Span)
{
    public static AnnotatedText Parse(string annotated)
    {
        var open = annotated.IndexOf('⟦');
        var close = annotated.IndexOf('⟧');
        if (open < 0 || close < open || annotated.IndexOf('⟦', open + 1) >= 0 || annotated.IndexOf('⟧', close + 1) >= 0)
            throw new ArgumentException($"'{annotated}' must mark exactly one span with ⟦…⟧.");
        var text = annotated.Remove(close, 1).Remove(open, 1);
        return new AnnotatedText(text, TextSpan.FromBounds(open, close - 1));
    }

    /// <summary>Asserts that parsing the text fails with one diagnostic <paramref name="id"/> exactly at the marked span,
    /// with a message and a hint; returns the diagnostic for further checks.</summary>
    public static Diagnostic AssertDiagnostic(string annotated, string? where, string id)
    {
        var t = Parse(annotated);
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Parse(t.Text, where));
        var d = Assert.Single(ex.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.True(t.Span == d.Span,
            $"expected the span ⟦{t.Text.Substring(t.Span.Start, t.Span.Length)}⟧ at {t.Span}, got '{t.Text.Substring(d.Span.Start, Math.Min(d.Span.Length, t.Text.Length - d.Span.Start))}' at {d.Span}: {d.Message}");
        Assert.Matches("[.?]$", d.Message); // a full sentence
        Assert.False(string.IsNullOrWhiteSpace(d.Hint));
        return d;
    }
}
