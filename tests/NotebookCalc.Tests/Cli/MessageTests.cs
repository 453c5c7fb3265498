using NotebookCalc.Text;

namespace NotebookCalc.Tests.Cli;

/// <summary>Messages that help: no -0, Infinity or Int32, numbers as a reader writes them.</summary>
public class MessageTests
{
    [Theory]
    [InlineData("logdet(A)", "[[0,1],[0,0]]")]
    [InlineData("logdet(A)", "[[-0.0,0],[0,1]]")]
    [InlineData("inv(A)", "[[0,1],[0,0]]")]
    [InlineData("inv(A)", "[[0,0],[0,0]]")]
    [InlineData("inv(A)", "[[1e308,1e308],[1e308,1e308]]")]
    public void Singular_values_are_reported_without_minus_zero_or_Infinity(string expr, string a)
    {
        var values = Path.Combine(Directory.CreateTempSubdirectory("matcalc-msg-").FullName, "values.json");
        File.WriteAllText(values, $$"""{"A": {{a}}}""");
        foreach (var format in new[] { "text", "json" })
        {
            var (code, stdout, stderr) = CliTests.Run("eval", expr, "--at", values, "--format", format);
            Assert.Equal(2, code);
            var all = stdout + stderr;
            Assert.Contains("MC3", all);
            Assert.DoesNotMatch(@"(?<![\w.])-0(?![.\d])", all);
            Assert.DoesNotContain("Infinity", all);
            Assert.DoesNotContain("NaN", all);
            Assert.DoesNotContain("Int32", all);
        }
    }

    [Theory]
    [InlineData(-0.0, "0")]
    [InlineData(-1e-300, "-1e-300")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "−∞")]
    [InlineData(3.2e-11, "3.2e-11")]
    [InlineData(1234.5678, "1235")]
    public void Numbers_in_messages(double v, string shown) => Assert.Equal(shown, Numbers.Show(v));
}
