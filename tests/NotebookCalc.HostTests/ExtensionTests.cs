using Xunit.Abstractions;

namespace NotebookCalc.HostTests;

/// <summary>
/// The package in the real kernel: one test per bug that the host stubs could not show (NotebookCalc 0.1.0 in the
/// released tool). One kernel; the first load restores into an empty NuGet package folder.
/// </summary>
[Collection("host")]
public sealed class ExtensionTests(HostFixture host, ITestOutputHelper output)
{
    private static string Plain(Submission s) => string.Join("\n", s.Outputs.Select(o => o.Values.GetValueOrDefault("text/plain", "")));

    private static KernelEvent Single(Submission s)
    {
        Assert.True(s.Succeeded, s.Describe());
        return Assert.Single(s.DirectiveOutputs);
    }

    /// <summary>The one output of a bare or unknown #!matcalc (the parent directive's handler runs as the cell itself).</summary>
    private static KernelEvent Parent(Submission s)
    {
        Assert.True(s.Succeeded, s.Describe());
        return Assert.Single(s.Outputs);
    }

    [Fact]
    public void The_extension_works_in_the_kernel()
    {
        using var kernel = host.StartKernel();
        Assert.True(kernel.Submit(host.FeedDirective).Succeeded);
        var load = kernel.Submit(host.LoadDirective, TimeSpan.FromMinutes(8));
        Assert.True(load.Succeeded, load.Describe());
        output.WriteLine($"#r (restore included; the fixture's package folder starts empty): {load.Elapsed.TotalSeconds:F1} s");
        Assert.DoesNotContain(load.Outputs, o => o.Type == "ErrorProduced" || o.Values.Values.Any(v => v.Contains("Exception", StringComparison.Ordinal)));

        // 1. An exception in extension.dib is swallowed by the host (the #r cell stays green): the magic command must work.
        var help = Single(kernel.Submit("#!matcalc help"));
        Assert.Contains("#!matcalc gradient", help.Values["text/plain"]);

        // 2. Every subcommand is served by its own handler (not the last one registered, help).
        Assert.StartsWith("declared: W: n x m", Single(kernel.Submit("#!matcalc let \"W: n x m; s: scalar\"")).Values["text/plain"]);
        Assert.Equal("W W'  (n×n)", Single(kernel.Submit("#!matcalc show \"W W'\"")).Values["text/plain"]);
        var gradient = Single(kernel.Submit("#!matcalc gradient \"ln det(W W' + s^2 I)\" --wrt W"));
        Assert.Contains("∂f/∂W = 2 inv(W W' + s^2 I_n) W", gradient.Values["text/plain"]);
        Assert.Contains("verdict: wrong", Single(kernel.Submit("#!matcalc check \"tr(W W')\" --wrt W --claim \"W\"")).Values["text/plain"]);
        Assert.Contains("verdict: right", Single(kernel.Submit("#!matcalc check \"tr(W W')\" --wrt W --claim \"2 W\"")).Values["text/plain"]);
        var hessian = Single(kernel.Submit("#!matcalc hessian \"norm(A X - B)^2\" --wrt X --where \"A: p x n; X: n x m; B: p x m\""));
        Assert.Contains("∇²f[H] = 2 A' A H", hessian.Values["text/plain"]);
        Assert.Contains("<math", hessian.Values["text/html"]);
        Assert.Contains("DF(z)[H]", Single(kernel.Submit("#!matcalc jacobian \"softmax(z)\" --wrt z --where \"z: n\"")).Values["text/plain"]);
        Assert.Contains("verdict: right", Single(kernel.Submit("#!matcalc check \"norm(A X - B)^2\" --wrt X --where \"A: p x n; X: n x m; B: p x m\" --derivative hessian --claim \"2 A' A H\"")).Values["text/plain"]);

        // 5. Bundles, unknown subcommands, --where, missing values.
        Assert.Contains("<math", gradient.Values["text/html"]);
        Assert.Contains("\\", gradient.Values["text/latex"]);
        Assert.Equal("$W W^\\top$", Single(kernel.Submit("#!matcalc show \"W W'\"")).Values["text/latex"]);
        var unknown = Parent(kernel.Submit("#!matcalc nosuch \"x\""));
        Assert.Contains("MC4001", unknown.Values["text/plain"]);
        Assert.DoesNotContain("#!matcalc gradient", unknown.Values["text/plain"]);
        var where = Single(kernel.Submit("#!matcalc gradient \"tr(A X)\" --wrt X --where \"A: m x n; X: n x m\""));
        Assert.Contains("∂f/∂X = A'", where.Values["text/plain"]);
        Assert.Contains("MC4002", Single(kernel.Submit("#!matcalc gradient \"tr(W W')\"")).Values["text/plain"]);
        Assert.Contains("(n×n)", Single(kernel.Submit("#!matcalc show \"W W'\"\n// a comment below the directive")).Values["text/plain"]);

        // 3. Charts: drawn in the kernel (Plotly.NET's FSharp.Core conflict avoided), plotly.js embedded, no stack trace.
        var chart = Single(kernel.Submit("#!matcalc plot check \"ln det(W W' + s^2 I)\" --wrt W"));
        Assert.Contains("plotly.js v", chart.Values["text/html"]);
        Assert.Contains("class=\"mc-chart\"", chart.Values["text/html"]);
        Assert.Contains("central-difference error", chart.Values["text/plain"]);
        var line = Single(kernel.Submit("#!matcalc plot line \"tr(W W')\" --wrt W --seed 2"));
        Assert.DoesNotContain("plotly.js v", line.Values["text/html"]); // embedded once
        Assert.Contains("tangent", line.Values["text/html"]);
        Assert.Contains("MC4003", Single(kernel.Submit("#!matcalc plot pie \"tr(W W')\" --wrt W")).Values["text/plain"]);
        var xplot = kernel.Submit("XPlotCharts.Line(MatCalc.Gradient(\"tr(W W')\", \"W\", \"W: n x m\"))");
        Assert.True(xplot.Succeeded, xplot.Describe());
        Assert.DoesNotContain("Exception", string.Join("", xplot.Outputs.SelectMany(o => o.Values.Values)));
        // A chart of a C# cell's own numbers (SeriesChart, returned as the cell's value): drawn with the page's plotly.js,
        // log axis and its summary under it, the figure render would draw.
        var series = kernel.Submit("new SeriesChart(\"iteration k\", \"error\", [ChartSeries.Iterations(\"squared\", new[] { 0.1, 0.01, 1e-4, 1e-8 })], logY: true)");
        Assert.True(series.Succeeded, series.Describe());
        var seriesHtml = string.Join("", series.CodeOutputs.Select(o => o.Values.GetValueOrDefault("text/html", "")));
        Assert.Contains("class=\"mc-chart\"", seriesHtml);
        Assert.DoesNotContain("plotly.js v", seriesHtml); // embedded once, by the first chart of the kernel
        Assert.Contains("var f=" + NotebookCalc.Charts.Figure(new NotebookCalc.Notebook.SeriesChart("iteration k", "error",
            [NotebookCalc.Notebook.ChartSeries.Iterations("squared", [0.1, 0.01, 1e-4, 1e-8])], logY: true)) + ";", seriesHtml);
        Assert.Contains("squared: 4 points, from 0.1 to 1e-8", seriesHtml);

        // 4. C# cells see NotebookCalc's API without usings of their own.
        var csharp = kernel.Submit("""
            var f1 = MatCalc.Parse("tr(W W')", "W: n x m");
            var grad = MatCalc.Gradient(f1, "W", new GradientOptions { Check = false });
            Matrix<double> M = Matrix<double>.Build.Dense(2, 3, 1.0);
            var at = new Bindings();
            at.Set("W", M);
            Console.WriteLine(Evaluator.Evaluate(grad.Gradient, at)[0, 0]);
            """);
        Assert.True(csharp.Succeeded, csharp.Describe());
        Assert.Contains("2", Plain(csharp));

        // Value sharing: --at @csharp:name.
        Assert.True(kernel.Submit("var values = \"{\\\"A\\\": [[1, 2], [3, 4]]}\";").Succeeded);
        Assert.Contains("5", Single(kernel.Submit("#!matcalc eval \"tr(A)\" --at @csharp:values")).Values["text/plain"]);

        // Loading again is harmless: the magic command still works.
        var again = kernel.Submit(host.LoadDirective);
        Assert.True(again.Succeeded, again.Describe());
        Assert.Contains("#!matcalc gradient", Parent(kernel.Submit("#!matcalc")).Values["text/plain"]);
    }
}
