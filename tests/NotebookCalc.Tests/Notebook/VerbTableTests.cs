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
            // Ours, declared on the type or the base it shares with its siblings — not the host's KernelCommand properties.
            var properties = MatcalcExtension.CommandType(s.Name).GetProperties().Where(p => p.DeclaringType!.Namespace == typeof(MatcalcExtension).Namespace).Select(p => p.Name).Order();
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
        Assert.IsType<NotebookCalc.GradientResult>(Assert.Single(s.Run("#!matcalc gradient \"tr(A X)\" --wrt X --where \"A: m x n; X: n x m\"")));
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

/// <summary>The matcalc command line is built from the same table of verbs as #!matcalc, so the two cannot drift.</summary>
public class CommandLineVerbTableTests
{
    private static readonly System.CommandLine.RootCommand Root = NotebookCalc.Cli.Cli.BuildCommand(TextWriter.Null, TextWriter.Null);

    [Fact]
    public void The_commands_are_the_tables_command_line_verbs_in_order()
    {
        Assert.Equal(Verbs.CommandLine.Select(v => v.Name), Root.Subcommands.Select(c => c.Name));
        // The verbs both front ends have are the same verbs with the same descriptions.
        foreach (var verb in Verbs.All.Where(v => v.Surface == Surface.Both))
        {
            Assert.Contains(MatCalcSession.Subcommands, s => s.Name == verb.Name);
            Assert.Equal(verb.Description, Root.Subcommands.Single(c => c.Name == verb.Name).Description);
        }
    }

    [Fact]
    public void Every_option_is_the_tables_parameter_with_its_description_requiredness_and_values()
    {
        foreach (var verb in Verbs.CommandLine)
        {
            var command = Root.Subcommands.Single(c => c.Name == verb.Name);
            Assert.Equal(verb.Parameters.Where(p => !p.Implicit).Select(p => p.Name), command.Options.Select(o => o.Name));
            Assert.Equal(verb.Parameters.Where(p => p.Implicit).Select(p => p.Name.ToUpperInvariant()), command.Arguments.Select(a => a.Name));
            foreach (var p in verb.Parameters.Where(p => !p.Implicit))
            {
                var option = command.Options.Single(o => o.Name == p.Name);
                Assert.Equal(p.Description, option.Description);
                Assert.Equal(p.Required, option.Required);
            }
        }
        // A parameter both front ends share is one entry: e.g. check's --answer accepts the same values in both.
        var cliAnswer = Verbs.CommandLine.Single(v => v.Name == "check").Parameters.Single(p => p.Name == "--answer");
        Assert.Same(cliAnswer, MatCalcSession.Subcommands.Single(s => s.Name == "check").Parameters.Single(p => p.Name == "--answer"));
    }

    [Fact]
    public void Allowed_values_and_defaults_from_the_table_hold_on_the_command_line()
    {
        var (code, _, err) = NotebookCalc.Tests.Cli.CliTests.Run("check", "tr(X)", "--wrt", "X", "--where", "X: n x n", "--claim", "I", "--answer", "maybe");
        Assert.Equal(2, code);
        Assert.Contains("maybe", err);
        var (ok, text, _) = NotebookCalc.Tests.Cli.CliTests.Run("gradient", "tr(X)", "--wrt", "X", "-w", "X: n x n");
        Assert.Equal(0, ok);
        Assert.Contains("∂f/∂X", text);
    }
}
