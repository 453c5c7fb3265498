using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NotebookCalc.Fuzz;

// matcalc-fuzz [--count N] [--seed S] [--budget SECONDS] [--hang SECONDS] [--out FAILURES.jsonl] [--no-minimise]
//
// Runs inputs 0 … N−1 of the seed's sequence. A hang cannot be interrupted inside a process, so the inputs run in a child
// process (this program with --part): when an input hangs, the child records it and exits, and the next child goes on
// with the input after it. Exit code 0 when no input failed, 1 when some did (all of them in the failures file).
var count = 100_000;
var seed = 1;
var budget = 1.0;
var hang = 20.0;
var output = "artifacts/fuzz/failures.jsonl";
var minimise = true;
int? partStart = null;
string? partReport = null;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--count": count = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--budget": budget = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--hang": hang = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--out": output = Value(); break;
        case "--no-minimise": minimise = false; break;
        case "--part": partStart = int.Parse(Value(), CultureInfo.InvariantCulture); partReport = Value(); break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}; usage: matcalc-fuzz [--count N] [--seed S] [--budget SECONDS] [--hang SECONDS] [--out FILE] [--no-minimise]");
            return 2;
    }
}

var options = new FuzzOptions { Count = count, Seed = seed, BudgetSeconds = budget, Minimise = minimise, Log = Console.Out };
return partStart is { } start ? Part(start, partReport!) : Supervise();

// One part: inputs start … count−1 on a thread with the 8 MB stack of a command-line tool's main thread; a watchdog
// ends the process when one input takes longer than the hang limit (exit 3, the input recorded as a failure).
int Part(int first, string reportPath)
{
    var fuzzer = new Fuzzer(options);
    void Save() => File.WriteAllText(reportPath, JsonSerializer.Serialize(fuzzer.Report));
    var watchdog = new Thread(() =>
    {
        while (true)
        {
            Thread.Sleep(500);
            var (input, since) = fuzzer.Current;
            if (input is null || Stopwatch.GetElapsedTime(since).TotalSeconds < hang) continue;
            fuzzer.Report.Failures.Add(new FuzzFailure("hang", "any", input.Index, input.Text, input.Wrt, input.Claim, $"no result after {hang} s"));
            fuzzer.Report.Inputs++;
            Save();
            Environment.Exit(3);
        }
    }) { IsBackground = true };
    watchdog.Start();
    var worker = new Thread(() => fuzzer.Run(first, count), 8 * 1024 * 1024);
    worker.Start();
    worker.Join();
    Save();
    return 0;
}

int Supervise()
{
    var clock = Stopwatch.StartNew();
    var total = new FuzzReport();
    var self = Environment.GetCommandLineArgs()[0];
    var reportPath = Path.GetTempFileName();
    var next = 0;
    while (next < count)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        // Under the dotnet host the program is the .dll argument; under its own apphost (dotnet run) it is the process itself.
        if (self.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            psi.ArgumentList.Add(self);
        foreach (var a in new[] { "--count", count.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
                     "--budget", budget.ToString(CultureInfo.InvariantCulture), "--hang", hang.ToString(CultureInfo.InvariantCulture),
                     "--part", next.ToString(CultureInfo.InvariantCulture), reportPath })
            psi.ArgumentList.Add(a);
        if (!minimise) psi.ArgumentList.Add("--no-minimise");
        using var child = Process.Start(psi)!;
        child.WaitForExit();
        var part = JsonSerializer.Deserialize<FuzzReport>(File.ReadAllText(reportPath))
                   ?? throw new InvalidOperationException("a fuzz part wrote no report");
        total.Merge(part);
        if (child.ExitCode == 3 && part.Failures.LastOrDefault() is { Kind: "hang" } h)
        {
            Console.WriteLine($"hang on input #{h.Index}: {FuzzReport.Shorten(h.Input)}; going on with the next input");
            next = h.Index + 1;
        }
        else if (child.ExitCode == 0) next = count;
        else throw new InvalidOperationException($"a fuzz part ended with exit code {child.ExitCode} (a crash of the process, e.g. a stack overflow, after input #{next + part.Inputs - 1})");
    }
    File.Delete(reportPath);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    using (var w = new StreamWriter(output))
        foreach (var f in total.Failures)
            w.WriteLine(JsonSerializer.Serialize(new { f.Class, f.Kind, f.Stage, f.Index, f.Input, f.Minimised, f.Wrt, f.Claim, f.Symptom }));
    Console.WriteLine(total.Summary());
    Console.WriteLine($"seed {seed}, {clock.Elapsed.TotalSeconds:F0} s; failures written to {Path.GetFullPath(output)}");
    return total.Failures.Count == 0 ? 0 : 1;
}
