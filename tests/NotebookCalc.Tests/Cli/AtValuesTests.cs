using System.Text.Json;

namespace NotebookCalc.Tests.Cli;

/// <summary>Values given with --at fix the sizes the check runs at, and must have the properties their symbols are declared with.</summary>
public sealed class AtValuesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-at-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Values(string json)
    {
        var path = Path.Combine(_dir, $"values{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string F = "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')";
    private const string Where = "W: n x m; Omega: m x m symmetric; l1, l2: scalar";

    [Fact]
    public void The_check_runs_at_the_sizes_of_the_given_values()
    {
        var at = Values("""{"W": [[1,2,3],[3,4,5],[5,6,7],[7,8,9],[1,1,1],[2,2,2]], "Omega": [[2,1,0],[1,2,0],[0,0,1]], "l1": 1, "l2": 2}""");
        var (code, output, err) = CliTests.Run("gradient", F, "--wrt", "W", "--where", Where, "--at", at, "--format", "json");
        Assert.True(code == 0, err);
        var check = JsonDocument.Parse(output).RootElement.GetProperty("check").GetProperty("sizes");
        Assert.Equal(6, check.GetProperty("n").GetInt32());
        Assert.Equal(3, check.GetProperty("m").GetInt32());
    }

    [Theory]
    [InlineData("""{"W": [[1,2],[3,4],[5,6]], "Omega": [[1,2],[3,4]], "l1": 1, "l2": 2}""", "symmetric")]
    [InlineData("""{"W": [[1,2],[3,4],[5,6]], "Omega": [[2,1],[1,2]], "l1": 1, "l2": 2}""", null)]
    public void A_value_that_lacks_a_declared_property_is_a_diagnostic(string json, string? lacking)
    {
        var (code, output, err) = CliTests.Run("gradient", F, "--wrt", "W", "--where", Where, "--at", Values(json));
        if (lacking is null) { Assert.True(code == 0, err); return; }
        Assert.Equal(2, code);
        Assert.Contains("MC3012", err);
        Assert.Contains($"The value given for Omega is not {lacking}", err);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("S: n x n spd", """{"S": [[1,2],[2,1]]}""", "symmetric positive definite")]
    [InlineData("S: n x n diagonal", """{"S": [[1,2],[2,1]]}""", "diagonal")]
    [InlineData("S: n x n orthogonal", """{"S": [[1,2],[2,1]]}""", "orthogonal")]
    [InlineData("S: n x n indicator", """{"S": [[1,2],[2,1]]}""", "an indicator")]
    [InlineData("S: n x n positive", """{"S": [[1,-2],[2,1]]}""", "positive")]
    public void Every_property_is_verified(string where, string json, string lacking)
    {
        var (code, _, err) = CliTests.Run("gradient", "sum(S .* S)", "--wrt", "S", "--where", where, "--at", Values(json));
        Assert.Equal(2, code);
        Assert.Contains($"is not {lacking}", err);
    }
}
