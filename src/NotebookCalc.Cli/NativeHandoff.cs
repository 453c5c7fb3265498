using System.ComponentModel;
using System.Diagnostics;
using NotebookCalc.Text;

namespace NotebookCalc.Cli;

/// <summary>
/// The installed tool on linux-x64 is a Native AOT front end (src/NotebookCalc.Cli.Native) with the JIT-compiled
/// matcalc.dll beside it. What needs the JIT — `render`, which compiles C# cells with Roslyn scripting, and reading `.dib`
/// notebooks with the host's document library — is handed whole to matcalc.dll run by the `dotnet` host, with the same
/// arguments and the terminal's standard streams, so its output and exit code are the command's own.
/// </summary>
public static class NativeHandoff
{
    /// <summary>True when the command line must run in matcalc.dll: the command is render, or an argument names a .dib file.</summary>
    public static bool Needed(IReadOnlyList<string> args) =>
        args.FirstOrDefault(a => !a.StartsWith('-')) == "render" || args.Any(NotebookFiles.IsDib);

    /// <summary>
    /// The `dotnet` host to run matcalc.dll with: DOTNET_HOST_PATH (set for processes the .NET CLI starts), else
    /// DOTNET_ROOT's dotnet, else `dotnet` on the PATH.
    /// </summary>
    public static string Host()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, exe))) return Path.Combine(root, exe);
        return exe;
    }

    /// <summary>Runs matcalc.dll with <paramref name="args"/> and returns its exit code; MC5008 (exit 2) when it cannot be started.</summary>
    public static int Run(string dll, IReadOnlyList<string> args, TextWriter stderr)
    {
        var what = args.FirstOrDefault(a => !a.StartsWith('-')) == "render" ? "render" : "reading a .dib notebook";
        if (!File.Exists(dll))
            return Fail(stderr, $"{what} runs in matcalc.dll, which is missing beside the matcalc executable ({DiagnosticFormatter.Quote(dll)}).",
                "Reinstall the tool: dotnet tool uninstall -g NotebookCalc.Cli && dotnet tool install -g NotebookCalc.Cli.");
        var psi = new ProcessStartInfo(Host()) { UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(psi)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception ex)
        {
            return Fail(stderr, $"{what} runs in matcalc.dll on the .NET runtime, and the `dotnet` host could not be started ({ex.Message}).",
                "Install the .NET 10 runtime and put `dotnet` on the PATH, or set DOTNET_ROOT to the folder that holds it.");
        }
    }

    private static int Fail(TextWriter stderr, string message, string hint)
    {
        stderr.WriteLine(DiagnosticFormatter.Format("", DiagnosticCatalog.RuntimeMissing.At(default, message, hint)));
        return Cli.BadInput;
    }
}
