using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>
/// Runs the real extension.dib as C# script submissions (as the kernel does on load) against stand-ins of the host
/// types with the measured signatures, then invokes the registered handlers as the host would.
/// </summary>
[Collection("host")]
public class ExtensionLoadTests
{
    private static string ScriptCode()
    {
        var dib = File.ReadAllText(Path.Combine(Katex.RepoRoot(), "src", "NotebookCalc", "interactive-extensions", "dotnet", "extension.dib"));
        var start = dib.IndexOf("#!csharp", StringComparison.Ordinal);
        return dib[(start + "#!csharp".Length)..];
    }

    private static Kernel Load()
    {
        Kernel.ResetRoot();
        var options = ScriptOptions.Default
            .WithReferences(typeof(Kernel).Assembly, typeof(MatCalcSession).Assembly, typeof(NotebookCalcFormatters).Assembly,
                typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly)
            .WithImports("System", "System.Collections.Generic", "System.Linq", "System.Threading.Tasks");
        CSharpScript.RunAsync(ScriptCode(), options).GetAwaiter().GetResult();
        return Kernel.Root;
    }

    [Fact]
    public void The_script_compiles_and_registers_the_parent_and_every_subcommand()
    {
        var kernel = Load();
        var parent = kernel.Directives.Single(d => d.CommandType is null);
        Assert.Equal("#!matcalc", parent.Directive.Name);
        Assert.Equal(MatCalcSession.Subcommands.Select(s => s.Name), parent.Directive.Subcommands.Select(s => s.Name));
        Assert.Equal(MatCalcSession.Subcommands.Select(s => s.Name), kernel.Directives.Where(d => d.CommandType is not null).Select(d => d.Directive.Name));
        var gradient = parent.Directive.Subcommands.Single(s => s.Name == "gradient");
        Assert.True(gradient.Parameters.Single(p => p.Name == "--expr").AllowImplicitName);
        Assert.True(gradient.Parameters.Single(p => p.Name == "--wrt").Required);
        Assert.Equal(["all", "gateaux", "index", "differential"], gradient.Parameters.Single(p => p.Name == "--method").Completions!());
    }

    private static KernelInvocationContext Invoke(Kernel kernel, string subcommand, Dictionary<string, string> properties)
    {
        var (_, type, handler) = kernel.Directives.Single(d => d.Directive.Name == subcommand && d.CommandType is not null);
        var command = Activator.CreateInstance(type!)!;
        foreach (var (name, value) in properties) type!.GetProperty(name)!.SetValue(command, value);
        var context = new KernelInvocationContext();
        ((Task)handler.DynamicInvoke(command, context)!).GetAwaiter().GetResult();
        return context;
    }

    [Fact]
    public void Handlers_forward_to_the_session_and_display_its_values()
    {
        var kernel = Load();
        Invoke(kernel, "let", new() { ["Expr"] = "W: n x m; Omega: m x m symmetric; l1: scalar; l2: scalar" });
        // --wrt completions come from the declarations made so far.
        var wrt = kernel.Directives.Single(d => d.CommandType is null).Directive.Subcommands.Single(s => s.Name == "gradient").Parameters.Single(p => p.Name == "--wrt");
        Assert.Contains("Omega", wrt.Completions!());
        var context = Invoke(kernel, "gradient", new() { ["Expr"] = "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", ["Wrt"] = "W" });
        var (value, mimes) = Assert.Single(context.Displayed);
        var result = Assert.IsType<GradientResult>(value);
        Assert.Equal("W (l1 I_m + l2 inv(Omega))", result.Gradient.ToString());
        Assert.Equal(["text/html"], mimes);
        var missing = Invoke(kernel, "gradient", new() { ["Expr"] = "tr(W W')" });
        Assert.IsType<DiagnosticsDisplay>(Assert.Single(missing.Displayed).Value);
    }
}
