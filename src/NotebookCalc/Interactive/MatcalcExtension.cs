using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;

namespace NotebookCalc.Interactive;

/// <summary>
/// Adds #!matcalc to a .NET Interactive kernel. The package's extension.dib calls <see cref="Load"/> right after
/// `#r "nuget: NotebookCalc"`; everything else is compiled here against the host API (the host assemblies are the
/// kernel's own at run time: the package does not depend on them).
/// </summary>
public static class MatcalcExtension
{
    private static readonly Dictionary<string, Type> CommandTypes = new(StringComparer.Ordinal)
    {
        ["let"] = typeof(MatcalcLet), ["gradient"] = typeof(MatcalcGradient), ["hessian"] = typeof(MatcalcHessian), ["jacobian"] = typeof(MatcalcJacobian), ["check"] = typeof(MatcalcCheck), ["show"] = typeof(MatcalcShow),
        ["eval"] = typeof(MatcalcEval), ["plot"] = typeof(MatcalcPlot), ["help"] = typeof(MatcalcHelp),
    };

    /// <summary>The command type the kernel routes a subcommand to (one per subcommand).</summary>
    public static Type CommandType(string subcommand) => CommandTypes[subcommand];

    /// <summary>The #!matcalc directive, built from <see cref="MatCalcSession.Subcommands"/>.</summary>
    public static KernelActionDirective Directive(MatCalcSession session)
    {
        var directive = new KernelActionDirective("#!matcalc") { Description = "Matrix calculus: gradients three ways, claim checks, charts. #!matcalc help" };
        foreach (var info in MatCalcSession.Subcommands)
        {
            var sub = new KernelActionDirective(info.Name) { Description = info.Description };
            foreach (var p in info.Parameters)
            {
                var parameter = new KernelDirectiveParameter(p.Implicit ? "--" + p.Name : p.Name, p.Description) { AllowImplicitName = p.Implicit };
                // Not Required for the host: a missing value is reported by the session (MC4002), the same message as in `matcalc render`.
                if (p.Name == "--wrt") parameter.AddCompletions(() => session.DeclaredSymbols());
                else if (p.Values is { } values) parameter.AddCompletions(() => values);
                sub.Parameters.Add(parameter);
            }
            directive.Subcommands.Add(sub);
        }
        return directive;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Kernel, MatCalcSession> Sessions = new();

    /// <summary>
    /// Registers #!matcalc (and NotebookCalc's formatters) on the kernel; returns the notebook's session. Running the
    /// `#r` cell again keeps the directive and the session (the declarations made so far), as `matcalc render` does.
    /// </summary>
    public static MatCalcSession Load(Kernel kernel)
    {
        NotebookCalcFormatters.Register();
        lock (Sessions)
        {
            if (Sessions.TryGetValue(kernel, out var existing)) return existing;
            var session = new MatCalcSession();
            Register(kernel, session);
            Sessions.Add(kernel, session);
            return session;
        }
    }

    private static void Register(Kernel kernel, MatCalcSession session)
    {
        var directive = Directive(session);
        // A bare #!matcalc shows the help; the parent must be registered with the non-generic overload (else DNI101). The
        // host also runs this handler for a word that is no subcommand (#!matcalc nosuch …): that is an error (MC4001).
        kernel.AddDirective(directive, (command, context) =>
        {
            var line = DirectiveLine(command, "#!matcalc");
            var tokens = line is null ? [] : MatCalcSession.Tokenize(line);
            foreach (var value in tokens.Count > 1 ? session.Run(line!) : [new Message(MatCalcSession.Help())]) Show(context, value);
            return Task.CompletedTask;
        });
        var register = typeof(MatcalcExtension).GetMethod(nameof(RegisterSubcommand), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var sub in directive.Subcommands)
            register.MakeGenericMethod(CommandTypes[sub.Name]).Invoke(null, [kernel, sub, session]);
    }

    private static void RegisterSubcommand<TCommand>(Kernel kernel, KernelActionDirective sub, MatCalcSession session) where TCommand : KernelDirectiveCommand
    {
        var name = sub.Name;
        kernel.AddDirective<TCommand>(sub, (command, context) =>
        {
            var args = MatCalcSession.ArgumentsFrom(name, command);
            if (MatCalcSession.PositionalAfterImplicit(name) is { } second && !args.ContainsKey(second))
                args = ArgumentsFromText(name, command, args);
            foreach (var value in session.Execute(name, args)) Show(context, value);
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// plot's expression may follow the kind as a second bare value, which the host does not bind (at most one implicit
    /// parameter): read the directive line itself with the session's tokenizer, the one `matcalc render` uses.
    /// </summary>
    private static Dictionary<string, string?> ArgumentsFromText(string name, KernelCommand command, Dictionary<string, string?> bound)
    {
        var line = DirectiveLine(command, "#!matcalc " + name);
        if (line is not null)
        {
            var tokens = MatCalcSession.Tokenize(line);
            var positional = new List<string>();
            var info = MatCalcSession.Subcommands.Single(s => s.Name == name);
            for (var i = 2; i < tokens.Count; i++)
            {
                if (info.Parameters.Any(p => p.Name == tokens[i])) { i++; continue; }
                positional.Add(tokens[i]);
            }
            var result = new Dictionary<string, string?>(bound, StringComparer.Ordinal);
            var implicitName = info.Parameters.Single(p => p.Implicit).Name;
            if (positional.Count == 2) { result[implicitName] = positional[0]; result[MatCalcSession.PositionalAfterImplicit(name)!] = positional[1]; }
            return result;
        }
        return bound;
    }

    /// <summary>The line of the submitted cell that starts with <paramref name="prefix"/> (the directive's own text).</summary>
    private static string? DirectiveLine(KernelCommand command, string prefix)
    {
        for (KernelCommand? c = command; c is not null; c = c.Parent)
            if (c is SubmitCode submit && submit.Code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l == prefix || l.StartsWith(prefix + " ", StringComparison.Ordinal)) is { } line)
                return line;
        return null;
    }

    /// <summary>Displays a value as a bundle of every representation it has (text/html, text/plain, text/latex).</summary>
    private static void Show(KernelInvocationContext context, object value) =>
        context.Display(value, NotebookCalcFormatters.MimeTypes(value));
}
