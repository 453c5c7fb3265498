using CsCheck;
using NotebookCalc.Rendering;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Language;

/// <summary>Properties over generated expressions (CsCheck; failures shrink to a small counterexample).</summary>
public class PropertyTests
{
    [Fact]
    public void Printed_text_parses_back_to_the_same_tree() =>
        ExprGen.Any.Sample(e =>
        {
            var text = TextPrinter.Print(e);
            var again = MatCalc.Parse(text, ExprGen.Where).Expr;
            Assert.True(e == again, $"{text}\n  reparsed as {TextPrinter.Print(again)}");
        }, iter: 3000, seed: "0N0XIzNsQ0O2");

    [Fact]
    public void Parsing_is_insensitive_to_extra_whitespace_and_brackets() =>
        ExprGen.ForAll(e =>
        {
            var text = TextPrinter.Print(e);
            Assert.Equal(e, MatCalc.Parse("  ( " + text.Replace(" ", "   ") + " )  ", ExprGen.Where).Expr);
        }, iter: 1000);

    [Fact]
    public void Shapes_survive_the_round_trip() =>
        ExprGen.ForAll(e => Assert.Equal(e.Shape, MatCalc.Parse(TextPrinter.Print(e), ExprGen.Where).Shape), iter: 1000);
}
