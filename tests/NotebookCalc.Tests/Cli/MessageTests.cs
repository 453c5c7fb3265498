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

/// <summary>Long inputs are quoted around the offending span with an ellipsis, never echoed whole.</summary>
public class LongInputTests
{
    [Fact]
    public void An_over_long_expression_is_not_echoed()
    {
        var expr = string.Join("+", Enumerable.Repeat("A", 24_000)); // 48 kB
        var (code, _, stderr) = CliTests.Run("show", expr, "--where", "A: n x n");
        Assert.Equal(2, code);
        Assert.Contains("MC0010", stderr);
        Assert.True(stderr.Length < 2_000, $"{stderr.Length} characters of error");
        Assert.Contains("…", stderr);
        var html = NotebookCalc.Rendering.Html.Diagnostics(expr, [new Diagnostic("MC0010", Severity.Error, new TextSpan(20_000, 1), "too long")]);
        Assert.True(html.Length < 5_000, $"{html.Length} characters of HTML");
    }

    [Fact]
    public void The_caret_still_points_at_the_span_in_a_cut_line()
    {
        var line = new string('x', 300) + ")" + new string('y', 300);
        var (text, start, length) = DiagnosticFormatter.Window(line, 300, 1);
        Assert.Equal(')', text[start]);
        Assert.Equal(1, length);
        Assert.StartsWith("…", text);
        Assert.EndsWith("…", text);
        Assert.True(text.Length <= DiagnosticFormatter.MaxQuote + 2);
    }

    [Fact]
    public void A_5_MB_expression_in_a_notebook_cell_makes_a_small_page()
    {
        var dir = Directory.CreateTempSubdirectory("matcalc-big-");
        try
        {
            var expr = string.Join("+", Enumerable.Repeat("A", 2_500_000));
            var nb = Path.Combine(dir.FullName, "big.ipynb");
            File.WriteAllText(nb, System.Text.Json.JsonSerializer.Serialize(new
            {
                cells = new object[] { new { cell_type = "code", source = new[] { "#!matcalc let \"A: n x n\"" } }, new { cell_type = "code", source = new[] { $"#!matcalc show \"{expr}\"" } } },
                metadata = new { }, nbformat = 4, nbformat_minor = 5,
            }));
            var (code, _, err) = CliTests.Run("render", nb, "--out", Path.Combine(dir.FullName, "site"));
            Assert.True(code == 0, err);
            var page = File.ReadAllText(Path.Combine(dir.FullName, "site", "big.html"));
            Assert.True(page.Length < 50_000, $"the page is {page.Length:N0} characters");
            Assert.Contains("MC0010", page);
            Assert.Contains("characters; the rest is not shown", page);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

public class DimsTests
{
    [Fact]
    public void Dims_for_a_dimension_the_function_lacks_is_an_error()
    {
        var (code, stdout, stderr) = CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--where", "W: n x k", "--dims", "n=3,m=4");
        Assert.Equal(2, code);
        Assert.Contains("MC3009", stderr);
        Assert.Contains("m, which is not a dimension of the function", stderr);
        Assert.Contains("k, n", stderr);
        Assert.DoesNotContain("m=4", stdout);
        Assert.Equal(0, CliTests.Run("gradient", "tr(W W')", "--wrt", "W", "--where", "W: n x k", "--dims", "n=3,k=4").Code);
    }
}

public class MatrixFunctionNameTests
{
    [Theory]
    [InlineData("expm(X)", "matrix exponential", "exp(…) is entrywise")]
    [InlineData("logm(X)", "matrix logarithm", "log(…) is entrywise")]
    [InlineData("sqrtm(X)", "matrix square root", "sqrt(…) is entrywise")]
    public void A_matrix_function_is_not_answered_with_its_entrywise_look_alike(string expr, string what, string hint)
    {
        var (code, _, stderr) = CliTests.Run("show", expr, "--where", "X: n x n");
        Assert.Equal(2, code);
        Assert.Contains("MC1013", stderr);
        Assert.Contains(what, stderr);
        Assert.Contains(hint, stderr);
        Assert.DoesNotContain("did you mean", stderr);
    }
}

/// <summary>The command line's own errors: one line each, naming the closest valid choice, never a .NET type or MC9999.</summary>
public class CommandLineMessageTests
{
    [Fact]
    public void An_unknown_command_is_named_once_with_the_commands_and_the_closest()
    {
        var (code, _, stderr) = CliTests.Run("laplacian", "tr(X)", "--wrt", "X");
        Assert.Equal(2, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains("unknown command 'laplacian'", errors[0]);
        Assert.Contains("show, eval, gradient, hessian, jacobian, check, render, grade", errors[0]);
        Assert.Contains("did you mean 'gradient'?", CliTests.Run("gradiant", "tr(X)").Err);
    }

    [Fact]
    public void An_unknown_option_names_the_closest_and_its_value_is_not_a_second_error()
    {
        var (code, _, stderr) = CliTests.Run("gradient", "tr(X)", "--wrt", "X", "--where", "X: n x n", "--sed", "3");
        Assert.Equal(2, code);
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains("unknown option '--sed' for gradient (did you mean '--seed'?)", errors[0]);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("1e3")]
    [InlineData("many")]
    public void A_seed_out_of_range_says_what_it_takes_without_dotnet_types(string seed)
    {
        var (code, _, stderr) = CliTests.Run("gradient", "tr(X)", "--wrt", "X", "--where", "X: n x n", "--seed", seed);
        Assert.Equal(2, code);
        Assert.Contains("--seed takes a whole number from 0 to 2,147,483,647", stderr);
        Assert.DoesNotContain("Int32", stderr);
        Assert.DoesNotContain("System.", stderr);
    }

    [Fact]
    public void Folders_where_files_are_expected_and_an_existing_output_file_get_a_diagnostic_not_MC9999()
    {
        var dir = Directory.CreateTempSubdirectory("matcalc-paths-");
        try
        {
            var (c1, _, e1) = CliTests.Run("eval", "tr(A)", "--at", dir.FullName);
            Assert.Equal(2, c1);
            Assert.Contains("MC3007", e1);
            Assert.Contains("is a folder, not the values file", e1);
            Assert.DoesNotContain("denied", e1);
            var (c2, _, e2) = CliTests.Run("grade", Path.Combine(dir.FullName, "*.ipynb"), "--key", dir.FullName);
            Assert.Equal(2, c2);
            Assert.Contains("is a folder, not the grading key", e2);

            var existing = Path.Combine(dir.FullName, "values.json");
            File.WriteAllText(existing, "{}");
            var nb = Path.Combine(dir.FullName, "a.ipynb");
            File.WriteAllText(nb, """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""");
            var (c3, _, e3) = CliTests.Run("render", nb, "--out", existing);
            Assert.Equal(2, c3);
            Assert.Contains("MC5006", e3);
            Assert.DoesNotContain("MC9999", e3);
            Assert.Equal("{}", File.ReadAllText(existing));
            var (c4, _, e4) = CliTests.Run("render", dir.FullName, "--out", Path.Combine(dir.FullName, "site"));
            Assert.Equal(2, c4);
            Assert.Contains("is a folder, not a notebook", e4);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
