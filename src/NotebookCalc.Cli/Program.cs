return NotebookCalc.Cli.Cli.Run(args, Console.Out, Console.Error);
