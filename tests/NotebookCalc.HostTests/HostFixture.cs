using System.Diagnostics;

namespace NotebookCalc.HostTests;

/// <summary>
/// Packs NotebookCalc (and NotebookCalc.Core) as built into a temporary folder feed, with a fresh, empty NuGet package
/// folder for the kernels (so NuGet's id+version cache can never serve a stale package), and starts kernels on it.
/// </summary>
public sealed class HostFixture : IDisposable
{
    public string RepoRoot { get; }
    public string Feed { get; }
    public string NuGetPackages { get; }
    public string Version { get; }
    private readonly string _temp;

    public HostFixture()
    {
        RepoRoot = FindRepoRoot();
        _temp = Directory.CreateTempSubdirectory("matcalc-host-").FullName;
        Feed = Path.Combine(_temp, "feed");
        NuGetPackages = Path.Combine(_temp, "nuget-packages");
        Directory.CreateDirectory(NuGetPackages);
        Directory.CreateDirectory(Path.Combine(RepoRoot, "artifacts"));
        // The configuration the tests were built with (bin/Release/net10.0 → Release) is the one packed.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        Version = typeof(NotebookCalc.Notebook.MatCalcSession).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.1.0";
        foreach (var project in new[] { "NotebookCalc.Core", "NotebookCalc" })
            Run("dotnet", "pack", Path.Combine(RepoRoot, "src", project, project + ".csproj"), "-c", configuration, "--no-build", "--no-restore", "-o", Feed, "-v", "q", "-nologo");
    }

    /// <summary>The submission a notebook's #r cell needs before it in the tests: the local feed (an absolute path).</summary>
    public string FeedDirective => $"#i \"nuget: {Feed}\"";

    /// <summary>The cell users run to load the package (as in every notebook).</summary>
    public string LoadDirective => $"#r \"nuget: NotebookCalc, {Version}\"";

    public KernelProcess StartKernel() => new(RepoRoot, NuGetPackages);

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    public static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NotebookCalc.sln"))) return d.FullName;
        throw new InvalidOperationException("NotebookCalc.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition("host")]
public sealed class HostCollection : ICollectionFixture<HostFixture>;
