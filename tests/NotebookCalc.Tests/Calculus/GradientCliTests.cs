using System.Text.Json;
using NotebookCalc.Tests.Cli;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Calculus;

public sealed class GradientCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-grad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_has_the_documented_shape_and_gradient_text_parses_back()
    {
        var (code, output, err) = CliTests.Run("gradient", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "--wrt", "W",
            "--where", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar", "--format", "json", "--seed", "4");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("W", root.GetProperty("wrt").GetString());
        var text = root.GetProperty("gradient").GetProperty("text").GetString()!;
        Assert.Equal("W (l1 I_m + l2 inv(Omega))", text);
        Assert.Equal(MatCalc.Parse(text, "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar").Text, text);
        var methods = root.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(["gateaux", "index", "differential"], methods.Select(m => m.GetProperty("name").GetString()!));
        var method = methods.Single(m => m.GetProperty("name").GetString() == "differential");
        Assert.True(method.GetProperty("steps").GetArrayLength() > 4);
        Assert.All(method.GetProperty("steps").EnumerateArray(), s => Assert.False(string.IsNullOrEmpty(s.GetProperty("rule").GetString())));
        Assert.Contains(method.GetProperty("steps").EnumerateArray().SelectMany(s => s.GetProperty("statements").EnumerateArray()),
            st => st.GetProperty("rule").GetString() == "d_product" && st.GetProperty("latex").GetString() == "d(AB) = dA\\,B + A\\,dB");
        Assert.True(root.GetProperty("agree").GetBoolean());
        var check = root.GetProperty("check");
        Assert.True(check.GetProperty("passed").GetBoolean());
        Assert.Equal(4, check.GetProperty("seed").GetInt32());
        Assert.True(check.GetProperty("relativeError").GetDouble() < 1e-6);
    }

    [Fact]
    public void At_values_evaluates_the_gradient_and_dims_fix_sizes()
    {
        var values = Path.Combine(_dir, "v.json");
        File.WriteAllText(values, """{"W": [[1, 2], [3, 4]]}""");
        var (code, output, _) = CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--at", values, "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(8, doc.RootElement.GetProperty("value")[1][1].GetDouble());
        // W takes its concrete 2×2 shape from the values: there is no symbolic dimension for --dims to size.
        Assert.Empty(doc.RootElement.GetProperty("check").GetProperty("sizes").EnumerateObject());
        Assert.Equal(2, CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--at", values, "--dims", "n=2,m=2").Code);
        var (dcode, dims, _) = CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--where", "W: n x m", "--format", "json", "--dims", "n=2,m=3");
        Assert.Equal(0, dcode);
        using var sized = JsonDocument.Parse(dims);
        Assert.Equal(3, sized.RootElement.GetProperty("check").GetProperty("sizes").GetProperty("m").GetInt32());
    }

    [Fact]
    public void Text_and_latex_formats()
    {
        var (code, text, _) = CliTests.Run("gradient", "x' A x", "--wrt", "x", "--where", "A: n x n", "--check", "off");
        Assert.Equal(0, code);
        Assert.Contains("∂f/∂x = (A + A') x", text);
        Assert.DoesNotContain("check:", text);
        var (lcode, latex, _) = CliTests.Run("gradient", "ln det(W W' + s^2 I)", "--wrt", "W", "--where", "W: n x m; s: scalar", "--format", "latex");
        Assert.Equal(0, lcode);
        Assert.Contains("\\begin{align*}", latex);
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var blocks = latex.Split("% ", StringSplitOptions.RemoveEmptyEntries).Select(b => b[(b.IndexOf('\n') + 1)..]).ToList();
        var bad = Katex.Validate(blocks).Where(r => !r.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Error)));
    }

    [Theory]
    [InlineData("W W'", "W", "W: n x m", "MC2001")]
    [InlineData("tr(W W')", "V", "W: n x m", "MC2002")]
    public void Bad_requests_exit_2_with_a_diagnostic(string expr, string wrt, string where, string id)
    {
        var parts = where.Split("; --method ");
        var args = new List<string> { "gradient", expr, "--wrt", wrt, "--where", parts[0] };
        if (parts.Length > 1) args.AddRange(["--method", parts[1]]);
        var (code, _, err) = CliTests.Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(id, err);
    }

    [Fact]
    public void Unknown_method_is_a_diagnostic()
    {
        var ex = Assert.Throws<NotebookCalc.Text.MatcalcException>(() =>
            NotebookCalc.MatCalc.Gradient("tr(W W')", "W", "W: n x m", new NotebookCalc.GradientOptions { Method = "taylor" }));
        Assert.Equal("MC2004", ex.Diagnostics[0].Id);
        Assert.Equal(2, CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--where", "W: n x m", "--method", "taylor").Code);
    }

    [Fact]
    public void Singular_instances_are_retried_then_reported()
    {
        // inv(W W') with W n×m, n > m is singular for every instance: a diagnostic, not a crash.
        var (code, _, err) = CliTests.Run("gradient", "tr(inv(W W'))", "--wrt", "W", "--where", "W: n x m", "--dims", "n=4,m=2");
        Assert.Equal(2, code);
        Assert.Contains("singular", err);
    }
}
