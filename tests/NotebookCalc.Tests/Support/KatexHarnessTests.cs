namespace NotebookCalc.Tests.Support;

/// <summary>
/// The KaTeX harness must be able to fail: every "all LaTeX is valid" test elsewhere is only as good as this.
/// Without Node.js and tests/katex/node_modules these tests fail (never skip) with what to do about it.
/// </summary>
public class KatexHarnessTests
{
    private static void RequireKatex()
    {
        if (Katex.IsAvailable(out var reason)) return;
        Assert.Fail(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            ? $"KaTeX is not available: {reason} Setup: install Node.js (with npm), then run `dotnet tool restore && dotnet cake --target=Restore`."
            : $"KaTeX is not available on CI: {reason}");
    }

    [Fact]
    public void Valid_latex_is_ok()
    {
        RequireKatex();
        var r = Katex.Validate([@"\operatorname{tr}(W^\top W)"]).Single();
        Assert.True(r.Ok, r.Error);
        Assert.Null(r.Error);
    }

    [Fact]
    public void Invalid_latex_is_not_ok()
    {
        RequireKatex();
        var r = Katex.Validate([@"\frac{a"]).Single();
        Assert.False(r.Ok);
        Assert.Contains("KaTeX parse error", r.Error);
    }

    [Fact]
    public void Strict_mode_violation_is_not_ok()
    {
        RequireKatex();
        // Non-strict KaTeX renders é in math mode (with a warning); strict: "error" rejects it.
        var r = Katex.Validate(["x + é"]).Single();
        Assert.False(r.Ok);
        Assert.Contains("unicodeTextInMathMode", r.Error);
    }

    [Fact]
    public void Thousands_of_strings_in_one_call_come_back_in_order()
    {
        RequireKatex();
        var input = Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? $@"\frac{{a_{{{i}}}" : $@"W_{{{i}}}^\top \Omega^{{-1}} \lambda_{{{i}}}").ToList();
        var results = Katex.Validate(input);
        Assert.Equal(input, results.Select(r => r.Latex));
        Assert.All(results.Select((r, i) => (r, i)), x => Assert.Equal(x.i % 3 != 0, x.r.Ok));
    }
}
