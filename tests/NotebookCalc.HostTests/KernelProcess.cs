using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookCalc.HostTests;

/// <summary>An event of the kernel: its type, the token of the command it belongs to, and its formatted values.</summary>
public sealed record KernelEvent(string Type, string Token, JsonObject Event)
{
    /// <summary>mime type → value of a display event (DisplayedValueProduced, ReturnValueProduced, …).</summary>
    public IReadOnlyDictionary<string, string> Values =>
        (Event["formattedValues"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(v => v["mimeType"]!.GetValue<string>(), v => v["value"]!.GetValue<string>());
}

/// <summary>The result of one submission: whether it succeeded, its events, and how long it took.</summary>
public sealed record Submission(string Code, string Token, bool Succeeded, string? FailureMessage, IReadOnlyList<KernelEvent> Events, TimeSpan Elapsed)
{
    private static readonly string[] DisplayTypes = ["DisplayedValueProduced", "ReturnValueProduced", "StandardOutputValueProduced", "ErrorProduced", "StandardErrorValueProduced"];

    /// <summary>Every output of the cell, in order.</summary>
    public IEnumerable<KernelEvent> Outputs => Events.Where(e => DisplayTypes.Contains(e.Type));

    /// <summary>The outputs of the cell's #!matcalc directive (displayed by the directive's own child command).</summary>
    public IReadOnlyList<KernelEvent> DirectiveOutputs => Outputs.Where(e => e.Type == "DisplayedValueProduced" && e.Token != Token).ToList();

    /// <summary>The outputs of the cell's own C# code.</summary>
    public IEnumerable<KernelEvent> CodeOutputs => Outputs.Where(e => e.Token == Token);

    public string Describe() =>
        $"{Code}\n→ {(Succeeded ? "succeeded" : "FAILED: " + FailureMessage)}\n" +
        string.Join("\n", Outputs.Select(o => $"  {o.Type}: {string.Join(" | ", o.Values.Select(v => $"{v.Key}: {Short(v.Value)}"))}"));

    private static string Short(string s) => s.Length > 300 ? s[..300] + "…" : s;
}

/// <summary>
/// The real `dotnet-interactive stdio` (the tool pinned in .config/dotnet-tools.json): JSON lines of command envelopes
/// in, event envelopes out — the protocol VS Code's notebooks use.
/// </summary>
public sealed class KernelProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<JsonObject> _events = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private int _next;

    public KernelProcess(string repoRoot, string nugetPackages)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--default-kernel", "csharp" }) start.ArgumentList.Add(a);
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NUGET_PACKAGES"] = nugetPackages;
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet-interactive did not start");
        _process.StandardInput.AutoFlush = true;
        new Thread(ReadEvents) { IsBackground = true }.Start();
        new Thread(() => { while (_process.StandardError.ReadLine() is { } l) _stderr.Enqueue(l); }) { IsBackground = true }.Start();
    }

    private void ReadEvents()
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith('{')) continue; // the welcome banner
            try { if (JsonNode.Parse(line) is JsonObject o && o["eventType"] is not null) _events.Add(o); }
            catch (JsonException) { }
        }
        _events.CompleteAdding();
    }

    /// <summary>Submits code to the C# kernel and waits for its CommandSucceeded or CommandFailed.</summary>
    public Submission Submit(string code, TimeSpan? timeout = null)
    {
        var token = $"nc{Interlocked.Increment(ref _next)}";
        var envelope = new JsonObject
        {
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
            ["token"] = token,
        };
        var watch = Stopwatch.StartNew();
        _process.StandardInput.WriteLine(envelope.ToJsonString());
        var events = new List<KernelEvent>();
        var limit = timeout ?? TimeSpan.FromMinutes(4);
        while (true)
        {
            var left = limit - watch.Elapsed;
            if (left <= TimeSpan.Zero || !_events.TryTake(out var e, left))
                throw new TimeoutException($"no answer from the kernel within {limit.TotalSeconds} s to:\n{code}\nstderr: {string.Join("\n", _stderr.TakeLast(20))}");
            var type = e["eventType"]!.GetValue<string>();
            var commandToken = (e["command"] as JsonObject)?["token"]?.GetValue<string>() ?? "";
            if (commandToken != token && !commandToken.StartsWith(token + ".", StringComparison.Ordinal)) continue;
            var ev = e["event"] as JsonObject ?? [];
            if (commandToken == token && type is "CommandSucceeded" or "CommandFailed")
                return new Submission(code, token, type == "CommandSucceeded", ev["message"]?.GetValue<string>(), events, watch.Elapsed);
            events.Add(new KernelEvent(type, commandToken, ev));
        }
    }

    public void Dispose()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(5000))
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
