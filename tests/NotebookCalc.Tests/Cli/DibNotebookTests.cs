namespace NotebookCalc.Tests.Cli;

/// <summary>`.dib` notebooks (the Polyglot text format) in render and grade, read with the host's document library.</summary>
public sealed class DibNotebookTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-dib-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Lesson = """
        #!meta

        {"kernelInfo":{"defaultKernelName":"csharp","items":[{"aliases":[],"name":"csharp"}]}}

        #!markdown

        # Traces in a dib

        #!csharp

        #!matcalc let "A: m x n; X: n x m"

        #!csharp

        #!matcalc gradient "tr(A X)" --wrt X

        #!csharp

        MatCalc.Gradient("tr(A X)", "X", "A: m x n; X: n x m").Gradient.ToString()
        """;

    [Fact]
    public void Render_reads_a_dib_like_the_ipynb_it_stands_for()
    {
        var path = Path.Combine(_dir, "lesson.dib");
        File.WriteAllText(path, Lesson);
        var site = Path.Combine(_dir, "site");
        var (code, _, err) = CliTests.Run("render", path, "--out", site, "--in-place");
        Assert.True(code == 0, err);
        var page = File.ReadAllText(Path.Combine(site, "lesson.html"));
        Assert.Contains("Traces in a dib", page); // the markdown cell, and the title
        Assert.Contains("declared: A: m x n; X: n x m", page); // #!matcalc stayed inside its C# cell
        Assert.Contains("the methods agree", page);
        Assert.Contains("A'", System.Net.WebUtility.HtmlDecode(page)); // the C# cell ran with the notebook's usings
        Assert.Equal(Lesson, File.ReadAllText(path)); // --in-place never writes JSON into a .dib
        Assert.Contains("Traces in a dib", File.ReadAllText(Path.Combine(site, "index.html")));
    }

    [Fact]
    public void Grade_reads_dib_submissions()
    {
        var key = Path.Combine(_dir, "key.json");
        File.WriteAllText(key, """{"exercises": [{"id": "e1", "function": "tr(A X)", "wrt": "X", "where": "A: m x n; X: n x m"}]}""");
        string Submission(string name, string claim)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllText(path, $"""
                #!markdown

                # Exercise sheet

                #!csharp

                #!matcalc let "A: m x n; X: n x m"

                #!csharp

                // exercise: e1
                #!matcalc check "tr(A X)" --wrt X --claim "{claim}" --answer hidden
                """);
            return path;
        }
        var (code, text, err) = CliTests.Run("grade", Submission("ada.dib", "A'"), Submission("bo.dib", "A"), "--key", key);
        Assert.True(code == 0, err);
        Assert.Matches(@"ada\s+right\s+1/1", text);
        Assert.Matches(@"bo\s+wrong\s+0/1", text);
    }
}
