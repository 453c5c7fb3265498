using System.Text.Json;
using NotebookCalc.Cli;

namespace NotebookCalc.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("matcalc-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = NotebookCalc.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString().Replace("\r", ""), stderr.ToString().Replace("\r", ""));
    }

    private string Values(string json)
    {
        var path = Path.Combine(_dir, $"values{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Show_text_prints_round_trippable_text_and_shapes()
    {
        var (code, output, err) = Run("show", "l1/2 tr(W W') + l2/2 tr(W Ω⁻¹ Wᵀ)", "--where", "W: n x m; Omega: m x m symmetric; l1, l2: scalar");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.StartsWith("l1 / 2 tr(W W') + l2 / 2 tr(W inv(Omega) W')\n", output);
        Assert.Contains("Omega: m×m symmetric", output);
    }

    [Fact]
    public void Show_latex_prints_textbook_latex()
    {
        var (code, output, _) = Run("show", "ln det(W W' + s^2 I)", "--where", "W: n x m; s: scalar", "--format", "latex");
        Assert.Equal(0, code);
        Assert.Equal("\\ln\\det\\left(W W^\\top + s^2 I\\right)\n", output);
    }

    [Fact]
    public void Show_json_has_expr_shape_symbols_and_notes()
    {
        var (code, output, _) = Run("show", "x' A x + c", "--where", "A: n x n", "--format", "json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("x' A x + c", root.GetProperty("expr").GetProperty("text").GetString());
        Assert.Equal("x^\\top A x + c", root.GetProperty("expr").GetProperty("latex").GetString());
        Assert.Equal("scalar", root.GetProperty("shape").GetProperty("text").GetString());
        var x = root.GetProperty("symbols").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "x");
        Assert.False(x.GetProperty("declared").GetBoolean());
        Assert.Equal("n", x.GetProperty("shape").GetProperty("rows").GetString());
        Assert.Contains(root.GetProperty("notes").EnumerateArray(), n => n.GetProperty("message").GetString()!.Contains("c is not declared"));
    }

    [Fact]
    public void Bad_input_exits_2_with_a_diagnostic_and_no_stack_trace()
    {
        var (code, output, err) = Run("show", "W W", "--where", "W: n x m");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("error MC1005 at 1:2: cannot multiply W (n×m) by W (n×m): inner dimensions m and n differ.", err);
        Assert.Contains("hint:", err);
        Assert.DoesNotContain("   at ", err);

        var (jcode, json, _) = Run("show", "tr(W", "--where", "W: n x n", "--format", "json");
        Assert.Equal(2, jcode);
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement.GetProperty("error")[0];
        Assert.Equal("MC0006", e.GetProperty("id").GetString());
        Assert.Equal(1, e.GetProperty("span").GetProperty("line").GetInt32());
    }

    [Theory]
    [InlineData("show")]
    [InlineData("show", "A", "--bogus")]
    [InlineData("show", "A", "--format", "pdf")]
    [InlineData("frobnicate")]
    [InlineData("eval", "A")]
    public void Unknown_options_and_missing_arguments_exit_2(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains("error", err);
    }

    [Fact]
    public void Declaration_errors_point_into_the_where_text()
    {
        var (code, _, err) = Run("show", "W", "--where", "W: n x m symmetric");
        Assert.Equal(2, code);
        Assert.Contains("MC1002", err);
        Assert.Contains("W: n x m symmetric", err);
    }

    [Fact]
    public void Eval_text_and_json()
    {
        var values = Values("""{"W": [[1,2],[3,4]], "s": 0.5, "y": [1,2]}""");
        var (code, output, err) = Run("eval", "y' W y + s", "--at", values, "--where", "W: n x n; y: n; s: scalar");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Equal("27.5\n", output);

        var (jcode, json, _) = Run("eval", "W + s", "--at", values, "--format", "json");
        Assert.Equal(0, jcode);
        using var doc = JsonDocument.Parse(json);
        var v = doc.RootElement.GetProperty("value");
        Assert.Equal(1.5, v[0][0].GetDouble());
        Assert.Equal(4.5, v[1][1].GetDouble());

        var (vcode, vjson, _) = Run("eval", "W y", "--at", values, "--format", "json");
        Assert.Equal(0, vcode);
        using var vdoc = JsonDocument.Parse(vjson);
        Assert.Equal(JsonValueKind.Number, vdoc.RootElement.GetProperty("value")[0].ValueKind);
        Assert.Equal(11, vdoc.RootElement.GetProperty("value")[1].GetDouble());
    }

    [Fact]
    public void Eval_binds_greek_names_and_reports_bad_values()
    {
        var values = Values("""{"σ": 2, "Ω": [[2,0],[0,4]]}""");
        var (code, output, _) = Run("eval", "sigma^2 tr(inv(Omega))", "--at", values, "--where", "Omega: m x m");
        Assert.Equal(0, code);
        Assert.Equal("3\n", output);

        Assert.Equal(2, Run("eval", "W", "--at", Values("""{"W": [[1,2],[3]]}"""), "--where", "W: n x m").Code);
        Assert.Equal(2, Run("eval", "W", "--at", Values("not json"), "--where", "W: n x m").Code);
        Assert.Equal(2, Run("eval", "W", "--at", Path.Combine(_dir, "missing.json"), "--where", "W: n x m").Code);
        var (scode, _, serr) = Run("eval", "inv(W)", "--at", Values("""{"W": [[1,2],[2,4]]}"""), "--where", "W: n x n");
        Assert.Equal(2, scode);
        Assert.Contains("singular", serr);
        var (dcode, _, derr) = Run("eval", "W + A", "--at", Values("""{"W": [[1,2]], "A": [[1],[2]]}"""), "--where", "W: n x m; A: n x m");
        Assert.Equal(2, dcode);
        Assert.Contains("MC3006", derr);
    }
}
