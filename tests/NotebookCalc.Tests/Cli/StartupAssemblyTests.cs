using System.Diagnostics;
using Xunit;

namespace NotebookCalc.Tests.Cli;

/// <summary>
/// Start-up: the commands a person waits for at a terminal load only what they use. `matcalc` run as a process (the build
/// output beside the tests) with MATCALC_REPORT_ASSEMBLIES=1 lists the assemblies loaded at exit; none of the render-only
/// dependencies (Roslyn scripting, Markdig, Plotly.NET and its F# closure) may be among them. Timing is measured by the
/// StartupBench Cake target (docs/performance.md), not here.
/// </summary>
public class StartupAssemblyTests
{
    private static readonly string[] RenderOnly =
        ["Microsoft.CodeAnalysis", "Markdig", "Plotly.NET", "FSharp.Core", "XPlot.Plotly", "Giraffe.ViewEngine", "DynamicObj", "Fable.Core", "Newtonsoft.Json"];

    public static TheoryData<string, string[]> Commands()
    {
        var unit = Path.Combine(NotebookCalc.Tests.Support.Katex.RepoRoot(), "curriculum", "01-notation-and-frobenius");
        const string where = "X: a x b; W: b x c; Z: c x b";
        return new TheoryData<string, string[]>
        {
            { "show", ["show", "tr(X)", "--where", "X: n x n"] },
            { "eval", ["eval", "tr(A B)", "--at", "{values}"] },
            { "gradient", ["gradient", "norm(X W Z - X)^2", "--wrt", "W", "--where", where] },
            { "check", ["check", "norm(X W Z - X)^2", "--wrt", "W", "--claim", "2 X' (X W Z - X) Z'", "--where", where] },
            { "grade", ["grade", Path.Combine(unit, "solutions.ipynb"), "--key", Path.Combine(unit, "key.json")] },
            { "help", ["--help"] },
        };
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_command_other_than_render_loads_no_render_dependency(string name, string[] args)
    {
        var values = Path.Combine(Path.GetTempPath(), $"matcalc-startup-{Guid.NewGuid():N}.json");
        File.WriteAllText(values, """{"A": [[1,2],[3,4]], "B": [[0,1],[1,0]]}""");
        try
        {
            var cli = Path.Combine(AppContext.BaseDirectory, "matcalc.dll");
            Assert.True(File.Exists(cli), $"{cli} is not beside the tests");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(cli);
            foreach (var a in args) psi.ArgumentList.Add(a == "{values}" ? values : a);
            psi.Environment["MATCALC_REPORT_ASSEMBLIES"] = "1";
            using var p = Process.Start(psi)!;
            var stdoutTask = p.StandardOutput.ReadToEndAsync();
            var stderr = await p.StandardError.ReadToEndAsync();
            var stdout = await stdoutTask;
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"{name} exited {p.ExitCode}: {stderr}{stdout}");
            var loaded = stderr.Split('\n').Where(l => l.StartsWith("loaded: ", StringComparison.Ordinal)).Select(l => l["loaded: ".Length..].Trim()).ToList();
            if (name != "help") Assert.Contains("NotebookCalc.Core", loaded);
            var wrong = loaded.Where(a => RenderOnly.Any(r => a == r || a.StartsWith(r + ".", StringComparison.Ordinal))).ToList();
            Assert.True(wrong.Count == 0, $"`matcalc {name}` loaded {string.Join(", ", wrong)}");
        }
        finally { File.Delete(values); }
    }
}
