using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NotebookCalc.Calculus;
using NotebookCalc.Notebook;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Cli;

/// <summary>`matcalc hessian`, `matcalc check --derivative hessian`, and #!matcalc hessian.</summary>
public class HessianCliTests
{
    private static string ValuesFile(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"matcalc-hessian-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Hessian_text_shows_the_map_the_vec_form_the_layout_and_the_check()
    {
        var (code, stdout, stderr) = CliTests.Run("hessian", "norm(A X - B)^2", "--wrt", "X", "--where", "A: p x n; X: n x m; B: p x m");
        Assert.True(code == 0, stderr);
        Assert.Contains("∇²f[H] = 2 A' A H", stdout);
        Assert.Contains("kron(I_m, 2 A' A)", stdout);
        Assert.Contains("[hessian_differential]", stdout);
        Assert.Contains("[gateaux_hessian]", stdout);
        Assert.Contains("column-major", stdout);
        Assert.Contains("methods agree: yes", stdout);
        Assert.Contains("check: passed", stdout);
        Assert.Contains("symmetry", stdout);
    }

    [Fact]
    public void Hessian_json_with_at_has_the_vec_matrix_as_value()
    {
        // f = ‖A X − B‖², X 2×2: the vec Hessian is I₂ ⊗ 2AᵀA.
        var path = ValuesFile("""{"A": [[1, 2], [3, 4], [0, 1]], "X": [[1, 0], [0, 1]], "B": [[1, 1], [1, 1], [1, 1]]}""");
        try
        {
            var (code, stdout, stderr) = CliTests.Run("hessian", "norm(A X - B)^2", "--wrt", "X", "--at", path, "--format", "json");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            Assert.Equal("X", root.GetProperty("wrt").GetString());
            Assert.Equal("H", root.GetProperty("direction").GetString());
            Assert.Equal("2 A' A H", root.GetProperty("hessian").GetProperty("map").GetProperty("text").GetString());
            Assert.Contains("kron", root.GetProperty("hessian").GetProperty("vec").GetProperty("text").GetString());
            Assert.Contains("column-major", root.GetProperty("hessian").GetProperty("layout").GetString());
            Assert.True(root.GetProperty("agree").GetBoolean());
            Assert.True(root.GetProperty("check").GetProperty("passed").GetBoolean());
            var value = root.GetProperty("value").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            // 2AᵀA = 2 [[10, 14], [14, 21]]
            double[][] expected =
            [
                [20, 28, 0, 0],
                [28, 42, 0, 0],
                [0, 0, 20, 28],
                [0, 0, 28, 42],
            ];
            Assert.Equal(4, value.Length);
            for (var i = 0; i < 4; i++)
                for (var j = 0; j < 4; j++)
                    Assert.Equal(expected[i][j], value[i][j], 9);
            Assert.All(root.GetProperty("methods").EnumerateArray(), m => Assert.NotEmpty(m.GetProperty("steps").EnumerateArray()));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Logdet_vec_hessian_at_a_point_uses_the_commutation_matrix()
    {
        // f = ln det X at X = diag(1, 2): ∂²f/∂X_ij∂X_kl = −(X⁻¹)_li (X⁻¹)_jk.
        var path = ValuesFile("""{"X": [[1, 0], [0, 2]]}""");
        try
        {
            var (code, stdout, stderr) = CliTests.Run("hessian", "ln det X", "--wrt", "X", "--at", path, "--format", "json");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var value = doc.RootElement.GetProperty("value").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            double[] inv = [1, 0.5]; // X⁻¹ diagonal
            for (var c = 0; c < 4; c++)
                for (var r = 0; r < 4; r++)
                {
                    var (i, j) = (r % 2, r / 2);
                    var (k, l) = (c % 2, c / 2);
                    var want = -(l == i ? inv[l] : 0) * (j == k ? inv[j] : 0);
                    Assert.Equal(want, value[r][c], 9);
                }
            Assert.Contains("K_(2,2)", doc.RootElement.GetProperty("hessian").GetProperty("vec").GetProperty("text").GetString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_too_large_vec_hessian_is_a_diagnostic()
    {
        var rows = string.Join(",", Enumerable.Range(0, 21).Select(i => "[" + string.Join(",", Enumerable.Range(0, 21).Select(j => i == j ? "1" : "0")) + "]"));
        var path = ValuesFile($$"""{"X": [{{rows}}]}""");
        try
        {
            var (code, _, stderr) = CliTests.Run("hessian", "tr(X' X)", "--wrt", "X", "--at", path, "--check", "off");
            Assert.Equal(2, code);
            Assert.Contains("MC3014", stderr);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Check_derivative_hessian_exit_codes_and_outputs()
    {
        const string where = "A: p x n; X: n x m; B: p x m";
        var right = CliTests.Run("check", "norm(A X - B)^2", "--wrt", "X", "--where", where, "--derivative", "hessian", "--claim", "2 A' A H");
        Assert.True(right.Code == 0, right.Out + right.Err);
        Assert.Contains("right", right.Out);
        Assert.Contains("∇²f[H] = 2 A' A H", right.Out);

        var wrong = CliTests.Run("check", "norm(A X - B)^2", "--wrt", "X", "--where", "A: n x n; X: n x m; B: n x m", "--derivative", "hessian", "--claim", "2 A A' H", "--format", "json");
        Assert.Equal(1, wrong.Code);
        using var doc = JsonDocument.Parse(wrong.Out);
        Assert.False(doc.RootElement.GetProperty("right").GetBoolean());
        Assert.Equal("hessian", doc.RootElement.GetProperty("derivative").GetString());
        Assert.Equal("H", doc.RootElement.GetProperty("direction").GetString());
        Assert.Equal("2 A' A H", doc.RootElement.GetProperty("hessian").GetProperty("text").GetString());
        Assert.True(doc.RootElement.GetProperty("counterexample").GetProperty("values").TryGetProperty("H", out _));

        var hidden = CliTests.Run("check", "norm(A X - B)^2", "--wrt", "X", "--where", "A: n x n; X: n x m; B: n x m", "--derivative", "hessian", "--claim", "2 A A' H", "--answer", "hidden");
        Assert.Equal(1, hidden.Code);
        Assert.DoesNotContain("2 A' A H", hidden.Out);

        var bad = CliTests.Run("check", "norm(A X - B)^2", "--wrt", "X", "--where", where, "--derivative", "jacobean", "--claim", "H");
        Assert.Equal(2, bad.Code);
    }

    [Fact]
    public void Hessian_html_is_escaped_and_well_formed()
    {
        var r = MatCalc.Hessian("tr(X' A X)", "X", "A: n x n; X: n x m", new GradientOptions { Seed = 1 });
        var html = Formats.Of(r)[Formats.Html];
        Assert.DoesNotContain("<script", html);
        foreach (Match m in Regex.Matches(html, "<math[\\s\\S]*?</math>")) XElement.Parse(m.Value);
        Assert.Contains("mc-ok", html);
        var (code, stdout, _) = CliTests.Run("hessian", "tr(X' A X)", "--wrt", "X", "--where", "A: n x n; X: n x m", "--format", "html");
        Assert.Equal(0, code);
        Assert.StartsWith("<div class=\"matcalc\">", stdout.Trim());
    }

    [Fact]
    public void Hessian_latex_renders_under_katex_strict()
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var latex = new List<string>();
        foreach (var (expr, wrt, where) in new[]
                 {
                     ("ln det X", "X", "X: n x n"), ("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b"),
                     ("sum(log(1 + exp(-y .* (A w))))", "w", "A: n x d; w: d; y: n"), ("tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible"),
                 })
        {
            var r = MatCalc.Hessian(expr, wrt, where, new GradientOptions { Check = false });
            latex.AddRange(r.Methods.SelectMany(m => m.Steps).Select(s => s.Latex));
            latex.Add(LatexPrinter.Print(r.VecForm!));
        }
        latex.AddRange(Rules.All.Where(r => r.Derivative == "hessian").Select(r => r.Latex));
        var bad = Katex.Validate(latex).Where(x => !x.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(5).Select(b => b.Latex + "\n  → " + b.Error)));
    }

    [Fact]
    public void The_notebook_has_hessian_and_check_derivative_hessian()
    {
        var s = new MatCalcSession();
        var r = Assert.IsType<HessianResult>(Assert.Single(s.Run("#!matcalc hessian \"tr(X' A X)\" --wrt X --where \"A: n x n; X: n x m\"")));
        Assert.Equal("(A + A') H", r.Map.ToString());
        var claim = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X' A X)\" --wrt X --where \"A: n x n; X: n x m\" --derivative hessian --claim \"2 A H\"")));
        Assert.False(claim.Report.Right);
        Assert.Equal("hessian", claim.Report.Derivative);
        var ok = Assert.IsType<ClaimResult>(Assert.Single(s.Run("#!matcalc check \"tr(X' A X)\" --wrt X --where \"A: n x n; X: n x m\" --derivative hessian --claim \"(A + A') H\"")));
        Assert.True(ok.Report.Right, ok.Report.Verdict);
        var bad = Assert.IsType<DiagnosticsDisplay>(Assert.Single(s.Run("#!matcalc check \"tr(X)\" --wrt X --derivative hess --claim \"H\"")));
        Assert.Equal("MC4003", bad.Diagnostics[0].Id);
        Assert.Contains("#!matcalc hessian", MatCalcSession.Help());
    }

    [Theory]
    [InlineData("hessian-seed004-W", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b")]
    [InlineData("hessian-seed001-logdet", "ln det(W W' + sigma^2 I)", "W", "W: n x m; sigma: scalar")]
    [InlineData("hessian-seed000-trace", "tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible")]
    public void Hessian_derivations_match_the_golden_files(string id, string expr, string wrt, string where)
    {
        var r = MatCalc.Hessian(expr, wrt, where, new GradientOptions { Seed = 1 });
        var actual = DerivationFormat.Text(r).Replace("\r", "") + "\n";
        var path = Path.Combine(Katex.RepoRoot(), "tests", "NotebookCalc.Tests", "Golden", id + ".txt");
        if (Environment.GetEnvironmentVariable("MATCALC_UPDATE_GOLDEN") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"missing golden file {path}; run the tests with MATCALC_UPDATE_GOLDEN=1 to create it, then review it");
        var expected = File.ReadAllText(path).Replace("\r", "");
        if (expected != actual) File.WriteAllText(Path.ChangeExtension(path, ".received.txt"), actual);
        Assert.True(expected == actual, $"{id}: the derivation changed; review {Path.ChangeExtension(path, ".received.txt")}");
    }
}
