using NotebookCalc.Syntax;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// Parser and printers read one operator table (<see cref="OperatorFacts"/>); as minsk's ParserTests loop over all
/// operator pairs from SyntaxFacts, these loop over every pair of binary operators, so printing and parsing cannot disagree.
/// </summary>
public class OperatorTableTests
{
    private const string Where = "a: scalar; b: scalar; c: scalar";

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var l in OperatorFacts.Binary)
            foreach (var r in OperatorFacts.Binary)
                data.Add(l.Syntax, r.Syntax);
        return data;
    }

    private static string Join(string a, BinaryOperator op, string b) => op == OperatorFacts.Juxtapose ? $"{a} {b}" : $"{a} {op.Input} {b}";

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Parser_BinaryOperatorPair_HonoursPrecedenceAndLeftAssociativity(string left, string right)
    {
        var l = OperatorFacts.ForSyntax(left);
        var r = OperatorFacts.ForSyntax(right);
        var root = Parser.Parse(Join(Join("a", l, "b"), r, "c"));
        Assert.Equal(SyntaxKind.Binary, root.Kind);
        if (l.Precedence >= r.Precedence)
        {
            Assert.Equal(r.Syntax, root.Text);   // (a l b) r c
            Assert.Equal(l.Syntax, root[0].Text);
        }
        else
        {
            Assert.Equal(l.Syntax, root.Text);   // a l (b r c)
            Assert.Equal(r.Syntax, root[1].Text);
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Printer_BinaryOperatorPair_BracketsWhatTheParserNeeds(string left, string right)
    {
        var l = OperatorFacts.ForSyntax(left);
        var r = OperatorFacts.ForSyntax(right);
        foreach (var text in new[] { Join($"({Join("a", l, "b")})", r, "c"), Join("a", l, $"({Join("b", r, "c")})"), Join(Join("a", l, "b"), r, "c") })
        {
            var e = MatCalc.Parse(text, Where);
            var printed = e.Text;
            Assert.True(e.Expr == MatCalc.Parse(printed, Where).Expr, $"'{text}' printed as '{printed}', which parses to another tree");
            var latex = Rendering.LatexPrinter.Print(e.Expr);
            Assert.DoesNotContain("(", latex.Replace("\\left(", "").Replace("\\right)", ""));
        }
    }

    [Fact]
    public void Every_token_of_the_table_is_an_infix_operator_of_the_parser()
    {
        Assert.All(OperatorFacts.Binary.SelectMany(o => o.Tokens), kind => Assert.NotNull(OperatorFacts.ForToken(kind)));
        Assert.Equal(OperatorFacts.Binary.SelectMany(o => o.Tokens).Count(), OperatorFacts.Binary.SelectMany(o => o.Tokens).Distinct().Count());
        Assert.True(Precedence.Frobenius < Precedence.Sum && Precedence.Sum < Precedence.Product && Precedence.Product < Precedence.Unary && Precedence.Unary < Precedence.Postfix);
    }
}
