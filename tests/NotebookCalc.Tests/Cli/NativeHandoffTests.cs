using NotebookCalc.Cli;
using Xunit;

namespace NotebookCalc.Tests.Cli;

/// <summary>
/// The native front end (the installed tool on linux-x64) hands render and .dib notebooks to matcalc.dll. These tests cover
/// the decision, the host lookup and the failure diagnostics; that the installed native tool prints the same bytes as
/// matcalc.dll for every command is checked by the Pack target (NativeToolParity in build.cake), which builds it.
/// </summary>
public sealed class NativeHandoffTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-handoff-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(true, "render", "a.ipynb", "--out", "site")]
    [InlineData(true, "render", "--help")]
    [InlineData(true, "grade", "ada.dib", "--key", "key.json")]
    [InlineData(true, "grade", "ada.ipynb", "BO.DIB", "--key", "key.json")]
    [InlineData(false, "grade", "ada.ipynb", "--key", "key.json")]
    [InlineData(false, "gradient", "tr(A X)", "--wrt", "X")]
    [InlineData(false, "show", "render")]
    [InlineData(false, "--help")]
    [InlineData(false)]
    public void Render_and_dib_notebooks_go_to_matcalc_dll_and_nothing_else_does(bool expected, params string[] args) =>
        Assert.Equal(expected, NativeHandoff.Needed(args));

    [Fact]
    public void A_missing_matcalc_dll_is_MC5008_with_exit_code_2()
    {
        var stderr = new StringWriter();
        var code = NativeHandoff.Run(Path.Combine(_dir, "matcalc.dll"), ["render", "a.ipynb", "--out", "site"], stderr);
        Assert.Equal(2, code);
        Assert.StartsWith("error MC5008", stderr.ToString());
        Assert.Contains("matcalc.dll, which is missing", stderr.ToString());
        Assert.Contains("hint: ", stderr.ToString());
    }

    [Fact]
    public void The_host_is_DOTNET_HOST_PATH_when_it_exists_and_otherwise_found_on_the_path()
    {
        var host = NativeHandoff.Host();
        var named = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(named) && File.Exists(named)) Assert.Equal(named, host);
        else Assert.EndsWith(OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet", host);
    }

    [Fact]
    public void The_handed_over_command_returns_matcalc_dll_s_exit_code()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "matcalc.dll");
        Assert.True(File.Exists(dll), $"{dll} is not beside the tests");
        var bad = Path.Combine(_dir, "not-a-notebook.dib");
        File.WriteAllText(bad, "#!csharp\n\n1 + 1\n");
        // A key that does not exist: matcalc.dll reports MC5003 and exits with 2, and the hand-off passes that code on.
        Assert.Equal(2, NativeHandoff.Run(dll, ["grade", bad, "--key", Path.Combine(_dir, "missing.json")], TextWriter.Null));
        Assert.Equal(0, NativeHandoff.Run(dll, ["render", "--help"], TextWriter.Null));
    }
}
