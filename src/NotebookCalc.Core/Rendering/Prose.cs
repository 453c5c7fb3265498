using System.Text;
using System.Text.RegularExpressions;

namespace NotebookCalc.Rendering;

/// <summary>Typography for prose written in Markdown: the subscripts of plain-text mathematics (X_ab, E_ij, ‖A‖²_F).</summary>
public static partial class Prose
{
    // A subscript follows a one-letter name (not the end of a longer word, so snake_case words stay as they are), a
    // closing bracket or norm bar, or a superscript; it is letters and digits, or anything in braces.
    [GeneratedRegex(@"(?<=(?:(?<![\p{Lu}\p{Ll}\p{Lo}_])\p{L}|[)\]‖|²³⁻¹ᵀ]))_(?:\{(?<s>[^{}<>]+)\}|(?<s>[\p{L}\p{N}]+))")]
    private static partial Regex Subscript();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    /// <summary>
    /// Source shown on a page with every line longer than <paramref name="max"/> characters cut, saying how long it was
    /// (a 5 MB expression in a cell must not make a 5 MB page).
    /// </summary>
    public static string ElideLongLines(string source, int max = 2000) =>
        source.Length <= max ? source
            : string.Join('\n', source.Split('\n').Select(l => l.Length <= max ? l : $"{l[..max]}… ({l.Length:N0} characters; the rest is not shown)"));

    /// <summary>
    /// HTML from Markdown with the subscripts of its text (not of code, preformatted text or tags) as &lt;sub&gt;.
    /// </summary>
    public static string Subscripts(string html)
    {
        var sb = new StringBuilder(html.Length);
        var code = 0;
        var at = 0;
        foreach (Match tag in Tag().Matches(html))
        {
            Text(html[at..tag.Index]);
            var name = tag.Value.TrimStart('<', '/').Split(' ', '>')[0].ToLowerInvariant();
            if (name is "code" or "pre" or "kbd" or "samp" or "script" or "style") code += tag.Value.StartsWith("</", StringComparison.Ordinal) ? -1 : 1;
            sb.Append(tag.Value);
            at = tag.Index + tag.Length;
        }
        Text(html[at..]);
        return sb.ToString();

        void Text(string text) => sb.Append(code > 0 ? text : Subscript().Replace(text, m => $"<sub>{m.Groups["s"].Value}</sub>"));
    }
}
