using System.Diagnostics;
using System.Text.Json;

namespace NotebookCalc.Tests.Support;

public sealed record KatexResult(string Latex, bool Ok, string? Error);

/// <summary>
/// Renders LaTeX with the real KaTeX (tests/katex, installed by `dotnet cake --target=Restore` or `npm ci --prefix tests/katex`)
/// in strict mode, in one node process per batch.
/// </summary>
public static class Katex
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NotebookCalc.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NotebookCalc.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Script => Path.Combine(RepoRoot(), "tests", "katex", "validate.js");

    public static bool IsAvailable(out string reason)
    {
        if (!Directory.Exists(Path.Combine(RepoRoot(), "tests", "katex", "node_modules", "katex")))
        {
            reason = "KaTeX is not installed: run `dotnet cake --target=Restore` (or `npm ci --prefix tests/katex`).";
            return false;
        }
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            if (!p.WaitForExit(10_000))
            {
                p.Kill();
                reason = "`node --version` did not answer within 10 s.";
                return false;
            }
            reason = p.ExitCode == 0 ? "" : $"`node --version` exited with code {p.ExitCode}: install a working Node.js to run the LaTeX validity tests.";
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            reason = "node is not on PATH: install Node.js to run the LaTeX validity tests.";
            return false;
        }
    }

    public static IReadOnlyList<KatexResult> Validate(IEnumerable<string> latex)
    {
        if (!IsAvailable(out var reason)) throw new InvalidOperationException(reason);
        var psi = new ProcessStartInfo("node", $"\"{Script}\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(latex.ToList()));
        process.StandardInput.Close();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException("KaTeX validation timed out"); }
        if (process.ExitCode != 0) throw new InvalidOperationException("node failed: " + stderr.Result);
        var results = JsonSerializer.Deserialize<List<KatexResult>>(stdout.Result, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException("validate.js wrote no results. stderr: " + stderr.Result);
        return results;
    }
}
