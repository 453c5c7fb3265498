// The native front end: render and .dib notebooks go to matcalc.dll (JIT), everything else runs here.
if (NotebookCalc.Cli.NativeHandoff.Needed(args))
    return NotebookCalc.Cli.NativeHandoff.Run(Path.Combine(AppContext.BaseDirectory, "matcalc.dll"), args, Console.Error);
return NotebookCalc.Cli.Cli.Run(args, Console.Out, Console.Error);
