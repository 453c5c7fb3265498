using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// The C# of other cells runs with Roslyn scripting; charts are drawn with the site's own copy of plotly.js. Output is deterministic for the seeds in the cells.
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

    /// <summary>A rendered page: its file name in the site, its title, and the group (folder) it is listed under.</summary>
    public sealed record Page(string File, string Title, string Group);

    /// <summary>
    /// The pages for the given notebooks, in order: a page is named after its notebook, prefixed with the notebook's folder
    /// when two inputs share a name (curriculum/01-x/lesson.ipynb → 01-x-lesson.html), and grouped by folder.
    /// </summary>
    public static IReadOnlyList<Page> Pages(IReadOnlyList<string> paths)
    {
        static string Folder(string p) => Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(p))) ?? "";
        var stems = paths.Select(Path.GetFileNameWithoutExtension).ToList();
        return paths.Select((p, i) =>
        {
            var stem = stems[i]!;
            var file = (stems.Count(s => s == stem) > 1 ? Folder(p) + "-" + stem : stem) + ".html";
            var title = File.Exists(p) ? Title(ReadOrEmpty(p), stem) : stem;
            return new Page(file, title, Folder(p));
        }).ToList();

        static string ReadOrEmpty(string p)
        {
            try { return NotebookFiles.ReadAsIpynb(p, File.ReadAllText(p)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException) { return ""; }
        }
    }

    /// <summary>An index page linking every rendered page, in order, under a heading per folder.</summary>
    public static string Index(IReadOnlyList<Page> pages)
    {
        var sb = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>NotebookCalc</title></head>" +
            "<body style=\"max-width:60em;margin:2em auto;padding:0 1em;font-family:system-ui,sans-serif\"><h1>NotebookCalc — worked examples and course</h1>" +
            $"<p>{pages.Count} notebooks, executed by <code>matcalc render</code>: every derivation, check and chart on these pages was " +
            "computed when the site was built. Mathematics is MathML and the charts use a local copy of plotly.js, so the pages work offline.</p>");
        foreach (var group in pages.GroupBy(p => p.Group))
        {
            // A course unit is headed by its lesson's title; other folders by their name.
            var lesson = group.FirstOrDefault(p => p.File.EndsWith("lesson.html", StringComparison.Ordinal));
            var heading = lesson?.Title ?? (group.Key.Length > 0 ? Capitalise(group.Key) : "Pages");
            sb.Append("<h2>").Append(Html.Escape(heading)).Append("</h2><ol>");
            foreach (var p in group)
            {
                // Under a unit's heading, its pages are named by what they are: "Lesson", "Exercises".
                var label = lesson is null ? p.Title
                    : p.Title == heading ? "Lesson"
                    : p.Title.StartsWith(heading + ":", StringComparison.Ordinal) ? Capitalise(p.Title[(heading.Length + 1)..].Trim())
                    : p.Title;
                sb.Append($"<li><a href=\"{Html.Escape(p.File)}\">{Prose.Subscripts(Html.Escape(label))}</a></li>");
            }
            sb.Append("</ol>");
        }
        return sb.Append("</body></html>").ToString();
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Navigation links for a page: the index, the previous and the next page.</summary>
    public static string Navigation(IReadOnlyList<Page> pages, int i) =>
        "<nav style=\"margin-bottom:1em\"><a href=\"index.html\">Index</a>" +
        (i > 0 ? $" · <a href=\"{Html.Escape(pages[i - 1].File)}\">← {Prose.Subscripts(Html.Escape(pages[i - 1].Title))}</a>" : "") +
        (i < pages.Count - 1 ? $" · <a href=\"{Html.Escape(pages[i + 1].File)}\">{Prose.Subscripts(Html.Escape(pages[i + 1].Title))} →</a>" : "") + "</nav>";

    /// <summary>What a cell printed: HTML for the page and plain text (both also go into the notebook with --in-place).</summary>
    public sealed record CellOutput(string Html, string Plain);

    /// <summary>An executed notebook: the page, the outputs of each cell (by cell position) and whether it drew charts.</summary>
    public sealed record Executed(string Page, IReadOnlyList<IReadOnlyList<CellOutput>> Outputs, bool HasCharts);

    public static string Render(string notebookJson, string title, string navigation = "") => Execute(notebookJson, title, navigation).Page;

    /// <summary>
    /// Runs every cell in order — #!matcalc lines through one <see cref="MatCalcSession"/>, the rest of a code cell as C#
    /// script — and builds the page. Charts are drawn with the site's own copy of plotly.js (<see cref="Charts.PlotlyJsFile"/>).
    /// </summary>
    public static Executed Execute(string notebookJson, string title, string navigation = "")
    {
        using var doc = JsonDocument.Parse(notebookJson, new JsonDocumentOptions { MaxDepth = 64 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            throw new MatcalcException(title, Diagnostic.Error("MC5001", new TextSpan(0, title.Length), $"{title} is not a notebook (no \"cells\" array).", "Pass a .ipynb file saved by Polyglot Notebooks or Jupyter."));
        var session = new MatCalcSession();
        ScriptState<object>? csharp = null;
        var outputs = new List<IReadOnlyList<CellOutput>>();
        var charts = 0;
        var body = new StringBuilder();
        foreach (var cell in cells.EnumerateArray())
        {
            var cellOutputs = new List<CellOutput>();
            outputs.Add(cellOutputs);
            var type = cell.ValueKind == JsonValueKind.Object && cell.TryGetProperty("cell_type", out var t) ? t.GetString() : null;
            var source = type is not null && cell.TryGetProperty("source", out var s)
                ? s.ValueKind == JsonValueKind.Array ? string.Concat(s.EnumerateArray().Select(x => x.GetString())) : s.GetString() ?? ""
                : "";
            if (type == "markdown") { body.Append(Prose.Subscripts(Markdig.Markdown.ToHtml(source, Markdown))); continue; }
            if (type != "code") continue;
            body.Append("<pre class=\"cell\"><code>").Append(Html.Escape(Prose.ElideLongLines(source.TrimEnd()))).Append("</code></pre>");
            var lines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            foreach (var line in lines.Where(l => l.StartsWith("#!matcalc", StringComparison.Ordinal)))
                foreach (var value in session.Run(line, name => SharedValue(csharp, name)))
                {
                    var formats = Formats.Of(value);
                    var html = formats.TryGetValue(Formats.Html, out var h) ? h : Html.Text(formats[Formats.Plain]);
                    if (value is PlotRequest plot)
                        html = Charts.StaticHtml(plot, $"mc-chart-{++charts}") + html;
                    cellOutputs.Add(new CellOutput(html, formats[Formats.Plain]));
                }
            // The C# of the cell (without #r/#i/#! directives) runs in one script state per notebook.
            var code = string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith('#')));
            if (!code.Split('\n').All(l => string.IsNullOrWhiteSpace(l) || l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
            {
                var (state, output) = RunCSharp(csharp, code, ref charts);
                csharp = state ?? csharp;
                cellOutputs.Add(output);
            }
            foreach (var o in cellOutputs) body.Append("<div class=\"out\">").Append(o.Html).Append("</div>");
        }
        var page = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Html.Escape(title)).Append("</title><style>body{max-width:70em;margin:2em auto;padding:0 1em;font-family:system-ui,sans-serif}")
            .Append("pre.cell{background:#f6f8fa;padding:.6em;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}.out{margin:.4em 0 1.6em 1em}.out pre{white-space:pre-wrap;overflow-wrap:anywhere}</style>")
            .Append(charts > 0 ? $"<script src=\"{Charts.PlotlyJsFile}\"></script>" : "")
            .Append("</head><body>").Append(navigation).Append(body).Append("</body></html>");
        return new Executed(page.ToString(), outputs, charts > 0);
    }

    /// <summary>
    /// The notebook with each code cell's outputs replaced by the executed ones (display_data with text/html and
    /// text/plain), so a viewer that does not run code (GitHub) shows the results. Everything else is kept as it was.
    /// </summary>
    public static string WithOutputs(string notebookJson, Executed executed)
    {
        var root = JsonNode.Parse(notebookJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsObject();
        var cells = root["cells"]!.AsArray();
        var count = 0;
        for (var i = 0; i < cells.Count && i < executed.Outputs.Count; i++)
        {
            if (cells[i] is not JsonObject cell || cell["cell_type"]?.GetValue<string>() != "code") continue;
            var outs = new JsonArray();
            foreach (var o in executed.Outputs[i])
                outs.Add(new JsonObject
                {
                    ["output_type"] = "display_data",
                    ["data"] = new JsonObject { [Formats.Html] = Lines(o.Html), [Formats.Plain] = Lines(o.Plain) },
                    ["metadata"] = new JsonObject(),
                });
            cell["outputs"] = outs;
            cell["execution_count"] = outs.Count > 0 ? ++count : null;
        }
        return root.ToJsonString(NotebookJson) + "\n";

        static JsonArray Lines(string text)
        {
            var parts = text.Split('\n');
            return new JsonArray(parts.Select((l, k) => (JsonNode)JsonValue.Create(k < parts.Length - 1 ? l + "\n" : l)!).ToArray());
        }
    }

    private static readonly JsonSerializerOptions NotebookJson = new()
    {
        WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Value sharing as in the notebook host: `@csharp:name` is the C# variable's value — a string as it is, anything else
    /// as JSON (so `--at @csharp:values` works with a string of JSON or with, say, a dictionary of arrays).
    /// </summary>
    private static string? SharedValue(ScriptState<object>? state, string name)
    {
        var variable = state?.Variables.LastOrDefault(v => v.Name == name);
        return variable?.Value switch
        {
            null => null,
            string s => s,
            var v => JsonSerializer.Serialize(v),
        };
    }

    private static readonly ScriptOptions CSharpOptions = ScriptOptions.Default
        .WithReferences(typeof(MatCalc).Assembly, typeof(MathNet.Numerics.LinearAlgebra.Matrix<double>).Assembly)
        .WithImports(MatCalcSession.CSharpUsings); // the usings the kernel's C# cells get from the extension

    /// <summary>Failed C# cells in the last render (compile or run-time errors, time-outs).</summary>
    [ThreadStatic] public static int FailedCells;

    /// <summary>
    /// Runs a C# cell (Roslyn scripting, 30 s limit); returns the new state and the HTML of its output. A cell whose value
    /// is a <see cref="Notebook.SeriesChart"/> draws it, numbered after the page's other charts.
    /// </summary>
    private static (ScriptState<object>? State, CellOutput Output) RunCSharp(ScriptState<object>? previous, string code, ref int charts)
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
            var plain = console.ToString();
            if (plain.Length > 0) sb.Append("<pre>").Append(Html.Escape(plain)).Append("</pre>");
            if (state.ReturnValue is { } value)
            {
                var formats = Formats.Of(value);
                if (value is Notebook.SeriesChart chart) sb.Append(Charts.StaticHtml(chart, $"mc-chart-{++charts}"));
                else sb.Append(formats.TryGetValue(Formats.Html, out var html) ? html : $"<pre>{Html.Escape(formats[Formats.Plain])}</pre>");
                plain += formats[Formats.Plain];
            }
            return (state, new CellOutput(sb.ToString(), plain));
        }
        catch (Exception ex) when (ex is CompilationErrorException or AggregateException or TimeoutException)
        {
            FailedCells++;
            var message = ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
            return (null, new CellOutput($"<pre class=\"mc-diag\" style=\"background:#fff4f4\">C# cell failed: {Html.Escape(message)}</pre>", $"C# cell failed: {message}"));
        }
        finally
        {
            Console.SetOut(saved);
        }
    }
}
