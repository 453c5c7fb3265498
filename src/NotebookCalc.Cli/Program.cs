var exit = NotebookCalc.Cli.Cli.Run(args, Console.Out, Console.Error);
// For the start-up tests (StartupAssemblyTests): which assemblies the command loaded. Commands other than render must not
// load Roslyn, Markdig, Plotly.NET or FSharp.Core: loading them costs more than the whole command.
if (Environment.GetEnvironmentVariable("MATCALC_REPORT_ASSEMBLIES") == "1")
    foreach (var a in AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order(StringComparer.Ordinal))
        Console.Error.WriteLine($"loaded: {a}");
return exit;
