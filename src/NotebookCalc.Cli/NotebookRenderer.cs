using System.Text;
using System.Text.Json;
using Markdig;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>
/// `matcalc render`: executes the #!matcalc cells of Polyglot notebooks with the same MatCalcSession the notebook
/// extension uses and writes one static HTML page per notebook (markdown rendered, raw HTML in markdown disabled).
/// Other C# cells are shown, not run. Output is deterministic for the seeds in the cells.
/// </summary>
public static class NotebookRenderer
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().DisableHtml().UseAdvancedExtensions().Build();

    /// <summary>The first markdown heading of a notebook (its title in the index), or the file name.</summary>
    public static string Title(string notebookJson, string fallback)
    {
        try
        {
            using var doc = JsonDocument.Parse(notebookJson);
            foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            {
                if (cell.GetProperty("cell_type").GetString() != "markdown") continue;
                var src = cell.GetProperty("source");
                var text = src.ValueKind == JsonValueKind.Array ? string.Concat(src.EnumerateArray().Select(x => x.GetString())) : src.GetString() ?? "";
                var heading = text.Split('\n').FirstOrDefault(l => l.StartsWith('#'));
                if (heading is not null) return heading.TrimStart('#').Trim();
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException) { }
        return fallback;
    }

    /// <summary>An index page linking every rendered page, in order.</summary>
    public static string Index(IReadOnlyList<(string File, string Title)> pages) =>
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>NotebookCalc</title></head>" +
        "<body style=\"max-width:60em;margin:2em auto;font-family:system-ui,sans-serif\"><h1>NotebookCalc — worked examples</h1><ol>" +
        string.Concat(pages.Select(p => $"<li><a href=\"{Html.Escape(p.File)}\">{Html.Escape(p.Title)}</a></li>")) + "</ol></body></html>";

    /// <summary>Navigation links for a page: the index, the previous and the next page.</summary>
    public static string Navigation(IReadOnlyList<(string File, string Title)> pages, int i) =>
        "<nav style=\"margin-bottom:1em\"><a href=\"index.html\">Index</a>" +
        (i > 0 ? $" · <a href=\"{Html.Escape(pages[i - 1].File)}\">← {Html.Escape(pages[i - 1].Title)}</a>" : "") +
        (i < pages.Count - 1 ? $" · <a href=\"{Html.Escape(pages[i + 1].File)}\">{Html.Escape(pages[i + 1].Title)} →</a>" : "") + "</nav>";

    public static string Render(string notebookJson, string title, string navigation = "")
    {
        using var doc = JsonDocument.Parse(notebookJson, new JsonDocumentOptions { MaxDepth = 64 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            throw new MatcalcException(title, Diagnostic.Error("MC5001", new TextSpan(0, title.Length), $"{title} is not a notebook (no \"cells\" array).", "Pass a .ipynb file saved by Polyglot Notebooks or Jupyter."));
        var session = new MatCalcSession();
        ScriptState<object>? csharp = null;
        var sb = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Html.Escape(title)).Append("</title><style>body{max-width:70em;margin:2em auto;padding:0 1em;font-family:system-ui,sans-serif}")
            .Append("pre.cell{background:#f6f8fa;padding:.6em;border-radius:4px;overflow-x:auto}.out{margin:.4em 0 1.6em 1em}</style></head><body>")
            .Append(navigation);
        foreach (var cell in cells.EnumerateArray())
        {
            var type = cell.TryGetProperty("cell_type", out var t) ? t.GetString() : null;
            var source = cell.TryGetProperty("source", out var s)
                ? s.ValueKind == JsonValueKind.Array ? string.Concat(s.EnumerateArray().Select(x => x.GetString())) : s.GetString() ?? ""
                : "";
            if (type == "markdown") { sb.Append(Markdig.Markdown.ToHtml(source, Markdown)); continue; }
            if (type != "code") continue;
            sb.Append("<pre class=\"cell\"><code>").Append(Html.Escape(source.TrimEnd())).Append("</code></pre>");
            var lines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            foreach (var line in lines.Where(l => l.StartsWith("#!matcalc", StringComparison.Ordinal)))
                foreach (var value in session.Run(line))
                    sb.Append("<div class=\"out\">").Append(Formats.Of(value)[Formats.Html]).Append("</div>");
            // The C# of the cell (without #r/#i/#! directives) runs in one script state per notebook.
            var code = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith('#')));
            if (code.Split('\n').All(l => string.IsNullOrWhiteSpace(l) || l.TrimStart().StartsWith("//", StringComparison.Ordinal))) continue;
            var (state, output) = RunCSharp(csharp, code);
            csharp = state ?? csharp;
            sb.Append("<div class=\"out\">").Append(output).Append("</div>");
        }
        return sb.Append("</body></html>").ToString();
    }

    private static readonly ScriptOptions CSharpOptions = ScriptOptions.Default
        .WithReferences(typeof(MatCalc).Assembly, typeof(MathNet.Numerics.LinearAlgebra.Matrix<double>).Assembly)
        .WithImports("System", "System.Linq", "System.Collections.Generic", "NotebookCalc", "NotebookCalc.Calculus",
            "NotebookCalc.Numerics", "MathNet.Numerics.LinearAlgebra");

    /// <summary>Failed C# cells in the last render (compile or run-time errors, time-outs).</summary>
    [ThreadStatic] public static int FailedCells;

    /// <summary>Runs a C# cell (Roslyn scripting, 30 s limit); returns the new state and the HTML of its output.</summary>
    private static (ScriptState<object>? State, string Html) RunCSharp(ScriptState<object>? previous, string code)
    {
        var console = new StringWriter();
        var saved = Console.Out;
        try
        {
            Console.SetOut(console);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var task = previous is null ? CSharpScript.RunAsync(code, CSharpOptions, cancellationToken: cts.Token) : previous.ContinueWithAsync(code, CSharpOptions, cts.Token);
            if (!task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the cell ran for more than 30 s");
            var state = task.Result;
            var sb = new StringBuilder();
            if (console.ToString().Length > 0) sb.Append("<pre>").Append(Html.Escape(console.ToString())).Append("</pre>");
            if (state.ReturnValue is { } value)
            {
                var formats = Formats.Of(value);
                sb.Append(formats.TryGetValue(Formats.Html, out var html) ? html : $"<pre>{Html.Escape(formats[Formats.Plain])}</pre>");
            }
            return (state, sb.ToString());
        }
        catch (Exception ex) when (ex is CompilationErrorException or AggregateException or TimeoutException)
        {
            FailedCells++;
            var message = ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
            return (null, $"<pre class=\"mc-diag\" style=\"background:#fff4f4\">C# cell failed: {Html.Escape(message)}</pre>");
        }
        finally
        {
            Console.SetOut(saved);
        }
    }
}
