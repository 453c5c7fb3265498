using NotebookCalc.Calculus;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using Xunit.Abstractions;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// How many derived gradients print exactly as the Matrix Cookbook writes them. Normal form: the Cookbook's answer
/// (Data/cookbook.json, "expected") is parsed with the same declarations and printed by the text printer, so only
/// spacing and the spelling of operators are normalised — not the order of terms or factors, not the grouping.
/// </summary>
public class TextbookFormTests(ITestOutputHelper output)
{
    /// <summary>The count reached; it may only go up (raise it when the simplifier improves).</summary>
    private const int Floor = 49;

    [Fact]
    public void Derived_gradients_print_in_the_cookbook_form()
    {
        var same = 0;
        var differ = new List<string>();
        foreach (var c in CookbookTests.Cases)
        {
            var r = MatCalc.Gradient(c.Expr, c.Wrt, c.Where, new GradientOptions { Check = false });
            var f = r.Function;
            var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)));
            var expected = TextPrinter.Print(MatCalc.Parse(c.Expected, scope, r.Variable.Shape).Expr);
            var derived = TextPrinter.Print(r.Gradient);
            if (derived == expected) same++;
            else differ.Add($"{c.Id}: derived {derived}   cookbook {expected}");
        }
        output.WriteLine($"{same} of {CookbookTests.Cases.Count} print in the Cookbook's form");
        foreach (var d in differ) output.WriteLine(d);
        Assert.True(same >= Floor, $"{same} of {CookbookTests.Cases.Count} in textbook form (floor {Floor}):\n{string.Join("\n", differ)}");
    }

    [Theory]
    [InlineData("tr(X^3)", "X", "X: n x n", "3 X^2'")]
    [InlineData("tr(X^10)", "X", "X: n x n", "10 X^9'")]
    [InlineData("ln det(X^2)", "X", "X: n x n", "2 inv(X)'")]
    [InlineData("ln det(X^40)", "X", "X: n x n", "40 inv(X)'")]
    [InlineData("det(X)^(1/3)", "X", "X: n x n", "det(X)^(1/3) / 3 inv(X)'")]
    [InlineData("det(X)^(2/3)", "X", "X: n x n", "2 det(X)^(2/3) / 3 inv(X)'")]
    public void Powers_and_rational_exponents_read_as_a_textbook_writes_them(string f, string wrt, string where, string expected)
    {
        var r = MatCalc.Gradient(f, wrt, where);
        Assert.Equal(expected, TextPrinter.Print(r.Gradient));
        Assert.True(r.Check!.Passed, r.Check.Summary);
        Assert.True(r.Agree, r.AgreementBasis);
    }
}
