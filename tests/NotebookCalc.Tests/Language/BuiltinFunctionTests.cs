using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Language;

/// <summary>One table of built-in functions drives the parser, the binder and the printers: every spelling reads as its
/// function, every printed call uses the table's spelling and parses back, every function names a derivative rule.</summary>
public class BuiltinFunctionTests
{
    private const string Where = "X: n x m; Y: n x m; A: n x n; B: n x n; s: scalar";

    [Fact]
    public void Every_spelling_of_every_builtin_reads_as_that_function_and_is_reserved()
    {
        foreach (var f in BuiltinFunctions.All)
            foreach (var spelling in f.Spellings)
            {
                var args = f.TakesDimensions ? string.Join(", ", Enumerable.Repeat("n", f.MaxArgs)) : f.MaxArgs == 3 ? "A, B, 3" : f.MaxArgs == 2 ? "A, B" : "A";
                var e = MatCalc.Parse($"{spelling}({args})", Where);
                Assert.Equal(MatCalc.Parse($"{f.Name}({args})", Where).Expr, e.Expr);
                Assert.Equal("MC1018", Assert.Throws<MatcalcException>(() => Scope.Parse($"{spelling}: scalar")).Diagnostics[0].Id);
            }
    }

    [Fact]
    public void Every_builtin_names_a_derivative_rule_of_the_catalogue()
    {
        Assert.Equal(BuiltinFunctions.All.Count, BuiltinFunctions.All.Select(f => f.Name).Distinct().Count());
        Assert.All(BuiltinFunctions.All, f => Assert.True(Rules.Exists(f.DerivativeRule), $"{f.Name}: no rule {f.DerivativeRule}"));
        Assert.All(Enum.GetValues<ElementwiseFn>(), fn => Assert.True(BuiltinFunctions.TryGet(fn.ToString().ToLowerInvariant(), out _), $"{fn} is not in the table"));
    }

    [Fact]
    public void Printers_spell_every_call_as_the_table_does_and_the_text_parses_back()
    {
        foreach (var f in BuiltinFunctions.All.Where(f => !f.TakesDimensions && f.MaxArgs == 1 && f.Name is not ("inv" or "transpose" or "norm" or "norm1")))
        {
            var arg = f.Name is "diag" ? "A" : f.Name is "tr" or "det" or "logdet" ? "A" : "X";
            var e = MatCalc.Parse($"{f.Name}({arg})", Where);
            Assert.StartsWith(f.Text + "(", e.Text);
            Assert.Equal(e.Expr, MatCalc.Parse(e.Text, Where).Expr);
            if (f.Name is not ("sqrt" or "abs")) // drawn as a radical and as bars
            {
                Assert.StartsWith(f.Latex + "\\left(", LatexPrinter.Print(e.Expr));
                Assert.Contains(f.MathMl + "<mo>&#x2061;</mo>", MathMlPrinter.Row(e.Expr));
            }
        }
        Assert.Equal("kron(A, B)", MatCalc.Parse("A ⊗ B", Where).Text);
        Assert.Equal("inv(A)", MatCalc.Parse("A^-1", Where).Text);
        Assert.Equal("norm(X) + norm1(X)", MatCalc.Parse("‖X‖_F + ‖X‖_1", Where).Text);
        Assert.Equal("zeros(n, m) + ones(n, m)", MatCalc.Parse("zeros(n, m) + ones(n, m)", Where).Text);
    }
}
