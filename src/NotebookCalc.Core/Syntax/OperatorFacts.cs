namespace NotebookCalc.Syntax;

/// <summary>Precedence levels, loosest first (LANGUAGE.md §1). The parser binds by them and the printers bracket by them.</summary>
public static class Precedence
{
    public const int Frobenius = 10, Sum = 20, Product = 30, Unary = 40, Postfix = 50, Atom = 60;
}

/// <summary>
/// A binary operator: the tokens that spell it, its precedence (every binary operator is left-associative), the text
/// of its <see cref="SyntaxKind.Binary"/> node, and how each printer writes it.
/// </summary>
/// <param name="Syntax">The <see cref="SyntaxNode.Text"/> of the node the parser builds.</param>
/// <param name="Input">The ASCII spelling a user types (juxtaposition: a space).</param>
/// <param name="Text">What the text printer writes between the operands (kron is written as a call, kron(A, B)).</param>
public sealed record BinaryOperator(string Syntax, int Precedence, TokenKind[] Tokens, string Input, string Text, string Latex, string MathMl);

/// <summary>The one operator table, shared by the parser (precedence and tokens) and the printers (spelling, brackets).</summary>
public static class OperatorFacts
{
    public static readonly BinaryOperator Frobenius = new(":", Precedence.Frobenius, [TokenKind.Colon], ":", " : ", " : ", ":");
    public static readonly BinaryOperator Add = new("+", Precedence.Sum, [TokenKind.Plus], "+", " + ", " + ", "+");
    public static readonly BinaryOperator Subtract = new("-", Precedence.Sum, [TokenKind.Minus], "-", " - ", " - ", "−");
    public static readonly BinaryOperator Multiply = new("*", Precedence.Product, [TokenKind.Star], "*", " ", " ", "&#x2062;");
    public static readonly BinaryOperator Juxtapose = new("juxt", Precedence.Product, [], " ", " ", " ", "&#x2062;");
    public static readonly BinaryOperator Divide = new("/", Precedence.Product, [TokenKind.Slash], "/", " / ", @"\frac", "mfrac");
    public static readonly BinaryOperator Hadamard = new(".*", Precedence.Product, [TokenKind.DotStar, TokenKind.Hadamard], ".*", " .* ", @" \odot ", "⊙");
    public static readonly BinaryOperator HadamardDiv = new("./", Precedence.Product, [TokenKind.DotSlash, TokenKind.HadamardDiv], "./", " ./ ", @" \oslash ", "⊘");
    public static readonly BinaryOperator Kron = new("kron", Precedence.Product, [TokenKind.Kron], "⊗", "kron", @" \otimes ", "⊗");

    public static IReadOnlyList<BinaryOperator> Binary { get; } = [Frobenius, Add, Subtract, Multiply, Juxtapose, Divide, Hadamard, HadamardDiv, Kron];

    /// <summary>The binary operator a token spells, if any (juxtaposition has no token: an operand after an operand).</summary>
    public static BinaryOperator? ForToken(TokenKind kind) => Binary.FirstOrDefault(o => o.Tokens.Contains(kind));

    public static BinaryOperator ForSyntax(string syntax) => Binary.First(o => o.Syntax == syntax);
}
