using System.Text.RegularExpressions;
using NotebookCalc.Interactive;
using NotebookCalc.Notebook;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Notebook;

/// <summary>The one table of verbs (MatCalcSession.Subcommands) and what is built from it for the kernel.</summary>
public class VerbTableTests
{
    [Fact]
    public void Every_subcommand_has_its_own_command_type_whose_properties_are_its_parameters()
    {
        var types = MatCalcSession.Subcommands.Select(s => MatcalcExtension.CommandType(s.Name)).ToList();
        Assert.Equal(types.Count, types.Distinct().Count()); // the kernel keeps one handler per command type
        foreach (var s in MatCalcSession.Subcommands)
        {
            var properties = MatcalcExtension.CommandType(s.Name).GetProperties().Where(p => p.DeclaringType == MatcalcExtension.CommandType(s.Name)).Select(p => p.Name).Order();
            Assert.Equal(s.Parameters.Select(MatCalcSession.PropertyName).Order(), properties);
        }
    }

    [Fact]
    public void The_directive_declares_at_most_one_implicit_parameter_per_subcommand_and_accepts_where()
    {
        var directive = MatcalcExtension.Directive(new MatCalcSession());
        Assert.Equal(MatCalcSession.Subcommands.Select(s => s.Name), directive.Subcommands.Select(s => s.Name));
        foreach (var sub in directive.Subcommands)
            Assert.True(sub.Parameters.Count(p => p.AllowImplicitName) <= 1, sub.Name);
        foreach (var name in new[] { "gradient", "check", "show", "eval", "plot" })
            Assert.Contains(directive.Subcommands.Single(s => s.Name == name).Parameters, p => p.Name == "--where");
    }

    [Fact]
    public void Where_declares_symbols_for_one_cell_and_unknown_subcommands_are_errors()
    {
        var s = new MatCalcSession();
        Assert.IsType<NotebookCalc.Calculus.GradientResult>(Assert.Single(s.Run("#!matcalc gradient \"tr(A X)\" --wrt X --where \"A: m x n; X: n x m\"")));
        Assert.Empty(s.DeclaredSymbols()); // --where lasts for the cell only
        var error = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc nosuch \"x\"")));
        Assert.Equal("MC4001", error.Diagnostics[0].Id);
    }

    [Fact]
    public void The_extension_script_opens_the_usings_that_render_gives_csharp_cells()
    {
        var dib = File.ReadAllText(Path.Combine(Katex.RepoRoot(), "src", "NotebookCalc", "interactive-extensions", "dotnet", "extension.dib"));
        var opened = Regex.Matches(dib, @"^using ([\w.]+);", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        // System, System.Linq and System.Collections.Generic are open in the kernel's C# already.
        Assert.Equal(MatCalcSession.CSharpUsings.Where(u => !u.StartsWith("System", StringComparison.Ordinal)), opened);
        Assert.Contains("NotebookCalc.Interactive.MatcalcExtension.Load(", dib);
    }
}
