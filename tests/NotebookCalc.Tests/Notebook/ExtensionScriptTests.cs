using System.Text.RegularExpressions;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>The extension.dib shim registers every subcommand the session supports and binds every parameter.</summary>
public class ExtensionScriptTests
{
    private static readonly string Script = File.ReadAllText(Path.Combine(Katex.RepoRoot(), "src", "NotebookCalc", "interactive-extensions", "dotnet", "extension.dib"));

    [Fact]
    public void Every_parameter_has_a_property_on_the_directive_command()
    {
        var properties = Regex.Matches(Script, @"public string (\w+) \{ get; set; \}").Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var p in MatCalcSession.Subcommands.SelectMany(s => s.Parameters))
            Assert.Contains(MatCalcSession.PropertyName(p), properties);
    }

    [Fact]
    public void It_declares_the_directive_from_the_session_and_forwards_to_it()
    {
        // The parent with the non-generic overload (else DNI101), then every subcommand of MatCalcSession.Subcommands.
        Assert.Contains("new KernelActionDirective(\"#!matcalc\")", Script);
        Assert.Matches(@"matcalcRoot\.AddDirective\(matcalcDirective, \(command, context\)", Script);
        Assert.Contains("foreach (var info in MatCalcSession.Subcommands)", Script);
        Assert.Contains("matcalcDirective.Subcommands.Add(sub);", Script);
        Assert.Matches(@"AddDirective<MatcalcDirectiveCommand>\(sub,", Script);
        Assert.Contains("matcalcSession.Execute(name, MatCalcSession.ArgumentsFrom(command))", Script);
        Assert.Contains("NotebookCalcFormatters.Register();", Script);
        Assert.True(Script.Split('\n').Length < 80, "keep the shim short: behaviour belongs in tested C#");
    }

    /// <summary>A stand-in with the same property names as the script's command class.</summary>
    private sealed class FakeCommand
    {
        public string? Expr { get; set; }
        public string? Wrt { get; set; }
        public string? Method { get; set; }
        public string? Check { get; set; }
        public string? Seed { get; set; }
        public string? Dims { get; set; }
        public string? Claim { get; set; }
        public string? At { get; set; }
        public string? Kind { get; set; }
    }

    [Fact]
    public void Arguments_bind_from_the_command_object_as_the_host_fills_it()
    {
        var args = MatCalcSession.ArgumentsFrom(new FakeCommand { Expr = "tr(W W')", Wrt = "W", Method = "index", Seed = "3" });
        Assert.Equal("tr(W W')", args["expr"]);
        Assert.Equal("W", args["--wrt"]);
        Assert.Equal("index", args["--method"]);
        Assert.False(args.ContainsKey("--claim"));
        var s = new MatCalcSession();
        s.Run("#!matcalc let \"W: n x m\"");
        var r = Assert.IsType<NotebookCalc.Calculus.GradientResult>(Assert.Single(s.Execute("gradient", args)));
        Assert.Equal(3, r.Check!.Seed);
    }
}
